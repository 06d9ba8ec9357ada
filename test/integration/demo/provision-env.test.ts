// Under `npm run demo` (npm on the machine's Node 20), the provisioning's child npm must run as the
// Node 24 it provides. code-server's postinstall reads the Node major version from the
// npm_config_user_agent its npm passes on; a child that inherits the outer npm's variables reports
// "node/v20" and code-server refuses to install ("currently requires node v24").
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../../e2e/harness/paths';

/** code-server 4.139.1's postinstall check, verbatim in substance. */
const CODE_SERVER_NODE_CHECK = [
  'major_node_version=$(echo "$npm_config_user_agent" | sed -n \'s/.*node\\/v\\([^.]*\\).*/\\1/p\')',
  'if [ "$major_node_version" -ne 24 ]; then echo "ERROR: requires node v24, detected node v$major_node_version"; exit 1; fi',
  'echo "postinstall ran on node v$major_node_version ($(node --version))"',
].join('\n');

type ProvisionScript = { cacheDir(): string; provisionPackaging(): { node: string; vsce: string } };

test('a child npm of the provisioning, started under `npm run`, reports the Node 24 it runs on', { timeout: 240_000 }, async () => {
  const script = join(repoRoot, 'scripts', 'provision-vscode.mjs');
  const { cacheDir, provisionPackaging } = (await import(pathToFileURL(script).href)) as ProvisionScript;
  const { node } = provisionPackaging();
  const nodeDir = join(node, '..', '..');
  const work = mkdtempSync(join(tmpdir(), 'rc-provision-env-'));
  try {
    const probe = join(work, 'probe');
    mkdirSync(probe);
    writeFileSync(join(probe, 'check.sh'), `${CODE_SERVER_NODE_CHECK}\n`);
    writeFileSync(join(probe, 'package.json'), JSON.stringify({ name: 'probe', version: '1.0.0', scripts: { postinstall: 'sh ./check.sh' } }));
    // What scripts/provision-vscode.mjs does for code-server: npm install -g in isolatedEnv.
    const installer = join(work, 'install.mjs');
    writeFileSync(
      installer,
      [
        `import { spawnSync } from 'node:child_process';`,
        `import { isolatedEnv } from ${JSON.stringify(pathToFileURL(join(repoRoot, 'scripts', 'provision-vscode.mjs')).href)};`,
        `const env = isolatedEnv(${JSON.stringify(cacheDir())}, ${JSON.stringify(nodeDir)});`,
        `const r = spawnSync('npm', ['install', '-g', '--prefix', ${JSON.stringify(join(work, 'prefix'))}, ${JSON.stringify(probe)}, '--foreground-scripts', '--no-audit', '--no-fund', '--offline'], { env, stdio: 'inherit' });`,
        `process.exit(r.status ?? 1);`,
      ].join('\n'),
    );
    const outer = join(work, 'outer');
    mkdirSync(outer);
    writeFileSync(join(outer, 'package.json'), JSON.stringify({ name: 'outer', version: '1.0.0', private: true, scripts: { provision: `node ${installer}` } }));
    // The outer npm runs on the machine's Node (the Node running this test), as `npm run demo` does.
    const result = spawnSync('npm', ['run', 'provision'], { cwd: outer, encoding: 'utf8', timeout: 180_000 });
    const output = `${result.stdout}\n${result.stderr}`;
    assert.doesNotMatch(output, /requires node v24/, output);
    assert.match(output, /postinstall ran on node v24 \(v24\./, output);
    assert.equal(result.status, 0, output);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
