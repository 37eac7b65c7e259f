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
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail, installFromRegistry, log, versionOf } from './lib/registry-binary.mjs';

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
  installFromRegistry({ tool: 'fetch-bun', pkg, dest, members: ['package/bin/bun'] });
  const installed = versionOf(binary);
  if (installed !== version) fail(`fetch-bun: ${binary} does not run after extraction (${installed ?? 'no answer'})`);
  log(`fetch-bun: installed ${binary} (${installed})`);
}
process.stdout.write(`${binary}\n`);

