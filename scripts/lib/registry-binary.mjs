// A runtime binary fetched from the npm registry (the only network the build
// machines have): `npm pack` of a package whose tarball holds the binary, the
// named members extracted beside the destination and renamed into place, so an
// interrupted download never leaves a half-written binary a later run would
// trust. Shared by fetch-node.mjs and fetch-bun.mjs.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Packs `pkg` (name@version) and installs the tarball members `members` into `dest`.
 * @param {{ tool: string, pkg: string, dest: string, members: string[] }} options
 */
export function installFromRegistry({ tool, pkg, dest, members }) {
  const tmp = mkdtempSync(join(tmpdir(), `${tool}-`));
  const staging = `${dest}.partial-${process.pid}`;
  try {
    log(`${tool}: npm pack ${pkg} (~50 MB)`);
    execFileSync('npm', ['pack', pkg, '--pack-destination', tmp, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
    const tarball = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    if (!tarball) fail(`${tool}: npm pack ${pkg} produced no tarball`);
    mkdirSync(staging, { recursive: true });
    execFileSync('tar', ['-xzf', join(tmp, tarball), '-C', staging, '--strip-components=1', ...members], { stdio: 'inherit' });
    rmSync(dest, { recursive: true, force: true });
    mkdirSync(dirname(dest), { recursive: true });
    renameSync(staging, dest);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    rmSync(staging, { recursive: true, force: true });
  }
}

/** What `path --version` prints, or undefined when there is no binary or it does not run. @param {string} path @returns {string | undefined} */
export function versionOf(path) {
  if (!existsSync(path)) return undefined;
  try {
    return execFileSync(path, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** @param {string} message */
export function log(message) {
  process.stderr.write(`${message}\n`);
}

/** @param {string} message @returns {never} */
export function fail(message) {
  log(message);
  process.exit(1);
}
