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
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail, installFromRegistry, log, versionOf } from './lib/registry-binary.mjs';

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
  installFromRegistry({ tool: 'fetch-node', pkg, dest, members: ['package/bin/node', 'package/LICENSE'] });
  const installed = versionOf(binary);
  if (!installed) fail(`fetch-node: ${binary} does not run after extraction`);
  log(`fetch-node: installed ${binary} (${installed})`);
}
process.stdout.write(`${binary}\n`);

