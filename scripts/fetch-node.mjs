// Fetches a second Node.js binary so tests can run apps under another major
// (CATALYST_TEST_NODE=<printed path>). It comes from the npm registry, the only
// network the build machines have, as the `node-<os>-<arch>` package whose
// tarball holds package/bin/node (plus headers and docs we do not extract).
//
//   node scripts/fetch-node.mjs 24        → .cache/node-24/bin/node
//   node scripts/fetch-node.mjs 24.21.0   (an exact version works too)
//
// Idempotent: an existing binary that answers --version is reused. Progress goes
// to stderr; the binary's path is the last line on stdout.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The version each major resolves to; pinned so every machine tests the same binary. */
const PINNED = { 24: '24.21.0' };

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = process.argv[2] ?? '24';
const version = /^\d+\.\d+\.\d+$/.test(arg) ? arg : PINNED[/** @type {keyof typeof PINNED} */ (Number(arg))];
if (!version) fail(`usage: node scripts/fetch-node.mjs <major|x.y.z>; pinned majors: ${Object.keys(PINNED).join(', ')}`);
if (process.platform === 'win32') fail('fetch-node: the node-win-* packages have a different layout; not supported');

const major = version.split('.')[0];
const dest = join(root, '.cache', `node-${major}`);
const binary = join(dest, 'bin', 'node');

const existing = versionOf(binary);
if (existing?.startsWith(`v${major}.`)) {
  log(`fetch-node: using cached ${binary} (${existing})`);
} else {
  const pkg = `node-${process.platform}-${process.arch}@${version}`;
  const tmp = mkdtempSync(join(tmpdir(), 'fetch-node-'));
  // Extract beside the destination and rename into place, so an interrupted
  // download never leaves a half-written binary that a later run would trust.
  const staging = `${dest}.partial-${process.pid}`;
  try {
    log(`fetch-node: npm pack ${pkg} (~50 MB)`);
    execFileSync('npm', ['pack', pkg, '--pack-destination', tmp, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
    const tarball = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    if (!tarball) fail(`fetch-node: npm pack ${pkg} produced no tarball`);
    mkdirSync(staging, { recursive: true });
    execFileSync('tar', ['-xzf', join(tmp, tarball), '-C', staging, '--strip-components=1', 'package/bin/node', 'package/LICENSE'], { stdio: 'inherit' });
    rmSync(dest, { recursive: true, force: true });
    mkdirSync(dirname(dest), { recursive: true });
    renameSync(staging, dest);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    rmSync(staging, { recursive: true, force: true });
  }
  const installed = versionOf(binary);
  if (!installed) fail(`fetch-node: ${binary} does not run after extraction`);
  log(`fetch-node: installed ${binary} (${installed})`);
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
