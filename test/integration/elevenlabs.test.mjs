// ElevenLabs Agents end to end: spawned ESM apps run the real `@elevenlabs/client`
// text-only against a loopback fake of the conversation websocket
// (test/harness/fake-elevenlabs.mjs); every assertion is on spans the collector
// received. The client needs a global WebSocket (Node >= 22): on Node 20 these
// tests are skipped, and CI runs them in its Node 24 pass.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spanTree, useAppHarness } from '../harness/app-harness.mjs';
import { CONVERSATION_ID, startFakeElevenLabs } from '../harness/fake-elevenlabs.mjs';

const TOO_OLD = Number(process.versions.node.split('.')[0]) < 22 && !process.env.CATALYST_TEST_NODE;

/** @type {Awaited<ReturnType<typeof startFakeElevenLabs>>} */
let fake;
beforeAll(async () => {
  fake = await startFakeElevenLabs();
});
afterAll(async () => {
  await fake?.close();
});

const { runApp } = useAppHarness({ name: 'elevenlabs' });
/** @param {string} app @param {any} [options] */
const run = (app, options = {}) => runApp(app, { ...options, env: { ELEVENLABS_ORIGIN: fake.origin, ...options.env } });
/** What the fake received, minus the SDK's version stamp, for comparing runs. */
const traffic = () => fake.received.splice(0).map((m) => JSON.stringify({ ...m, source_info: undefined }));

const OK = 1;
const ERROR = 2;
const kind = (/** @type {any} */ s) => s.attributes['openinference.span.kind'];
const sessions = (/** @type {any[]} */ spans) => spans.filter((s) => s.name === 'ElevenLabs Conversation');
const sessionOf = (/** @type {any[]} */ spans, /** @type {string} */ agent) => {
  const found = sessions(spans).filter((s) => s.attributes['elevenlabs.agent_id'] === agent);
  expect(found, spanTree(spans)).toHaveLength(1);
  return found[0];
};
const childrenOf = (/** @type {any[]} */ spans, /** @type {any} */ parent) =>
  spans.filter((s) => s.parentSpanId === parent.spanId).sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1));

