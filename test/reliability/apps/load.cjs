// CONCURRENCY concurrent streamed Anthropic calls, each inside an agent span
// with an identity of its own, for CATALYST_LOAD_SECONDS seconds. Prints
// `RESULT {made, calls, errors, heapStart, heapEnd}` after the agent has
// flushed: `made` is the number of spans this process created, which the
// collector must have received exactly. Run with --expose-gc: heapStart is
// taken after a warm-up, heapEnd after the load, both after full GCs.
'use strict';
const { join } = require('node:path');
const Anthropic = require('@anthropic-ai/sdk');
const { agentSpan, handle } = require(join(process.env.CATALYST_DIST, 'index.js'));

const CONCURRENCY = Number(process.env.CONCURRENCY ?? 200);
const SECONDS = Number(process.env.CATALYST_LOAD_SECONDS ?? 5);
const client = new Anthropic({ baseURL: process.env.FAKE_BASE_URL, maxRetries: 0 });

let made = 0;
let calls = 0;
let errors = 0;

async function call(id) {
  await agentSpan({ spanName: `agent-${id}`, agentId: `agent-${id}`, sessionId: `session-${id}`, userId: `user-${id}` }, async () => {
    const stream = await client.messages.create(
      { model: 'claude-sonnet-4-6', max_tokens: 64, stream: true, messages: [{ role: 'user', content: `[${id}] Capital of France?` }] },
      // Paced like a real stream: the calls overlap instead of finishing one by one.
      { headers: { 'x-fixture-delay-ms': '3' } },
    );
    let text = '';
    for await (const event of stream) if (event.type === 'content_block_delta') text += event.delta.text;
    if (text !== 'The capital of France is Paris.') errors++;
  });
  made += 2; // the agent span and the LLM span
  calls++;
}

async function run(prefix, until) {
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, w) => {
      for (let i = 0; Date.now() < until || i === 0; i++) await call(`${prefix}${w}-${i}`);
    }),
  );
}

/**
 * The heap the app and the agent hold: the HTTP client's idle connections
 * closed first (POOL_CONTROL_URL, when the test provides it), then full GCs
 * with turns of the event loop between them, so FinalizationRegistry clean-ups
 * (undici's) run too. Compiled code is left out of `objects`: V8's JIT output
 * keeps growing while hot paths get optimised, and it is not data.
 */
async function settledHeap() {
  if (process.env.POOL_CONTROL_URL) {
    const r = await fetch(`${process.env.POOL_CONTROL_URL}/close-all`);
    await r.text();
    await new Promise((res) => setTimeout(res, 100));
  }
  for (let i = 0; i < 5; i++) {
    global.gc();
    await new Promise((r) => setTimeout(r, 20));
  }
  global.gc();
  const spaces = require('node:v8').getHeapSpaceStatistics();
  const code = spaces.filter((s) => s.space_name.startsWith('code')).reduce((n, s) => n + s.space_used_size, 0);
  return { heapUsed: process.memoryUsage().heapUsed, objects: process.memoryUsage().heapUsed - code };
}

async function main() {
  // Warm-up: SDK internals, the connection pool and V8's caches settle before the start is measured.
  await run('w', Date.now() + Number(process.env.WARMUP_MS ?? 3000));
  await handle().forceFlush();
  const heapStart = await settledHeap();
  await run('', Date.now() + SECONDS * 1000);
  await handle().forceFlush();
  await new Promise((r) => setTimeout(r, 100));
  const heapEnd = await settledHeap();
  process.stdout.write(`RESULT ${JSON.stringify({ made, calls, errors, heapStart, heapEnd, stats: globalThis[Symbol.for('@catalyst/tracing.state')]?.pipeline?.stats?.() })}\n`);
}

main();
