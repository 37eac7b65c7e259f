// A loopback stand-in for the OpenAI / Anthropic HTTP APIs that replays recorded
// fixture files, so tests, the demo and the benchmark exercise the real SDKs'
// parsing code without any network or API key.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const DEFAULT_FIXTURES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures');

/**
 * Fixture used when a request carries no `x-fixture` header, keyed by `METHOD path`.
 * @type {Record<string, string | undefined>}
 */
const DEFAULT_FIXTURES = {
  'POST /v1/chat/completions': 'openai/chat-basic',
  'POST /v1/responses': 'openai/responses-basic',
  'POST /v1/embeddings': 'openai/embeddings-basic',
  'POST /v1/completions': 'openai/completions-legacy-basic',
  'POST /v1/messages': 'anthropic/messages-basic',
};

/**
 * @typedef {{ method: string, path: string, headers: import('node:http').IncomingHttpHeaders, body: any }} RecordedRequest
 * @typedef {{ kind: 'json', status: number, headers: Record<string, string>, body: any, echoesKey?: boolean }
 *   | { kind: 'sse', events: string[] }
 *   | { kind: 'missing', file: string }} Fixture
 * @typedef {{
 *   url: string, port: number, baseURL: string,
 *   requests: RecordedRequest[],
 *   close(): Promise<void>,
 * }} FakeProvider
 */

/**
 * Starts the fake provider on 127.0.0.1.
 * @param {{ port?: number, fixturesDir?: string, recordRequests?: boolean }} [options]
 *   recordRequests: false skips filling `requests` (long benchmark runs).
 * @returns {Promise<FakeProvider>}
 */
export async function startFakeProvider(options = {}) {
  const fixturesDir = resolve(options.fixturesDir ?? DEFAULT_FIXTURES_DIR);
  const record = options.recordRequests !== false;
  /** @type {RecordedRequest[]} */
  const requests = [];
  // Fixtures are read once per server: benchmarks send thousands of identical requests.
  /** @type {Map<string, Promise<Fixture>>} */
  const cache = new Map();
  let requestCount = 0;

  /** @param {string} name @param {'json' | 'sse'} ext */
  const load = (name, ext) => {
    const key = `${name}.${ext}`;
    let entry = cache.get(key);
    if (!entry) {
      entry = loadFixture(fixturesDir, name, ext);
      cache.set(key, entry);
    }
    return entry;
  };

  const server = createServer(async (req, res) => {
    try {
      const raw = await readBody(req);
      const body = parseBody(raw);
      const path = (req.url ?? '/').split('?')[0];
      if (record) requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body });
      const requestId = `req_fake${String(++requestCount).padStart(6, '0')}`;
      const delayMs = Number(req.headers['x-fixture-delay-ms'] ?? 0) || 0;
      const streamed = body?.stream === true;

      const chunks = Number(req.headers['x-fixture-chunks'] ?? 0);
      if (streamed && chunks > 0) {
        const includeUsage = body?.stream_options?.include_usage === true;
        return await writeSse(res, synthesizeChatStream(chunks, { includeUsage }), delayMs, requestId);
      }

      // An agent loop asks again once a tool has run: `x-fixture-after-tool` answers that request (the
      // conversation's last message is a tool result), so one fixed set of headers drives a whole loop.
      const afterTool = lastMessageIsToolResult(body) ? headerValue(req.headers['x-fixture-after-tool']) : undefined;
      const name = afterTool ?? headerValue(req.headers['x-fixture']) ?? DEFAULT_FIXTURES[`${req.method} ${path}`];
      if (!name) {
        return writeJson(res, 404, { 'x-request-id': requestId }, openAIError(
          `fake-provider: no default fixture for ${req.method} ${path}; send an x-fixture header`, 'not_found'));
      }
      // A streamed request prefers `.sse` but falls back to `.json`: providers answer
      // errors (400, 401, 500...) with a plain JSON body even when `stream: true`.
      let fixture = streamed ? await load(name, 'sse') : await load(name, 'json');
      if (streamed && fixture.kind === 'missing') {
        const json = await load(name, 'json');
        if (json.kind !== 'missing') fixture = json;
      }
      if (fixture.kind === 'missing') {
        return writeJson(res, 500, { 'x-request-id': requestId, 'x-should-retry': 'false' }, openAIError(
          `fake-provider: fixture file ${fixture.file} is missing (fixture "${name}", ${streamed ? 'streamed' : 'non-streamed'} request)`,
          'fixture_not_found'));
      }
      if (fixture.kind === 'sse') return await writeSse(res, fixture.events, delayMs, requestId);

      if (delayMs > 0) await sleep(delayMs);
      let responseBody = path.endsWith('/embeddings') ? encodeEmbeddings(fixture.body, body) : fixture.body;
      if (fixture.echoesKey) responseBody = withRequestKey(responseBody, req.headers);
      writeJson(res, fixture.status, { 'x-request-id': requestId, ...fixture.headers }, responseBody);
    } catch (err) {
      if (!res.headersSent) {
        writeJson(res, 500, { 'x-should-retry': 'false' }, openAIError(`fake-provider: ${/** @type {Error} */ (err).stack}`, 'internal'));
      } else {
        res.destroy();
      }
    }
  });
  // Sequential SDK calls reuse one keep-alive socket; keep it open between them.
  server.keepAliveTimeout = 30_000;

  await new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen(undefined));
  });
  const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    port,
    baseURL: `${url}/v1`,
    requests,
    close() {
      return new Promise((resolveClose) => {
        server.close(() => resolveClose(undefined));
        // Idle keep-alive sockets (and streams still being paced) would keep close() pending.
        server.closeAllConnections();
      });
    },
  };
}

