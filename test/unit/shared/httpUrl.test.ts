// One URL rule (src/shared/httpUrl.ts): an absolute http(s) URL with a host and no user name or
// password. Every place that takes a URL applies it alike — the base URL settings, the status page
// setting, the manager's provider configuration and the CLI's --base-url — and none repeats a
// credential when it refuses one. (Before, the CLI took anything starting "http://", the manager
// took credentials, and only the settings refused them.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runAsk } from '../../../src/cli/ask';
import { validateManagerConfig } from '../../../src/core/defaults';
import { STATUS_PAGE_SETTINGS_TABLE, validateSettings } from '../../../src/extension/settings';
import { httpUrlProblem, parseHttpUrl } from '../../../src/shared/httpUrl';

const GOOD = ['https://gw.example/v1', ' http://127.0.0.1:4000 ', 'HTTPS://Gateway.Example:8443/anthropic/'];
const BAD = ['ftp://gw.example', 'not a url', 'http://', 'https://user:pw-hunter2@gw.example', 'https://:pw-hunter2@gw.example', 'file:///etc/passwd'];

async function cliTakes(url: string): Promise<{ accepted: boolean; stderr: string }> {
  let stderr = '';
  // No key: a URL that passes the rule gets as far as asking for the key, one that does not stops at --base-url.
  await runAsk(['--base-url', url, 'hello'], { env: {}, stdout: () => undefined, stderr: (t) => (stderr += t) });
  return { accepted: !stderr.includes('--base-url'), stderr };
}

test('each place that takes a URL keeps the one rule', { timeout: 10_000 }, async () => {
  for (const [url, ok] of [...GOOD.map((u) => [u, true] as const), ...BAD.map((u) => [u, false] as const)]) {
    assert.equal(httpUrlProblem(url) === null, ok, url);
    assert.equal(parseHttpUrl(url) !== null, ok, url);
    const settings = validateSettings({ baseUrl: url, 'bedrock.baseUrl': url, 'vertex.baseUrl': url });
    assert.equal(settings.problems.length === 0, ok, `settings: ${url}`);
    const statusProblems: string[] = [];
    STATUS_PAGE_SETTINGS_TABLE.url.read(url, (m) => statusProblems.push(m));
    assert.equal(statusProblems.length === 0, ok, `status page: ${url}`);
    const manager = validateManagerConfig({ providers: [{ id: 'anthropic', baseURL: url }] });
    assert.equal(manager.problems.length === 0, ok, `manager: ${url}`);
    const cli = await cliTakes(url);
    assert.equal(cli.accepted, ok, `cli: ${url}: ${cli.stderr}`);
    const said = [...settings.problems.map((p) => p.message), ...statusProblems, ...manager.problems.map((p) => p.message), cli.stderr].join('\n');
    assert.ok(!said.includes('hunter2'), `a refusal repeats the password: ${said}`);
  }
});

test('a refused URL is named for what breaks the rule', { timeout: 5_000 }, () => {
  assert.match(httpUrlProblem('https://user:pw@gw.example') ?? '', /user name or password/);
  assert.match(httpUrlProblem('ftp://gw.example') ?? '', /"ftp:" is not http/);
  assert.match(httpUrlProblem('not a url') ?? '', /not a URL/);
  assert.match(httpUrlProblem(42) ?? '', /not text/);
});
