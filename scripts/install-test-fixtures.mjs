// Installs the test-only fixture packages under test/fixtures-packages/<name>/
// (SDKs too heavy for the root devDependencies: the Claude Agent SDK and the
// Claude Code CLI are ~0.85 GB of native binaries). Idempotent: a folder whose
// pinned dependencies are installed at their versions is left alone, so a second run
// costs a file read. Skipped on a Node older than the folder's `engines.node`
// (`>=X.Y`; 22 when it names none: the Claude SDKs need 22+, and their tests skip
// there) unless CATALYST_TEST_NODE names a newer node to run them with.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const base = join(root, 'test/fixtures-packages');

/** Whether this Node is older than the folder asks for (`engines.node` as `>=X.Y.Z`, else 22). */
function tooOld(dir) {
  if (process.env.CATALYST_TEST_NODE) return false;
  const wanted = /^>=\s*(\d+)(?:\.(\d+))?/.exec(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).engines?.node ?? '') ?? [null, '22', '0'];
  const [major, minor] = process.versions.node.split('.').map(Number);
  return major < Number(wanted[1]) || (major === Number(wanted[1]) && minor < Number(wanted[2] ?? 0));
}
const only = process.argv.slice(2);

/** Whether each dependency pinned in the folder's package.json is installed at that version. */
function installed(dir) {
  const { dependencies = {} } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  return Object.entries(dependencies).every(([name, version]) => {
    try {
      return JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')).version === version;
    } catch {
      return false;
    }
  });
}

for (const name of existsSync(base) ? readdirSync(base) : []) {
  const dir = join(base, name);
  if (!existsSync(join(dir, 'package-lock.json')) || (only.length > 0 && !only.includes(name))) continue;
  if (tooOld(dir)) {
    console.log(`install-test-fixtures: ${name}: skipped on Node ${process.versions.node} (its tests need a newer Node)`);
    continue;
  }
  if (installed(dir)) continue;
  const started = Date.now();
  console.log(`install-test-fixtures: ${name}: npm ci ...`);
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' });
  console.log(`install-test-fixtures: ${name}: installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