/**
 * Builds a deterministic chat.completions stream with `n` content chunks, framed as
 * OpenAI does: a role chunk first, a finish_reason chunk, an optional usage chunk
 * (only with stream_options.include_usage, which also adds `usage: null` to every
 * other chunk), then `[DONE]`. Returns the SSE events without trailing blank lines.
 * @param {number} n
 * @param {{ includeUsage?: boolean }} [options]
 * @returns {string[]}
 */
export function synthesizeChatStream(n, { includeUsage = false } = {}) {
  const words = ['Tracing', ' makes', ' every', ' model', ' call', ' visible', ' and', ' cheap', ' to', ' debug', '.', '\n'];
  const base = {
    id: `chatcmpl-synth${String(n).padStart(6, '0')}`,
    object: 'chat.completion.chunk',
    created: 1735689600,
    model: 'gpt-4o-mini-2024-07-18',
    service_tier: 'default',
    system_fingerprint: 'fp_0ba0d124f1',
  };
  const usageNull = includeUsage ? { usage: null } : {};
  /** @param {object} delta @param {string | null} finish */
  const chunk = (delta, finish) =>
    `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...usageNull })}`;
  const events = [chunk({ role: 'assistant', content: '', refusal: null }, null)];
  for (let i = 0; i < n; i++) events.push(chunk({ content: words[i % words.length] }, null));
  events.push(chunk({}, 'stop'));
  if (includeUsage) {
    const usage = {
      prompt_tokens: 64,
      completion_tokens: n,
      total_tokens: 64 + n,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    };
    events.push(`data: ${JSON.stringify({ ...base, choices: [], usage })}`);
  }
  events.push('data: [DONE]');
  return events;
}

/**
 * @param {string} fixturesDir @param {string} name @param {'json' | 'sse'} ext
 * @returns {Promise<Fixture>}
 */
