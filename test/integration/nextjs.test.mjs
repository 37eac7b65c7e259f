// Next.js (the real `next`, in test/fixtures-packages/next) built offline once,
// then served by `next start` with the preload: an App Router route handler
// and a Pages Router API route each call OpenAI (the fake provider), and each
// call is an LLM span. The app keeps the SDK out of Next's server bundle with
// `serverExternalPackages` (docs/bundlers.md), so the preload's hooks see it load.
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider } from '../harness/fake-provider.mjs';
import { startCollector } from '../harness/collector.mjs';
import { cleanEnv } from '../harness/run-child.mjs';
import { ROOT, buildDist } from './openai-harness.mjs';

const NODE = process.env.CATALYST_TEST_NODE || process.execPath;
const FIXTURE = join(ROOT, 'test/fixtures-packages/next');
const APP = join(FIXTURE, 'app');
const NEXT_BIN = join(FIXTURE, 'node_modules/next/dist/bin/next');
const nodeVersion = execFileSync(NODE, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
const [major, minor] = nodeVersion.split('.').map(Number);
// next 16 needs Node >= 20.9.
const supported = major > 20 || (major === 20 && minor >= 9);

/** @type {Awaited<ReturnType<typeof startFakeProvider>>} */
let provider;
/** @type {Awaited<ReturnType<typeof startCollector>>} */
let collector;
/** @type {string} */
let dist;

/** Next's own chatter off: no telemetry, no update check. @param {Record<string, string>} extra */
function nextEnv(extra = {}) {
  return { ...cleanEnv(), NEXT_TELEMETRY_DISABLED: '1', ...extra };
}

beforeAll(async () => {
  if (!supported) return;
  execFileSync(process.execPath, [join(ROOT, 'scripts/install-test-fixtures.mjs'), 'next'], { stdio: 'inherit', env: { ...process.env, CATALYST_TEST_NODE: NODE } });
  dist = buildDist('nextjs');
  // Built by the Node under test, once for the file; no network (the platform's SWC binary came from npm).
  execFileSync(NODE, [NEXT_BIN, 'build'], { cwd: APP, env: nextEnv(), stdio: 'pipe', timeout: 240_000 });
  provider = await startFakeProvider();
  collector = await startCollector();
}, 300_000);
afterAll(async () => {
  await provider?.close();
  await collector?.close();
});

/** A free loopback port. */
async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * `next start` with the preload; `fn` gets the server's URL once it answers. The
 * server is stopped with SIGTERM (as a platform would) and its output returned.
 * @param {(url: string) => Promise<void>} fn
 */
async function serve(fn) {
  const port = await freePort();
  const child = spawn(NODE, ['--import', pathToFileURL(join(dist, 'esm/register.mjs')).href, NEXT_BIN, 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: APP,
    env: nextEnv({ FAKE_URL: provider.url, CATALYST_OTLP_ENDPOINT: collector.url }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`next start exited early:\n${stdout}\n${stderr}`);
      try {
        // Any answer will do (a 404 here): the routes themselves must run only when the test calls them.
        await fetch(`${url}/not-a-route`);
        break;
      } catch {
        if (i > 300) throw new Error(`next start never answered:\n${stdout}\n${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    await fn(url);
  } finally {
    child.kill('SIGTERM');
  }
  const exit = await exited;
  return { stdout, stderr, exit };
}

/** @param {any} span */
const tagOf = (span) => String(span.attributes?.['input.value'] ?? '').match(/\[([a-z0-9-]+)\]/)?.[1];

describe.skipIf(!supported)(`Next.js 16 (Node ${nodeVersion})`, () => {
  it('an App Router route handler and a Pages API route: each OpenAI call traced', async () => {
    collector.reset();
    /** @type {unknown[]} */
    const answers = [];
    const served = await serve(async (url) => {
      for (const route of ['/api/app-chat', '/api/pages-chat']) {
        const res = await fetch(`${url}${route}`);
        expect(res.status, route).toBe(200);
        answers.push(await res.json());
      }
    });
    expect(answers).toEqual([{ text: 'The capital of France is Paris.' }, { text: 'The capital of France is Paris.' }]);
    await collector.waitForSpans(2, 10_000);
    const llm = collector.spans.filter((s) => s.attributes['openinference.span.kind'] === 'LLM');
    expect(llm.map(tagOf).sort()).toEqual(['next-app-router', 'next-pages-api']);
    expect(llm.every((s) => s.attributes['llm.output_messages.0.message.content'] === 'The capital of France is Paris.')).toBe(true);
    expect(served.stderr).not.toMatch(/catalyst-tracing/);
  }, 120_000);
});
