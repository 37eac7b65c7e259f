// A long-running server: GET /call makes one Anthropic call (tagged by ?tag=)
// and answers with its text; GET /stats answers with the heap after a GC (when
// run with --expose-gc) and the agent's export counters. Prints READY <port>.
// APP_SIGNAL=graceful installs the app's own SIGTERM/SIGINT handler, which logs,
// closes the server and lets the process end by itself with APP_EXIT_CODE.
// APP_SIGNAL=exit: the handler calls process.exit(APP_EXIT_CODE) at once.
// APP_SIGNAL=ignore: the handler only logs; the server keeps serving.
'use strict';
const http = require('node:http');
const Anthropic = require('@anthropic-ai/sdk');

const client = new Anthropic({ baseURL: process.env.FAKE_BASE_URL, maxRetries: 0 });
let served = 0;

/**
 * The heap the app and the agent hold (with --expose-gc): the HTTP client's
 * idle connections closed first when the test provides POOL_CONTROL_URL (the
 * pool's size is the HTTP client's business, and each socket keeps the async
 * context it was opened in), then full GCs with turns of the event loop between
 * them (FinalizationRegistry clean-ups run), compiled code left out of `objects`.
 */
async function settledHeap() {
  if (process.env.POOL_CONTROL_URL) {
    await (await fetch(`${process.env.POOL_CONTROL_URL}/close-all`)).text();
    await new Promise((r) => setTimeout(r, 50));
  }
  if (typeof global.gc === 'function') {
    for (let i = 0; i < 4; i++) {
      global.gc();
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  const code = require('node:v8')
    .getHeapSpaceStatistics()
    .filter((s) => s.space_name.startsWith('code'))
    .reduce((n, s) => n + s.space_used_size, 0);
  const heapUsed = process.memoryUsage().heapUsed;
  return { heapUsed, objects: heapUsed - code };
}

function tracingStats() {
  const state = globalThis[Symbol.for('@catalyst/tracing.state')];
  return state?.pipeline?.stats?.() ?? null;
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/call') {
    const tag = url.searchParams.get('tag') ?? 'call';
    // ?pad=N makes the prompt N bytes longer: a heavy span, so a leak of spans would show in the heap.
    const pad = 'x'.repeat(Number(url.searchParams.get('pad') ?? 0));
    try {
      const message = await client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: `[${tag}] Capital of France?${pad}` }] });
      served++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ text: message.content[0].text }));
    } catch (error) {
      res.writeHead(500).end(JSON.stringify({ error: String(error) }));
    }
    return;
  }
  if (url.pathname === '/stats') {
    const heap = await settledHeap();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...heap, served, tracing: tracingStats() }));
    return;
  }
  res.writeHead(404).end('{}');
});

const mode = process.env.APP_SIGNAL;
if (mode === 'ignore') {
  // The app decides that SIGTERM does not stop it (it finishes on its own terms).
  for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.stdout.write(`APP ${signal} ignored\n`));
}
if (mode === 'graceful' || mode === 'exit') {
  for (const signal of ['SIGTERM', 'SIGINT']) {
    process.on(signal, () => {
      process.stdout.write(`APP ${signal}\n`);
      if (mode === 'exit') {
        process.stdout.write(`END ${Date.now()}\n`);
        process.exit(Number(process.env.APP_EXIT_CODE ?? 0));
      }
      server.close(() => {
        process.exitCode = Number(process.env.APP_EXIT_CODE ?? 0);
        process.stdout.write(`END ${Date.now()}\n`);
      });
    });
  }
}

server.listen(0, '127.0.0.1', () => process.stdout.write(`READY ${server.address().port}\n`));