async function loadFixture(fixturesDir, name, ext) {
  const path = resolve(fixturesDir, `${name}.${ext}`);
  const file = relative(resolve(fixturesDir, '..'), path);
  // The name comes from a request header: never read outside the fixtures directory.
  if (!path.startsWith(fixturesDir + sep)) return { kind: 'missing', file };
  let text;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return { kind: 'missing', file };
  }
  if (ext === 'sse') {
    // One SSE event per blank-line-separated block, written and flushed separately.
    const events = text.replace(/\r\n/g, '\n').split(/\n{2,}/).filter((e) => e.trim() !== '');
    return { kind: 'sse', events };
  }
  const parsed = JSON.parse(text);
  return { kind: 'json', status: parsed.status ?? 200, headers: parsed.headers ?? {}, body: parsed.body, echoesKey: text.includes(REQUEST_KEY) };
}

/**
 * @param {import('node:http').ServerResponse} res @param {string[]} events
 * @param {number} delayMs @param {string} requestId
 */
async function writeSse(res, events, delayMs, requestId) {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-request-id': requestId,
  });
  // Send headers now so the SDK's `await create()` resolves before the first event,
  // as it does against the real API; no Nagle delay between small events.
  res.flushHeaders();
  res.socket?.setNoDelay(true);
  for (let i = 0; i < events.length; i++) {
    if (i > 0 && delayMs > 0) await sleep(delayMs);
    if (res.destroyed) return; // client aborted (e.g. broke out of the stream loop)
    res.write(`${events[i]}\n\n`);
  }
  res.end();
}

/**
 * @param {import('node:http').ServerResponse} res @param {number} status
 * @param {Record<string, string>} headers @param {unknown} body
 */
function writeJson(res, status, headers, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/**
 * openai 7 asks for `encoding_format: "base64"` unless the caller chose one, then
 * decodes little-endian float32 itself; answer in the format asked, like the API.
 * @param {any} fixtureBody @param {any} requestBody
 */
function encodeEmbeddings(fixtureBody, requestBody) {
  if (requestBody?.encoding_format !== 'base64' || !Array.isArray(fixtureBody?.data)) return fixtureBody;
  return {
    ...fixtureBody,
    data: fixtureBody.data.map((/** @type {any} */ item) =>
      Array.isArray(item.embedding)
        ? { ...item, embedding: Buffer.from(new Float32Array(item.embedding).buffer).toString('base64') }
        : item),
  };
}

/**
 * A JSON fixture may quote the API key the request carried, as some providers
 * and proxies do in an authentication error: `{{request.api_key}}` in its body
 * becomes the bearer token, else the x-api-key or api-key header.
 */
const REQUEST_KEY = '{{request.api_key}}';

/** @param {any} body @param {import('node:http').IncomingHttpHeaders} headers */
function withRequestKey(body, headers) {
  const bearer = /^Bearer\s+(.+)$/i.exec(headerValue(headers.authorization) ?? '')?.[1];
  const key = bearer ?? headerValue(headers['x-api-key']) ?? headerValue(headers['api-key']) ?? '';
  return JSON.parse(JSON.stringify(body).replaceAll(REQUEST_KEY, key.replace(/["\\]/g, '')));
}

/** @param {string} message @param {string} code */
function openAIError(message, code) {
  return { error: { message, type: 'fake_provider_error', param: null, code } };
}

/** Whether a chat request's last message is a tool result (chat completions' `tool` role). @param {any} body */
function lastMessageIsToolResult(body) {
  const messages = Array.isArray(body?.messages) ? body.messages : [];
  return messages.length > 0 && messages[messages.length - 1]?.role === 'tool';
}

/** @param {string | string[] | undefined} value */
function headerValue(value) {
  return Array.isArray(value) ? value[0] : value;
}

/** @param {import('node:http').IncomingMessage} req @returns {Promise<Buffer>} */
async function readBody(req) {
  const parts = [];
  for await (const part of req) parts.push(part);
  return Buffer.concat(parts);
}

/** JSON bodies are parsed; anything else (multipart uploads...) is kept as text. @param {Buffer} raw */
function parseBody(raw) {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export { DEFAULT_FIXTURES, DEFAULT_FIXTURES_DIR };
