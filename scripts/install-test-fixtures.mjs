// Installs the test-only fixture packages under test/fixtures-packages/<name>/
// (SDKs too heavy for the root devDependencies: the Claude Agent SDK and the
// Claude Code CLI are ~0.85 GB of native binaries). Idempotent: a folder whose
// pinned dependencies are installed at their versions is left alone, so a second run
// costs a file read. A folder whose package.json says `"engines": { "node": ">=22" }`
// (SDKs that need 22+, whose tests skip on older Node) is skipped on older Node
// unless CATALYST_TEST_NODE names a newer node to run them with; a folder without
// it (a CLI binary of its own, such as OpenCode's) installs on any Node.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const base = join(root, 'test/fixtures-packages');
const nodeMajor = Number(process.versions.node.split('.')[0]);
const only = process.argv.slice(2);

/** The folder's Node minimum (the major of `engines.node: ">=N"`), or 0. */
function minimumNode(dir) {
  const { engines = {} } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  return Number(/>=\s*(\d+)/.exec(engines.node ?? '')?.[1] ?? 0);
}

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
  const minimum = minimumNode(dir);
  if (nodeMajor < minimum && !process.env.CATALYST_TEST_NODE) {
    console.log(`install-test-fixtures: ${name}: skipped on Node ${process.versions.node} (its tests need Node ${minimum}+)`);
    continue;
  }
  if (installed(dir)) continue;
  const started = Date.now();
  console.log(`install-test-fixtures: ${name}: npm ci ...`);
  // npm runs on the first node in PATH: the newer node the tests name, so an SDK's engines check sees it.
  const env = process.env.CATALYST_TEST_NODE ? { ...process.env, PATH: `${dirname(process.env.CATALYST_TEST_NODE)}${delimiter}${process.env.PATH ?? ''}` } : process.env;
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit', env });
  console.log(`install-test-fixtures: ${name}: installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
