// Provisions the real Claude Code CLI for the endpoint's tests and benchmark: npm
// `@anthropic-ai/claude-code` (it ships a native binary per platform) installed into a cache
// outside the clone, keyed by version — never a dependency users download.
//
//   node scripts/provision-claude-code.mjs          provision (idempotent) and print { claude, version } as JSON
//   import { provisionClaudeCode } from './provision-claude-code.mjs'   same, as an object
//
// ${XDG_CACHE_HOME:-~/.cache}/resilient-claude/claude-code-<version>/; a marker is written when the
// install has finished, and a folder without it (an interrupted install) is wiped and redone.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CLAUDE_CODE_VERSION = '2.1.332';
const MARKER = '.provisioned';

export function claudeCodeDir() {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'resilient-claude', `claude-code-${CLAUDE_CODE_VERSION}`);
}

/** The native binary: the platform package's, else the one the main package ships. */
function binaryIn(dir) {
  const platform = `${process.platform}-${process.arch}`;
  const candidates = [
    join(dir, 'node_modules', '@anthropic-ai', `claude-code-${platform}`, process.platform === 'win32' ? 'claude.exe' : 'claude'),
    join(dir, 'node_modules', '@anthropic-ai', 'claude-code', 'bin', 'claude.exe'),
  ];
  return candidates.find((file) => existsSync(file)) ?? null;
}

export function provisionClaudeCode() {
  const dir = claudeCodeDir();
  const ready = existsSync(join(dir, MARKER)) ? binaryIn(dir) : null;
  if (ready) return { claude: ready, version: CLAUDE_CODE_VERSION };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "private": true }\n');
  process.stderr.write(`[provision] installing @anthropic-ai/claude-code@${CLAUDE_CODE_VERSION} into ${dir}\n`);
  const result = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', `@anthropic-ai/claude-code@${CLAUDE_CODE_VERSION}`], {
    cwd: dir,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  if (result.error) throw new Error(`npm could not start: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`npm install @anthropic-ai/claude-code@${CLAUDE_CODE_VERSION} exited with ${result.status ?? result.signal}`);
  const claude = binaryIn(dir);
  if (!claude) throw new Error(`@anthropic-ai/claude-code@${CLAUDE_CODE_VERSION} installed no binary for ${process.platform}-${process.arch}`);
  const check = spawnSync(claude, ['--version'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: dir } });
  if (check.status !== 0 || !check.stdout.includes(CLAUDE_CODE_VERSION)) throw new Error(`${claude} --version did not report ${CLAUDE_CODE_VERSION}: ${check.stdout}${check.stderr}`);
  writeFileSync(join(dir, MARKER), `${CLAUDE_CODE_VERSION}\n`);
  return { claude, version: CLAUDE_CODE_VERSION };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${JSON.stringify(provisionClaudeCode())}\n`);
}
