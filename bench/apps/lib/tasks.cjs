// What the bench children do, shared by the ESM and CJS faces of the workload
// app (apps/workload.mjs, apps/workload.cjs): each face imports `openai` its own
// way and hands the client class here. Settings come from BENCH_* variables; the
// result is one JSON line on stdout.
'use strict';
const { performance } = require('node:perf_hooks');

const MESSAGES = [
  { role: 'system', content: 'You are a concise assistant. Answer in one sentence.' },
  { role: 'user', content: 'In one sentence, why would I trace the model calls of my Node.js app?' },
];

const num = (name, fallback) => (process.env[name] ? Number(process.env[name]) : fallback);

function makeClient(OpenAI, options = {}) {
  return new OpenAI({ apiKey: 'sk-bench-not-a-key', baseURL: process.env.BENCH_BASE_URL ?? 'http://127.0.0.1:9/v1', maxRetries: 0, ...options });
}

/**
 * A fetch that answers every chat completion in-process with the fake
 * provider's default fixture: the SDK parses a real Response, but no socket is
 * opened, so the outage run's 20,000 calls take seconds and the only network
 * traffic left is the exporter's (to the endpoint that is down).
 */
function cannedFetch() {
  const { readFileSync } = require('node:fs');
  const { join } = require('node:path');
  const fixture = JSON.parse(readFileSync(join(__dirname, '../../../fixtures/openai/chat-basic.json'), 'utf8'));
  const text = JSON.stringify(fixture.body);
  let id = 0;
  return async (_url, init) => {
    const headers = { 'x-request-id': `req_canned${++id}` };
    const streamed = typeof init?.body === 'string' && init.body.includes('"stream":true');
    if (!streamed) return new Response(text, { status: 200, headers: { ...headers, 'content-type': 'application/json' } });
    // A streamed answer in the shape the fake provider synthesises, one network read per event, so a run under
    // callgrind (bench/instructions.mjs) parses the same reads every time, whatever the machine's timing.
    const chunks = Number(new Headers(init.headers).get('x-fixture-chunks') ?? 200);
    const events = synthesizedStream(chunks).map((e) => new TextEncoder().encode(`${e}\n\n`));
    let i = 0;
    const body = new ReadableStream({
      pull(controller) {
        if (i < events.length) controller.enqueue(events[i++]);
        else controller.close();
      },
    });
    return new Response(body, { status: 200, headers: { ...headers, 'content-type': 'text/event-stream' } });
  };
}

/** test/harness/fake-provider.mjs's synthesizeChatStream(n, { includeUsage: true }), which this CJS file cannot import on Node 20. */
function synthesizedStream(n) {
  const words = ['Tracing', ' makes', ' every', ' model', ' call', ' visible', ' and', ' cheap', ' to', ' debug', '.', '\n'];
  const base = { id: `chatcmpl-synth${String(n).padStart(6, '0')}`, object: 'chat.completion.chunk', created: 1735689600, model: 'gpt-4o-mini-2024-07-18', service_tier: 'default', system_fingerprint: 'fp_0ba0d124f1' };
  const chunk = (delta, finish) => `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], usage: null })}`;
  const events = [chunk({ role: 'assistant', content: '', refusal: null }, null)];
  for (let i = 0; i < n; i++) events.push(chunk({ content: words[i % words.length] }, null));
  events.push(chunk({}, 'stop'));
  const usage = { prompt_tokens: 64, completion_tokens: n, total_tokens: 64 + n, prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 } };
  events.push(`data: ${JSON.stringify({ ...base, choices: [], usage })}`);
  events.push('data: [DONE]');
  return events;
}

function plainCall(client) {
  return client.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES });
}

