// A loopback stand-in for the Cursor backend as @cursor/sdk's local agent
// talks to it with `configureCursorSdk({ local: { useHttp1ForAgent: true } })`
// and `CURSOR_BACKEND_URL` pointing here:
//   - POST /auth/exchange_user_api_key (JSON): the API key is traded for an access token;
//   - GET /v1/models (JSON): the model list the local agent checks its model against;
//   - POST /agent.v1.AgentService/RunSSE: the run's server stream, Connect over
//     HTTP/1.1 (`application/connect+proto` envelopes, then an end-of-stream
//     frame, with an error for a rejected run);
//   - POST /aiserver.v1.BidiService/BidiAppend: each client message of the run
//     (the run request, tool results), hex-encoded protobuf in a unary call;
//   - anything else (server config, privacy mode, analytics): 404, which the
//     SDK tolerates.
// Messages are protobuf, encoded and decoded with protobufjs from the schema
// exported out of the SDK (fixtures/cursor-sdk/agent-proto.json, written by
// cursor-proto-export.mjs). What a run says comes from a script under
// fixtures/cursor-sdk/, chosen by the run's prompt (`prompt` in the script is a
// substring; the first script without one answers anything else):
//   { "send": <AgentServerMessage as protobufjs object> }
//   { "awaitExec": <exec id> }     wait for the client's ExecClientMessage of that id
//   { "end": <Connect end-of-stream JSON> }
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { ROOT } from './app-harness.mjs';

const FIXTURES = join(ROOT, 'fixtures/cursor-sdk');
export const ACCESS_TOKEN = 'cursor-access-token-fake-7f3a';
export const MODELS = [{ id: 'composer-1', displayName: 'Composer 1' }];

/** @param {string} name */
export function loadRunScript(name) {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));
}

const schema = JSON.parse(readFileSync(join(FIXTURES, 'agent-proto.json'), 'utf8'));
delete schema.comment;
const root = protobuf.Root.fromJSON(schema);
const ServerMessage = root.lookupType('agent.v1.AgentServerMessage');
const ClientMessage = root.lookupType('agent.v1.AgentClientMessage');
const AppendRequest = root.lookupType('aiserver.v1.BidiAppendRequest');
const RequestId = root.lookupType('aiserver.v1.BidiRequestId');
const AppendResponse = root.lookupType('aiserver.v1.BidiAppendResponse');

/** A Connect streaming envelope: flags, big-endian length, payload. @param {number} flags @param {Uint8Array} payload */
function envelope(flags, payload) {
  const head = Buffer.alloc(5);
  head[0] = flags;
  head.writeUInt32BE(payload.length, 1);
  return Buffer.concat([head, Buffer.from(payload)]);
}

/** The first message of a Connect streaming request body. @param {Buffer} body */
function firstEnveloped(body) {
  return body.length >= 5 ? body.subarray(5, 5 + body.readUInt32BE(1)) : Buffer.alloc(0);
}

/** @param {any} message */
const plain = (message) => message.toJSON();

/**
 * @param {{ scripts: string[] }} options fixture file names under fixtures/cursor-sdk/
 * @returns {Promise<{ url: string, requests: { method: string, path: string, headers: Record<string, unknown> }[], clientMessages: any[], close(): Promise<void> }>}
 */
export async function startFakeCursorBackend(options) {
  const scripts = options.scripts.map(loadRunScript);
  /** @type {{ method: string, path: string, headers: Record<string, unknown> }[]} */
  const requests = [];
  /** @type {any[]} */
  const clientMessages = [];
  /** Open runs by request id: the response stream and the waiters for client messages. */
  /** @type {Map<string, { res: import('node:http').ServerResponse, waiters: { id: number, resolve: () => void }[], execResults: Set<number> }>} */
  const runs = new Map();

  /** Client messages that came before their run's stream opened (the SDK sends both at once). */
  /** @type {Map<string, any[]>} */
  const early = new Map();

  /** @param {string} prompt */
  const scriptFor = (prompt) => scripts.find((s) => s.prompt !== undefined && prompt.includes(s.prompt)) ?? scripts.find((s) => s.prompt === undefined);

  /** @param {string} requestId @param {any} script */
  async function play(requestId, script) {
    const run = runs.get(requestId);
    if (!run) return;
    for (const step of script.steps) {
      if (run.res.destroyed) return;
      if (step.send) run.res.write(envelope(0, ServerMessage.encode(ServerMessage.fromObject(step.send)).finish()));
      else if (step.awaitExec !== undefined) {
        if (!run.execResults.has(step.awaitExec)) await new Promise((resolve) => run.waiters.push({ id: step.awaitExec, resolve }));
      } else if (step.end) {
        run.res.end(envelope(2, Buffer.from(JSON.stringify(step.end))));
        runs.delete(requestId);
        return;
      }
    }
  }

  /** @param {string} requestId @param {any} message @param {boolean} [replayed] */
  function onClientMessage(requestId, message, replayed = false) {
    if (!replayed) clientMessages.push(plain(message));
    const run = runs.get(requestId);
    if (!run) {
      early.set(requestId, [...(early.get(requestId) ?? []), message]);
      return;
    }
    if (message.runRequest) {
      const prompt = message.runRequest.action?.userMessageAction?.userMessage?.text ?? '';
      const script = scriptFor(prompt);
      if (script) setImmediate(() => void play(requestId, script));
      return;
    }
    const exec = message.execClientMessage;
    if (exec) {
      run.execResults.add(exec.id);
      for (const w of run.waiters.filter((w) => w.id === exec.id)) w.resolve();
      run.waiters = run.waiters.filter((w) => w.id !== exec.id);
    }
  }

  const server = createServer((req, res) => {
    /** @type {Buffer[]} */
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method ?? 'GET', path, headers: { ...req.headers } });
      if (path === '/auth/exchange_user_api_key') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ accessToken: ACCESS_TOKEN }));
      } else if (path === '/v1/models') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ items: MODELS }));
      } else if (path === '/agent.v1.AgentService/RunSSE') {
        const { requestId } = /** @type {any} */ (RequestId.decode(firstEnveloped(body)));
        res.writeHead(200, { 'content-type': 'application/connect+proto' });
        runs.set(requestId, { res, waiters: [], execResults: new Set() });
        res.on('close', () => runs.delete(requestId));
        for (const message of early.get(requestId) ?? []) onClientMessage(requestId, message, true);
        early.delete(requestId);
      } else if (path === '/aiserver.v1.BidiService/BidiAppend') {
        const append = /** @type {any} */ (AppendRequest.decode(body));
        const bytes = append.data ? Buffer.from(append.data, 'hex') : Buffer.from(append.dataBinary ?? []);
        res.writeHead(200, { 'content-type': 'application/proto' });
        res.end(Buffer.from(AppendResponse.encode({}).finish()));
        onClientMessage(append.requestId?.requestId ?? '', ClientMessage.decode(bytes));
      } else {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{}');
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    clientMessages,
    close: () =>
      new Promise((resolve) => {
        for (const run of runs.values()) run.res.destroy();
        server.closeAllConnections?.();
        server.close(() => resolve(undefined));
      }),
  };
}
