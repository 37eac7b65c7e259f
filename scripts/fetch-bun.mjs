// Fetches the Bun binary the Bun tests run apps with (CATALYST_TEST_BUN=<printed
// path> to use another). It comes from the npm registry, the only network the
// build machines have, as the `@oven/bun-<os>-<arch>` package whose tarball holds
// package/bin/bun.
//
//   node scripts/fetch-bun.mjs          → .cache/bun-1.4.4/bin/bun
//   node scripts/fetch-bun.mjs 1.4.5    (another exact version)
//
// Idempotent: an existing binary that answers --version is reused. Progress goes
// to stderr; the binary's path is the last line on stdout.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Pinned so every machine tests the same binary. */
const PINNED = '1.4.4';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const version = process.argv[2] ?? PINNED;
if (!/^\d+\.\d+\.\d+$/.test(version)) fail('usage: node scripts/fetch-bun.mjs [x.y.z]');
if (process.platform === 'win32') fail('fetch-bun: the Windows package has a different layout; not supported');

const dest = join(root, '.cache', `bun-${version}`);
const binary = join(dest, 'bin', 'bun');

if (versionOf(binary) === version) {
  log(`fetch-bun: using cached ${binary} (${version})`);
} else {
  const pkg = `@oven/bun-${process.platform}-${process.arch}@${version}`;
  const tmp = mkdtempSync(join(tmpdir(), 'fetch-bun-'));
  // Extract beside the destination and rename into place, so an interrupted
  // download never leaves a half-written binary that a later run would trust.
  const staging = `${dest}.partial-${process.pid}`;
  try {
    log(`fetch-bun: npm pack ${pkg} (~50 MB)`);
    execFileSync('npm', ['pack', pkg, '--pack-destination', tmp, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
    const tarball = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    if (!tarball) fail(`fetch-bun: npm pack ${pkg} produced no tarball`);
    mkdirSync(staging, { recursive: true });
    execFileSync('tar', ['-xzf', join(tmp, tarball), '-C', staging, '--strip-components=1', 'package/bin/bun'], { stdio: 'inherit' });
    rmSync(dest, { recursive: true, force: true });
    mkdirSync(dirname(dest), { recursive: true });
    renameSync(staging, dest);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    rmSync(staging, { recursive: true, force: true });
  }
  const installed = versionOf(binary);
  if (installed !== version) fail(`fetch-bun: ${binary} does not run after extraction (${installed ?? 'no answer'})`);
  log(`fetch-bun: installed ${binary} (${installed})`);
}
process.stdout.write(`${binary}\n`);

/** @param {string} path @returns {string | undefined} */
function versionOf(path) {
  if (!existsSync(path)) return undefined;
  try {
    return execFileSync(path, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** @param {string} message */
function log(message) {
  process.stderr.write(`${message}\n`);
}

/** @param {string} message @returns {never} */
function fail(message) {
  log(message);
  process.exit(1);
}
