// Shared by the reliability tests: a private build of the package,
// spawned apps (scripts and long-running servers) with the preload, endpoints
// that misbehave on demand, and the measurements the fault matrix reports.
import { execFileSync, spawn } from 'node:child_process';
import { connect, createServer as createNetServer } from 'node:net';
import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cleanEnv, runChild } from '../harness/run-child.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const APPS = join(ROOT, 'test/reliability/apps');
export const NODE = process.env.CATALYST_TEST_NODE || process.execPath;
export const ANTHROPIC_KEY = 'sk-ant-api03-reliability-secret-0123456789';
export const OPENAI_KEY = 'sk-proj-reliability-secret-9876543210';
/** The product requirement is 2 s; the assertion leaves room for a loaded CI machine. */
export const EXIT_DELAY_BOUND_MS = 2500;

/**
 * A build of the current sources, private to one test file (files run in
 * parallel and each build starts by deleting its folder), unless
 * CATALYST_TEST_DIST names one.
 * @param {string} name
 */
export function buildDist(name) {
  if (process.env.CATALYST_TEST_DIST) return process.env.CATALYST_TEST_DIST;
  const out = `.cache/dist-reliability-${name}`;
  execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--no-types', '--no-cli', '--out', out], { cwd: ROOT, stdio: 'pipe' });
  return join(ROOT, out);
}

/** Lines the agent wrote (it prefixes every line). @param {string} stderr */
export function agentLines(stderr) {
  return stderr.split('\n').filter((l) => l.startsWith('[catalyst-tracing]'));
}

/** stderr without the agent's lines: what the app itself printed. @param {string} stderr */
export function appStderr(stderr) {
  return stderr
    .split('\n')
    .filter((l) => !l.startsWith('[catalyst-tracing]'))
    .join('\n');
}

/** @param {string} stdout @param {string} tag */
export function lineOf(stdout, tag) {
  const line = stdout.split('\n').find((l) => l.startsWith(`${tag} `));
  if (!line) throw new Error(`no ${tag} line in:\n${stdout}`);
  return JSON.parse(line.slice(tag.length + 1));
}

/** stdout without the END timestamp line, which differs on every run. @param {string} stdout */
export function appStdout(stdout) {
  return stdout
    .split('\n')
    .filter((l) => !l.startsWith('END '))
    .join('\n');
}

/**
 * Runs a script from test/reliability/apps. `exitDelayMs` is the time from the
 * app's last line (`END <epoch ms>`) to the process being gone: what tracing
 * adds to a script's exit.
 * @param {string} dist
 * @param {string} app
 * @param {{ preload?: 'import' | 'require' | 'none', env?: Record<string, string | undefined>, args?: string[], timeoutMs?: number, nodeArgs?: string[] }} [options]
 */
export async function runScript(dist, app, { preload = 'require', env = {}, args = [], timeoutMs = 30_000 } = {}) {
  const registerPath = preload === 'none' ? undefined : preload === 'require' ? join(dist, 'register.js') : join(dist, 'esm/register.mjs');
  const result = await runChild({
    script: isAbsolute(app) ? app : join(APPS, app),
    preload,
    registerPath,
    env: { CATALYST_DIST: dist, ANTHROPIC_API_KEY: ANTHROPIC_KEY, OPENAI_API_KEY: OPENAI_KEY, ...env },
    args,
    timeoutMs,
    nodeBinary: NODE,
  });
  const closedAt = Date.now();
  const end = result.stdout.split('\n').find((l) => l.startsWith('END '));
  const exitDelayMs = end ? closedAt - Number(end.slice(4)) : NaN;
  return { ...result, exitDelayMs, agent: agentLines(result.stderr) };
}

/**
 * Starts a long-running app that prints `READY <port>`; the test talks to it
 * over HTTP and ends it with a signal.
 * @param {string} dist
 * @param {string} app
 * @param {{ preload?: 'import' | 'require' | 'none', env?: Record<string, string | undefined>, nodeArgs?: string[] }} [options]
 */