describe.skipIf(TOO_OLD)('@elevenlabs/client under the preload (ESM app)', () => {
  /** @type {any} */
  let traced;
  /** @type {any} */
  let baseline;
  /** @type {string[]} */
  let baselineTraffic;
  /** @type {string[]} */
  let tracedTraffic;

  beforeAll(async () => {
    fake.received.length = 0;
    baseline = await run('elevenlabs-esm.mjs', { preload: 'none' });
    baselineTraffic = traffic();
    traced = await run('elevenlabs-esm.mjs', { spans: 6 });
    tracedTraffic = traffic();
  }, 60_000);

  it('leaves what the app sees and what goes over the socket exactly as without the agent', () => {
    expect(baseline.spans).toHaveLength(0);
    expect(traced.spans, spanTree(traced.spans)).toHaveLength(6);
    const result = traced.line('RESULT');
    expect(result).toEqual(baseline.line('RESULT'));
    expect(result.conversationId).toBe(CONVERSATION_ID);
    // The counts themselves are the SDK's (it spreads the options once and reads the tool once); equal to the baseline's above.
    expect(result.reads).toEqual({ userId: 1, tool: 1, toJSON: 1 });
    expect(result.disconnect).toEqual({ reason: 'user' });
    expect(result.refused).toMatchObject({ name: 'SessionConnectionError', closeCode: 1008 });
    expect(result.onConnectThrows).toEqual({ name: 'SyntaxError', message: 'bad onConnect' });
    expect(result.dropped).toMatchObject({ reason: 'error', closeCode: 1011 });
    // The throwing tool: the SDK reports it to onError and answers the server, as untraced.
    expect(result.seen).toContainEqual(['error', 'Client tool execution failed with following error: no table free']);
    expect(tracedTraffic).toEqual(baselineTraffic);
    expect(tracedTraffic.some((m) => m.includes('"client_tool_result"'))).toBe(true);
    expect(tracedTraffic.some((m) => m.includes('"pong"'))).toBe(true);
  });

  it('loads the patch when the package loads and the per-session code at the first session', () => {
    expect(baseline.line('LAZY')).toEqual({ atImport: { patch: false, calls: false }, afterSessions: false });
    expect(traced.line('LAZY')).toEqual({ atImport: { patch: true, calls: false }, afterSessions: true });
  });

  it('makes one AGENT span per session, with the agent, conversation, user, auth and text-only mode', () => {
    expect(spanTree(traced.spans)).toBe(
      [
        'ElevenLabs Conversation [AGENT]',
        '  get_weather [TOOL]',
        '  book_table [TOOL]',
        'ElevenLabs Conversation [AGENT]',
        'ElevenLabs Conversation [AGENT]',
        'ElevenLabs Conversation [AGENT]',
      ].join('\n'),
    );
    const s = sessionOf(traced.spans, 'agent_demo');
    expect(s.parentSpanId ?? '').toBe('');
    expect(s.attributes).toMatchObject({
      'openinference.span.kind': 'AGENT',
      'llm.system': 'elevenlabs',
      'elevenlabs.agent_id': 'agent_demo',
      'elevenlabs.conversation_id': CONVERSATION_ID,
      'elevenlabs.auth_mode': 'public',
      'elevenlabs.text_only': true,
      'elevenlabs.connection_type': 'websocket',
      'user.id': 'user-42',
      'agent.id': 'agent_demo',
      'session.id': CONVERSATION_ID,
      'elevenlabs.disconnect.reason': 'user',
      'elevenlabs.interruptions': 1,
    });
    expect(s.status.code).toBe(OK);
    // From start to disconnect: it spans both tool calls.
    for (const tool of childrenOf(traced.spans, s)) {
      expect(BigInt(tool.startTimeUnixNano) >= BigInt(s.startTimeUnixNano)).toBe(true);
      expect(BigInt(tool.endTimeUnixNano) <= BigInt(s.endTimeUnixNano)).toBe(true);
    }
  });

  it('records the transcript in order: agent messages, typed and spoken user turns, corrections', () => {
    const a = sessionOf(traced.spans, 'agent_demo').attributes;
    expect(a['output.value']).toBe(
      [
        'assistant: Hi! Ask me about the weather.',
        'user: What is the weather in Paris?',
        'assistant: It is rainy in Paris.',
        'assistant (correction): It is sunny in Paris.',
        'user: Thanks, bye.',
        'assistant: Goodbye!',
      ].join('\n'),
    );
    expect(a).toMatchObject({
      'input.value': 'What is the weather in Paris?',
      'llm.input_messages.0.message.role': 'user',
      'llm.input_messages.0.message.content': 'What is the weather in Paris?',
      'llm.input_messages.1.message.content': 'Thanks, bye.',
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.content': 'Hi! Ask me about the weather.',
      'llm.output_messages.1.message.content': 'It is rainy in Paris.',
      'llm.output_messages.2.message.content': 'It is sunny in Paris.',
      'llm.output_messages.2.message.name': 'correction',
      'llm.output_messages.3.message.content': 'Goodbye!',
    });
  });

  it('makes each client tool call a TOOL child span; a throwing tool is ERROR with its exception', () => {
    const [weather, book] = childrenOf(traced.spans, sessionOf(traced.spans, 'agent_demo'));
    expect(weather.attributes).toMatchObject({
      'openinference.span.kind': 'TOOL',
      'tool.name': 'get_weather',
      'tool_call.id': 'tc_weather',
      'input.value': '{"city":"Paris"}',
      'output.value': '{"city":"Paris","forecast":"sunny"}',
      'output.mime_type': 'application/json',
      'session.id': CONVERSATION_ID,
      'user.id': 'user-42',
    });
    expect(weather.status.code).toBe(OK);
    expect(book.attributes).toMatchObject({ 'tool.name': 'book_table', 'tool_call.id': 'tc_book', 'input.value': '{"people":2}', 'output.value': 'Client tool execution failed: no table free' });
    expect(book.status).toMatchObject({ code: ERROR, message: 'no table free' });
    const exception = book.events.find((/** @type {any} */ e) => e.name === 'exception');
    expect(exception.attributes['exception.type']).toBe('RangeError');
    expect(exception.attributes['exception.stacktrace']).toContain('book_table');
  });

  it('makes a refused start an ERROR span with the reason, and a session the server drops an ERROR span with its close', () => {
    const refused = sessionOf(traced.spans, 'agent_refused');
    expect(refused.status).toMatchObject({ code: ERROR, message: 'Agent not found or not public' });
    expect(refused.attributes['elevenlabs.disconnect.close_code']).toBe(1008);
    expect(refused.events.find((/** @type {any} */ e) => e.name === 'exception').attributes['exception.type']).toBe('SessionConnectionError');
    // A start that fails after connecting: the SDK disconnects first, then rejects; the span is ERROR all the same.
    const late = sessionOf(traced.spans, 'agent_onconnect');
    expect(late.status).toMatchObject({ code: ERROR, message: 'bad onConnect' });
    expect(late.attributes).toMatchObject({ 'elevenlabs.conversation_id': CONVERSATION_ID, 'elevenlabs.disconnect.reason': 'user' });
    expect(late.events.find((/** @type {any} */ e) => e.name === 'exception').attributes['exception.type']).toBe('SyntaxError');
    const dropped = sessionOf(traced.spans, 'agent_dropped');
    expect(dropped.status).toMatchObject({ code: ERROR, message: 'Internal server error' });
    expect(dropped.attributes).toMatchObject({ 'elevenlabs.disconnect.reason': 'error', 'elevenlabs.disconnect.close_code': 1011, 'llm.output_messages.0.message.content': 'Hi! Ask me about the weather.' });
  });
});

