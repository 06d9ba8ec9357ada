// npm run package: production bundle, then `vsce package` into dist/resilient-claude.vsix.
// vsce 4 needs Node >= 22, so it is not a devDependency (npm ci on Node 20 would warn about it):
// scripts/provision-vscode.mjs installs it with its Node 24 into the cache, and it runs there.
// The packaged README is the user's (docs/EXTENSION-README.md, what the Extensions view shows);
// the repository's README.md is for developers. Its screenshots (docs/screenshots/, from the e2e run)
// need an https home: the details page shows no relative or data: image (VS Code's sanitizer drops
// them). With RC_README_IMAGES_URL (e.g. the raw URL of docs/ in the published repository) they point
// there; without it they are left out of the packaged README rather than shown broken.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { provisionPackaging } from './provision-vscode.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const VSIX_PATH = join(repoRoot, 'dist', 'resilient-claude.vsix');
export const USER_README = join('docs', 'EXTENSION-README.md');

/** The only paths allowed inside the packaged extension (besides vsce's own manifest files). */
const ALLOWED = [/^extension\/dist\/(lazy\/)?[^/]+\.(js|css)$/, /^extension\/media\//, /^extension\/scenarios\//,
  /^extension\/(package\.json|package\.nls\.json|readme\.md|LICENSE\.txt|LICENSE)$/i, /^extension\.vsixmanifest$/, /^\[Content_Types\]\.xml$/];

function run(command, args) {
  process.stderr.write(`[package] $ ${relative(repoRoot, command) || command} ${args.join(' ')}\n`);
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`${command} exited with ${result.status ?? result.signal}`);
}

function vsixEntries(vsix) {
  const result = spawnSync('unzip', ['-Z1', vsix], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`cannot list ${vsix}: ${result.stderr}`);
  return result.stdout.split('\n').filter(Boolean);
}

/** The user README as packaged (written under dist/, packaged only as readme.md): screenshots on https or left out. */
function packagedReadme() {
  const imagesUrl = (process.env.RC_README_IMAGES_URL ?? '').replace(/\/+$/, '');
  if (imagesUrl !== '' && !imagesUrl.startsWith('https://')) throw new Error('RC_README_IMAGES_URL must be an https URL');
  const text = readFileSync(join(repoRoot, USER_README), 'utf8').replace(
    /\n *!\[[^\]]*\]\((screenshots\/[\w.-]+\.png)\)\n/g,
    (line, image) => (imagesUrl === '' ? '\n' : line.replace(image, `${imagesUrl}/${image}`)),
  );
  const out = join(repoRoot, 'dist', 'README.packaged.md');
  writeFileSync(out, text);
  return relative(repoRoot, out);
}

/** Builds and packages the extension; returns the .vsix path. */
export function packageExtension() {
  run(process.execPath, ['esbuild.mjs', '--production']);
  if (!existsSync(join(repoRoot, 'dist', 'extension.js'))) {
    throw new Error('dist/extension.js was not built (is src/extension/extension.ts there?)');
  }
  rmSync(VSIX_PATH, { force: true });
  const { node, vsce } = provisionPackaging();
  run(node, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--readme-path', packagedReadme(), '--out', VSIX_PATH]);
  const entries = vsixEntries(VSIX_PATH);
  const stray = entries.filter((e) => !e.endsWith('/') && !ALLOWED.some((re) => re.test(e)));
  if (stray.length > 0) throw new Error(`the package holds files it should not: ${stray.join(', ')}`);
  process.stderr.write(`[package] ${relative(repoRoot, VSIX_PATH)}: ${entries.length} files, ${Math.round(statSync(VSIX_PATH).size / 1024)} KB\n`);
  return VSIX_PATH;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const vsix = packageExtension();
    process.stdout.write(`${vsix}\n`);
  } catch (error) {
    process.stderr.write(`[package] failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