export async function startServer(dist, app, { preload = 'require', env = {}, nodeArgs = [] } = {}) {
  const childEnv = cleanEnv();
  Object.assign(childEnv, { CATALYST_DIST: dist, ANTHROPIC_API_KEY: ANTHROPIC_KEY, OPENAI_API_KEY: OPENAI_KEY });
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete childEnv[k];
    else childEnv[k] = v;
  }
  const pre = preload === 'none' ? [] : preload === 'require' ? ['--require', join(dist, 'register.js')] : ['--import', pathToFileURL(join(dist, 'esm/register.mjs')).href];
  const child = spawn(NODE, [...nodeArgs, ...pre, join(APPS, app)], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  /** @type {Promise<{ code: number | null, signal: NodeJS.Signals | null, at: number }>} */
  const exited = new Promise((res) => child.once('close', (code, signal) => res({ code, signal, at: Date.now() })));
  const port = await new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`${app} did not start:\n${stdout}\n${stderr}`)), 15_000);
    const check = () => {
      const m = /READY (\d+)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        res(Number(m[1]));
      }
    };
    child.stdout.on('data', check);
    exited.then(() => {
      clearTimeout(timer);
      rej(new Error(`${app} exited before READY:\n${stdout}\n${stderr}`));
    });
  });
  return {
    port,
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    /** @param {string} path */
    get: (path) => getJson(port, path),
    /**
     * Sends the signal and resolves when the process is gone; `delayMs` is signal to gone.
     * @param {NodeJS.Signals} signal
     */
    async stop(signal = 'SIGTERM') {
      const sent = Date.now();
      child.kill(signal);
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const r = await exited;
      clearTimeout(killer);
      return { ...r, delayMs: r.at - sent, stdout, stderr };
    },
    kill: () => child.kill('SIGKILL'),
    exited,
  };
}

/**
 * GET over a fresh connection (no keep-alive: a server closing on SIGTERM must not wait for us).
 * @param {number} port @param {string} path
 * @returns {Promise<any>}
 */
export function getJson(port, path) {
  return new Promise((res, rej) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, agent: false, headers: { connection: 'close' } }, (r) => {
      let body = '';
      r.setEncoding('utf8').on('data', (d) => (body += d));
      r.on('end', () => {
        try {
          res({ status: r.statusCode, body: JSON.parse(body) });
        } catch {
          res({ status: r.statusCode, body });
        }
      });
    });
    req.on('error', rej);
    req.setTimeout(20_000, () => req.destroy(new Error(`GET ${path} timed out`)));
    req.end();
  });
}

/** A port nothing listens on (bound, then released). */
export async function closedPort() {
  const server = createNetServer();
  await new Promise((res) => server.listen(0, '127.0.0.1', () => res(undefined)));
  const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  await new Promise((res) => server.close(() => res(undefined)));
  return port;
}

/**
 * A TCP endpoint that misbehaves below HTTP:
 * - 'refuse': accepts each connection and resets it at once, before reading;
 * - 'midreset': reads the request, starts a 200 answer, and resets half way through it.
 * @param {'refuse' | 'midreset'} mode
 * @param {number} [port]
 */
export async function startRawFault(mode, port = 0) {
  const sockets = new Set();
  let connections = 0;
  const server = createNetServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (mode === 'refuse') {
      socket.resetAndDestroy();
      return;
    }
    let seen = 0;
    socket.on('data', (d) => {
      seen += d.length;
      // Wait for the headers and some of the body, then answer half a response and reset.
      if (seen > 300 && !socket.destroyed) {
        socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"partialSucc');
        setTimeout(() => socket.resetAndDestroy(), 20);
      }
    });
  });
  await new Promise((res) => server.listen(port, '127.0.0.1', () => res(undefined)));
  const bound = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  return {
    port: bound,
    url: `http://127.0.0.1:${bound}`,
    connections: () => connections,
    close: () =>
      new Promise((res) => {
        for (const s of sockets) s.destroy();
        server.close(() => res(undefined));
      }),
  };
}

/** @param {number} ms */
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `fn` until it returns a truthy value or the time is up.
 * @template T @param {() => Promise<T> | T} fn @param {number} timeoutMs @param {string} what
 * @returns {Promise<T>}
 */
export async function waitFor(fn, timeoutMs, what) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Records measured rows for the fault matrix; printed once per file when CATALYST_PRINT_MATRIX is set. */
export const matrix = [];

/**
 * A TCP pass-through to `targetPort` whose connections the app under test can
 * have closed on demand (GET <controlUrl>/close-all): measuring a heap with
 * the HTTP client's connection pool emptied makes the measure about what the
 * app and the agent hold, not about how many keep-alive sockets the pool kept.
 * @param {number} targetPort
 */
