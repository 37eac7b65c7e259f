// A loopback stand-in for the Anthropic Messages API as the Claude Code binary
// (bundled in @anthropic-ai/claude-agent-sdk, or the `claude` CLI) calls it:
// any model, `HEAD /`, streamed or not. Its replies are scripted by the
// conversation, so one server drives a whole agent loop:
//   - a prompt containing "FAIL" gets HTTP 400 (an invalid_request_error);
//   - a prompt containing "SLOW" is answered after 3 s (time for the app to abort the loop);
//   - a last message carrying a tool_result gets the final text, "It is 18 degrees in Paris.";
//   - a prompt mentioning "weather" gets a tool_use of the first offered tool whose name has "weather";
//   - anything else (including the binary's helper requests) gets "Hello from the fake.".
import { createServer } from 'node:http';

export const FINAL_TEXT = 'It is 18 degrees in Paris.';
export const PLAIN_TEXT = 'Hello from the fake.';
export const USAGE = { input_tokens: 21, output_tokens: 9, cache_read_input_tokens: 4, cache_creation_input_tokens: 2 };

/** @param {any} body */
function reply(body) {
  const messages = Array.isArray(body?.messages) ? body.messages : [];
  // Claude Code may put a system-role message after the conversation: the turn is the last user message.
  const last = messages.filter((m) => m?.role === 'user').pop();
  const blocks = typeof last?.content === 'string' ? [{ type: 'text', text: last.content }] : Array.isArray(last?.content) ? last.content : [];
  const text = blocks.filter((b) => b?.type === 'text').map((b) => b.text).join('\n');
  if (/FAIL/.test(text)) return { error: true };
  if (blocks.some((b) => b?.type === 'tool_result')) return { content: [{ type: 'text', text: FINAL_TEXT }], stop: 'end_turn' };
  const tool = (Array.isArray(body?.tools) ? body.tools : []).find((t) => /weather/i.test(t?.name ?? ''));
  if (/weather/i.test(text) && tool) {
    return { content: [{ type: 'text', text: 'Let me check.' }, { type: 'tool_use', id: 'toolu_fake01', name: tool.name, input: { city: 'Paris' } }], stop: 'tool_use' };
  }
  return { content: [{ type: 'text', text: PLAIN_TEXT }], stop: 'end_turn' };
}

/**
 * @param {{ port?: number }} [options]
 * @returns {Promise<{ url: string, requests: { method: string, path: string, body: any }[], close(): Promise<void> }>}
 */
export async function startFakeClaudeApi(options = {}) {
  /** @type {{ method: string, path: string, body: any }[]} */
  const requests = [];
  let count = 0;
  const server = createServer((req, res) => {
    /** @type {Buffer[]} */
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      let body;
      try {
        body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
      } catch {
        body = undefined;
      }
      requests.push({ method: req.method ?? 'GET', path, body });
      if (req.method !== 'POST' || !path.endsWith('/messages')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(req.method === 'HEAD' ? undefined : '{}');
        return;
      }
      const r = reply(body);
      const lastUser = JSON.stringify((Array.isArray(body?.messages) ? body.messages : []).filter((m) => m?.role === 'user').pop() ?? '');
      // The client may be gone by then (an aborted loop): a late answer is dropped.
      res.on('error', () => {});
      if (/SLOW/.test(lastUser) && !r.error) return void setTimeout(() => res.destroyed || answer(r, body), 3000);
      answer(r, body);
    });
    /** @param {ReturnType<typeof reply>} r @param {any} body */
    const answer = (r, body) => {
      const id = `msg_fake${String(++count).padStart(4, '0')}`;
      const model = typeof body?.model === 'string' ? body.model : 'claude-fake';
      const headers = { 'request-id': `req_fake${count}` };
      if (r.error) {
        res.writeHead(400, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'The fake refuses this prompt.' } }));
        return;
      }
      const message = { id, type: 'message', role: 'assistant', model, content: r.content, stop_reason: r.stop, stop_sequence: null, usage: USAGE };
      if (body?.stream !== true) {
        res.writeHead(200, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(message));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
      /** @param {string} type @param {any} data */
      const event = (type, data) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
      event('message_start', { message: { ...message, content: [], stop_reason: null, usage: { ...USAGE, output_tokens: 1 } } });
      r.content.forEach((block, index) => {
        if (block.type === 'text') {
          event('content_block_start', { index, content_block: { type: 'text', text: '' } });
          event('content_block_delta', { index, delta: { type: 'text_delta', text: block.text } });
        } else {
          event('content_block_start', { index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
          event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } });
        }
        event('content_block_stop', { index });
      });
      event('message_delta', { delta: { stop_reason: r.stop, stop_sequence: null }, usage: { output_tokens: USAGE.output_tokens } });
      event('message_stop', {});
      res.end();
    };
  });
  await new Promise((resolve) => server.listen(options.port ?? 0, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
  };
}