describe.skipIf(TOO_OLD)('@elevenlabs/client with instrumentElevenLabs, inside an agentSpan', () => {
  it('nests every session under the agent span and carries its agent and session ids; an app span in a tool nests under the TOOL span', async () => {
    const r = await run('elevenlabs-explicit.mjs', { preload: 'none', spans: 8 });
    expect(r.line('INSTRUMENTED')).toBe(true);
    expect(spanTree(r.spans)).toBe(
      [
        'Concierge [AGENT]',
        '  ElevenLabs Conversation [AGENT]',
        '    get_weather [TOOL]',
        '      forecast lookup [CHAIN]',
        '    book_table [TOOL]',
        '  ElevenLabs Conversation [AGENT]',
        '  ElevenLabs Conversation [AGENT]',
        '  ElevenLabs Conversation [AGENT]',
      ].join('\n'),
    );
    const outer = r.spans.find((/** @type {any} */ s) => s.name === 'Concierge');
    const s = sessionOf(r.spans, 'agent_demo');
    expect(s.parentSpanId).toBe(outer.spanId);
    expect(s.attributes).toMatchObject({ 'agent.id': 'concierge', 'session.id': 'support-7', 'user.id': 'user-42', 'elevenlabs.conversation_id': CONVERSATION_ID });
    // The session's own userId wins over the agentSpan's, on its tools too; a session without one keeps the agentSpan's.
    for (const tool of childrenOf(r.spans, s)) expect(tool.attributes).toMatchObject({ 'agent.id': 'concierge', 'session.id': 'support-7', 'user.id': 'user-42' });
    expect(sessionOf(r.spans, 'agent_dropped').attributes).toMatchObject({ 'agent.id': 'concierge', 'session.id': 'support-7', 'user.id': 'outer-user' });
    expect(kind(s)).toBe('AGENT');
  }, 30_000);
});

describe.skipIf(TOO_OLD)('@elevenlabs/client handed to setup({ modules })', () => {
  it('traces the sessions as under the preload', async () => {
    const r = await run('elevenlabs-setup.mjs', { preload: 'none', spans: 6 });
    expect(r.line('INSTALL')).toBe('patched');
    expect(sessions(r.spans)).toHaveLength(4);
    expect(childrenOf(r.spans, sessionOf(r.spans, 'agent_demo')).map((s) => s.name)).toEqual(['get_weather', 'book_table']);
  }, 30_000);
});