export async function startDrainableProxy(targetPort) {
  const pairs = new Set();
  const proxy = createNetServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    const pair = { client, upstream };
    pairs.add(pair);
    const done = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', done).on('close', done);
    upstream.on('error', done).on('close', done);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise((res) => proxy.listen(0, '127.0.0.1', () => res(undefined)));
  const control = createHttpServer((req, res) => {
    const closed = pairs.size;
    for (const { client, upstream } of [...pairs]) {
      client.destroy();
      upstream.destroy();
    }
    res.writeHead(200, { connection: 'close' }).end(JSON.stringify({ closed }));
  });
  await new Promise((res) => control.listen(0, '127.0.0.1', () => res(undefined)));
  const port = /** @type {import('node:net').AddressInfo} */ (proxy.address()).port;
  const controlPort = /** @type {import('node:net').AddressInfo} */ (control.address()).port;
  return {
    url: `http://127.0.0.1:${port}`,
    controlUrl: `http://127.0.0.1:${controlPort}`,
    close: async () => {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
      await Promise.all([new Promise((res) => proxy.close(() => res(undefined))), new Promise((res) => control.close(() => res(undefined)))]);
    },
  };
}

/**
 * At most `n` of the wrapped functions run at once: the machines this runs on
 * have two cores, and children fighting for them would make every timing a
 * measure of the fight. Use with describe.concurrent.
 * @param {number} n
 */
export function limit(n) {
  let running = 0;
  /** @type {Array<() => void>} */
  const waiting = [];
  /** @template T @param {() => Promise<T>} fn @returns {Promise<T>} */
  return async (fn) => {
    if (running >= n) await new Promise((res) => waiting.push(() => res(undefined)));
    running++;
    try {
      return await fn();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/**
 * One endpoint URL whose behaviour below HTTP the test switches at will, for a
 * long-running app that goes through several faults in turn:
 * - 'closed': nothing listens on the port (connection refused);
 * - 'refuse': connections are accepted, then reset at once;
 * - 'midreset': the request is read, a 200 answer starts, and the connection is reset half way;
 * - 'forward': bytes pass through to `targetPort` (a collector, whose own behaviour the test sets).
 * @param {number} targetPort
 */
export async function startSwitchableEndpoint(targetPort) {
  /** @type {'closed' | 'refuse' | 'midreset' | 'forward'} */
  let mode = 'forward';
  const sockets = new Set();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (mode === 'refuse') {
      socket.resetAndDestroy();
      return;
    }
    if (mode === 'midreset') {
      let seen = 0;
      socket.on('data', (d) => {
        seen += d.length;
        if (seen > 300 && !socket.destroyed) {
          socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"partialSucc');
          setTimeout(() => socket.resetAndDestroy(), 20);
        }
      });
      return;
    }
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
    upstream.on('close', () => socket.destroy());
    socket.pipe(upstream);
    upstream.pipe(socket);
  });
  await new Promise((res) => server.listen(0, '127.0.0.1', () => res(undefined)));
  const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  const dropAll = () => {
    for (const s of sockets) s.destroy();
    sockets.clear();
  };
  return {
    url: `http://127.0.0.1:${port}`,
    /** @param {'closed' | 'refuse' | 'midreset' | 'forward'} next */
    async set(next) {
      if (mode === next) return;
      // Every mode change drops the open connections: a keep-alive socket must not carry a request across it.
      dropAll();
      if (next === 'closed') await new Promise((res) => server.close(() => res(undefined)));
      else if (mode === 'closed') await new Promise((res) => server.listen(port, '127.0.0.1', () => res(undefined)));
      mode = next;
    },
    close: () =>
      new Promise((res) => {
        dropAll();
        if (mode === 'closed') res(undefined);
        else server.close(() => res(undefined));
      }),
  };
}

/**
 * An OTLP/HTTP collector that answers 413 to any request body over `maxBytes`,
 * as real collectors do (their limits are commonly 4-20 MB), and decodes the rest.
 * @param {number} maxBytes
 */
export async function startSizeLimitedCollector(maxBytes) {
  const { decodeTraceRequest } = await import('../harness/collector.mjs');
  /** @type {any[]} */
  const spans = [];
  /** @type {number[]} */
  const refused = [];
  /** @type {string[]} every request's content type, refused ones included */
  const contentTypes = [];
  const server = createHttpServer(async (req, res) => {
    contentTypes.push(String(req.headers['content-type']));
    const parts = [];
    for await (const p of req) parts.push(p);
    const body = Buffer.concat(parts);
    if (body.length > maxBytes) {
      refused.push(body.length);
      res.writeHead(413).end();
      return;
    }
    spans.push(...(await decodeTraceRequest(body, String(req.headers['content-type']).split(';')[0], req.headers['content-encoding'])));
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise((res) => server.listen(0, '127.0.0.1', () => res(undefined)));
  const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    refused,
    contentTypes,
    close: () =>
      new Promise((res) => {
        server.close(() => res(undefined));
        server.closeAllConnections();
      }),
  };
}
