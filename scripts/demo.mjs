// `npm run demo`: the product in one command, offline. Starts the bundled fake
// provider on loopback, runs examples/demo-agent.mjs under the preload with no
// endpoint (so spans go to a local store), then shows the trace with the CLI.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startFakeProvider } from '../test/harness/fake-provider.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(join(root, 'dist', 'register.js'))) {
  spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: root });
}
const store = process.env.CATALYST_TRACES_DIR ?? mkdtempSync(join(tmpdir(), 'catalyst-demo-'));
const provider = await startFakeProvider();
// Children run asynchronously: the fake provider lives in this process and must keep answering.
const run = (args, extraEnv = {}) =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, CATALYST_TRACES_DIR: store, CATALYST_SERVICE_NAME: 'demo-agent', ...extraEnv },
    });
    child.on('exit', (code) => resolve({ status: code }));
  });
try {
  console.log('$ node --import @catalyst/tracing/register examples/demo-agent.mjs');
  const app = await run(['--import', pathToFileURL(join(root, 'dist', 'esm', 'register.mjs')).href, join(root, 'examples', 'demo-agent.mjs')], { DEMO_BASE_URL: provider.baseURL });
  if (app.status !== 0) process.exit(app.status ?? 1);
  console.log('\n$ npx catalyst-tracing trace get last --view tree');
  await run([join(root, 'dist', 'cli.js'), 'trace', 'get', 'last', '--view', 'tree', '--dir', store]);
  console.log('\n$ npx catalyst-tracing trace get last --view timeline');
  await run([join(root, 'dist', 'cli.js'), 'trace', 'get', 'last', '--view', 'timeline', '--dir', store]);
  console.log(`\n(spans stored in ${store}; try: npx catalyst-tracing span list --dir ${store})`);
  console.log(`\nSee them in the browser:\n  npx catalyst-tracing ui --dir ${store}`);
} finally {
  await provider.close();
}