/** A streamed chat completion of `chunks` content chunks (the fake provider synthesises it), read to the end. */
async function streamCall(client, chunks, onFirstChunk) {
  const stream = await client.chat.completions.create(
    { model: 'gpt-4o-mini', messages: MESSAGES, stream: true, stream_options: { include_usage: true } },
    { headers: { 'x-fixture-chunks': String(chunks) } },
  );
  let first = true;
  for await (const _chunk of stream) {
    if (first) {
      first = false;
      onFirstChunk?.();
    }
  }
}

/**
 * Export whatever tracing is queued, so its cost falls inside the measured
 * window: our agent keeps its pipeline on a global symbol; the peer set-up
 * (apps/peer-sdk.cjs) leaves a flush function on another.
 */
async function flushTracing() {
  const ours = globalThis[Symbol.for('@catalyst/tracing.state')]?.pipeline;
  if (ours) return ours.forceFlush();
  const peer = globalThis[Symbol.for('catalyst.bench.peer-flush')];
  if (peer) return peer();
}

/** CPU time (user + system, all threads) in microseconds. */
function cpuNow() {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/**
 * `count` calls, tracing flushed after every `every` of them (if given) and at
 * the end. Calls answered in-process never wait on I/O, so an exporter that
 * sends from a timer never gets a turn between them: past 2,048 spans without
 * a flush, a queue fills, and what it drops is measured as untraced.
 */
async function callFlushing(count, call, every = Infinity) {
  for (let i = 1; i <= count; i++) {
    await call();
    if (i % every === 0 && i < count) await flushTracing();
  }
  await flushTracing();
}

/**
 * The client the `cpu` and `blocks` tasks measure, warmed up: BENCH_WARMUP plain
 * calls and a quarter as many BENCH_CHUNKS-chunk streams, flushed as it goes.
 * BENCH_FETCH=canned answers in-process (no socket timing in the figures).
 */
async function warmClient(OpenAI) {
  const client = makeClient(OpenAI, process.env.BENCH_FETCH === 'canned' ? { fetch: cannedFetch() } : {});
  const warmup = num('BENCH_WARMUP', 200);
  const chunks = num('BENCH_CHUNKS', 200);
  // Flushed as it goes: a dropped span skips most of the traced path, which would then be warmed up less, and the
  // parent's spans-per-call check would not read 1.
  await callFlushing(warmup, () => plainCall(client), 500);
  await callFlushing(warmup / 4, () => streamCall(client, chunks), 100);
  return { client, chunks };
}

const tasks = {
  /** CPU over N plain calls, then over N streamed calls, flushed every 500: one measure per process (bench/instructions.mjs, profiling). */
  async cpu(OpenAI) {
    const { client, chunks } = await warmClient(OpenAI);
    const n = num('BENCH_N', 2000);
    // Streams cost ~10x a plain call: fewer of them give the same measured time.
    const streamN = num('BENCH_STREAM_N', n);

    const measure = async (count, call) => {
      const cpu0 = cpuNow();
      const t0 = performance.now();
      await callFlushing(count, call, 500);
      return { cpuUs: cpuNow() - cpu0, wallMs: performance.now() - t0 };
    };
    // BENCH_KINDS narrows the run to one kind of call (for profiling one path).
    const kinds = (process.env.BENCH_KINDS ?? 'plain,stream').split(',');
    const plain = kinds.includes('plain') ? await measure(n, () => plainCall(client)) : undefined;
    const stream = kinds.includes('stream') ? await measure(streamN, () => streamCall(client, chunks)) : undefined;
    return { n, streamN, chunks, plain, stream };
  },

  /**
   * Per-call cost in blocks (bench/per-call.mjs): warm up as `cpu` does, say
   * `ready` over IPC, then run each block the parent asks for ({ kind: 'plain'
   * | 'stream', count }) and answer its CPU time, export flushed inside the
   * block. The parent keeps one child per set-up alive and runs their blocks in
   * turn, so set-ups compared are measured seconds apart.
   */
  async blocks(OpenAI) {
    const { client, chunks } = await warmClient(OpenAI);
    const calls = { plain: () => plainCall(client), stream: () => streamCall(client, chunks) };
    let blocks = 0;
    await new Promise((resolve) => {
      process.on('message', async ({ kind, count }) => {
        const cpu0 = cpuNow();
        // One flush, at the block's end: a block stays under the queue's 2,048 spans.
        await callFlushing(count, calls[kind]);
        blocks++;
        process.send({ cpuUs: cpuNow() - cpu0 });
      });
      // The parent is done with this set-up when it closes the channel.
      process.once('disconnect', resolve);
      process.send({ ready: true });
    });
    return { blocks };
  },

  /** Stream timing: per stream, time to the first chunk and to the end; medians of N streams. */
  async streams(OpenAI) {
    const client = makeClient(OpenAI);
    const n = num('BENCH_N', 200);
    const chunks = num('BENCH_CHUNKS', 200);
    for (let i = 0; i < num('BENCH_WARMUP', 50); i++) await streamCall(client, chunks);
    await flushTracing();
    const first = [];
    const total = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await streamCall(client, chunks, () => first.push(performance.now() - t0));
      total.push(performance.now() - t0);
    }
    return { n, chunks, firstChunkMs: median(first), totalMs: median(total) };
  },

  /** Export size: N plain calls, then a flush; the collector counts spans and bytes. */
  async spans(OpenAI) {
    const client = makeClient(OpenAI);
    const n = num('BENCH_N', 100);
    for (let i = 0; i < n; i++) await plainCall(client);
    await flushTracing();
    return { n };
  },

  /**
   * Outage: N plain calls, CONCURRENCY at a time, while the tracing endpoint
   * refuses connections; peak RSS at checkpoints shows whether memory grows
   * with the number of calls.
   */
  async outage(OpenAI) {
    const client = makeClient(OpenAI, process.env.BENCH_FETCH === 'canned' ? { fetch: cannedFetch() } : {});
    const n = num('BENCH_N', 20000);
    const concurrency = num('BENCH_CONCURRENCY', 8);
    const checkpoints = [n / 8, n / 4, n / 2, n].map(Math.round);
    const seen = [];
    let started = 0;
    let done = 0;
    const t0 = performance.now();
    const worker = async () => {
      while (started < n) {
        started++;
        await plainCall(client);
        done++;
        if (done === checkpoints[seen.length]) {
          seen.push({ calls: done, maxRssKiB: process.resourceUsage().maxRSS, rssKiB: Math.round(process.memoryUsage.rss() / 1024) });
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const wallMs = performance.now() - t0;
    const batch = globalThis[Symbol.for('@catalyst/tracing.state')]?.pipeline?.batch;
    const maxRssKiB = process.resourceUsage().maxRSS;
    // What is still held once garbage is gone (node --expose-gc): retention, as opposed to heap slack.
    let heapAfterGcKiB = null;
    if (typeof globalThis.gc === 'function') {
      globalThis.gc();
      heapAfterGcKiB = Math.round(process.memoryUsage().heapUsed / 1024);
    }
    return { n, concurrency, wallMs, checkpoints: seen, dropped: batch?.dropped ?? null, maxRssKiB, heapAfterGcKiB };
  },
};

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs BENCH_TASK and prints its result as the last line of stdout. */
async function runTask(OpenAI) {
  const name = process.env.BENCH_TASK;
  const task = tasks[name];
  if (!task) throw new Error(`workload: unknown BENCH_TASK ${name}`);
  const result = await task(OpenAI);
  result.maxRssKiB ??= process.resourceUsage().maxRSS;
  // Milliseconds since the process started: the parent's wall time minus this is how long exit took.
  result.uptimeMs = performance.now();
  process.stdout.write(`${JSON.stringify(result)}\n`);
  // BENCH_EXIT=1: leave at once (runs that measure memory, not how the process winds down).
  if (process.env.BENCH_EXIT === '1') process.exit();
}

module.exports = { runTask, tasks, flushTracing };
