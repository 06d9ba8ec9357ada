// The packaged extension (.vsix) every e2e file installs, packaged once per run: the test
// runner packages it before the e2e files and names it in RC_E2E_VSIX; a file run on its own
// packages it once for itself.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './paths';
import { removeTree } from './process-group';

/** The environment variable naming a .vsix already packaged for this run. */
export const RUN_VSIX_ENV = 'RC_E2E_VSIX';

let packaged: string | undefined;

/** Runs `scripts/package.mjs` (build and `vsce package`) and copies the .vsix into `into`. */
export function packageVsixInto(into: string): string {
  const printed = execFileSync(process.execPath, ['scripts/package.mjs'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  const built = printed.split('\n').pop() ?? '';
  if (!built.endsWith('.vsix') || !existsSync(built)) throw new Error(`npm run package did not print the path of a .vsix: ${printed.slice(-500)}`);
  // A copy: a later build in the working tree must not change what this run installs.
  const copy = join(into, 'resilient-claude.vsix');
  copyFileSync(built, copy);
  return copy;
}

/** This run's packaged extension: the runner's (RC_E2E_VSIX), else packaged now, once for this process. */
export function packagedVsix(): string {
  const fromRun = process.env[RUN_VSIX_ENV];
  if (fromRun !== undefined && fromRun !== '') {
    if (!existsSync(fromRun)) throw new Error(`${RUN_VSIX_ENV} names ${fromRun}, which does not exist`);
    return fromRun;
  }
  if (packaged === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'rc-e2e-vsix-'));
    process.once('exit', () => removeTree(dir));
    packaged = packageVsixInto(dir);
  }
  return packaged;
}
