// @elevenlabs/elevenlabs-js (the CommonJS server SDK) end to end: a spawned CJS
// app under --require runs its real Conversation text-only against the loopback
// fake of the conversation websocket (test/harness/fake-elevenlabs.mjs), with a
// stub audio interface; every assertion is on spans the collector received.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spanTree, useAppHarness } from '../harness/app-harness.mjs';
import { CONVERSATION_ID, startFakeElevenLabs } from '../harness/fake-elevenlabs.mjs';

/** @type {Awaited<ReturnType<typeof startFakeElevenLabs>>} */
let fake;
beforeAll(async () => {
  fake = await startFakeElevenLabs();
});
afterAll(async () => {
  await fake?.close();
});

const { runApp } = useAppHarness({ name: 'elevenlabs-js' });
/** @param {string} app @param {any} [options] */
const run = (app, options = {}) => runApp(app, { ...options, env: { ELEVENLABS_ORIGIN: fake.origin, ...options.env } });
const traffic = () => fake.received.splice(0).map((m) => JSON.stringify(m));

const OK = 1;
const ERROR = 2;
const sessionOf = (/** @type {any[]} */ spans, /** @type {string} */ agent) => {
  const found = spans.filter((s) => s.name === 'ElevenLabs Conversation' && s.attributes['elevenlabs.agent_id'] === agent);
  expect(found, spanTree(spans)).toHaveLength(1);
  return found[0];
};
const childrenOf = (/** @type {any[]} */ spans, /** @type {any} */ parent) =>
  spans.filter((s) => s.parentSpanId === parent.spanId).sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1));

describe('@elevenlabs/elevenlabs-js Conversation under --require (CJS app)', () => {
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
    baseline = await run('elevenlabs-js-cjs.cjs', { preload: 'none' });
    baselineTraffic = traffic();
    traced = await run('elevenlabs-js-cjs.cjs', { preload: 'require', spans: 5 });
    tracedTraffic = traffic();
  }, 60_000);

  it('leaves what the app sees and what goes over the socket exactly as without the agent', () => {
    expect(baseline.spans).toHaveLength(0);
    const result = traced.line('RESULT');
    expect(result).toEqual(baseline.line('RESULT'));
    expect(result.conversationId).toBe(CONVERSATION_ID);
    expect(result.refused).toEqual({ started: true, code: 1008, reason: 'Agent not found or not public' });
    expect(result.unreachable).toEqual({ code: 'ECONNREFUSED' });
    expect(tracedTraffic).toEqual(baselineTraffic);
    // The throwing tool is answered as untraced: an error result, and the session goes on to the ping and the rest.
    expect(tracedTraffic.some((m) => m.includes('"is_error":true') && m.includes('no table free'))).toBe(true);
    expect(tracedTraffic.some((m) => m.includes('"pong"'))).toBe(true);
  });

  it('loads the patch when the conversation classes load and the per-session code at the first session', () => {
    expect(baseline.line('LAZY')).toEqual({ atImport: { patch: false, calls: false }, afterSessions: false });
    expect(traced.line('LAZY')).toEqual({ atImport: { patch: true, calls: false }, afterSessions: true });
  });

  it('makes the session one AGENT span with its transcript in order and each client tool a TOOL child', () => {
    expect(spanTree(traced.spans)).toBe(
      ['ElevenLabs Conversation [AGENT]', '  get_weather [TOOL]', '  book_table [TOOL]', 'ElevenLabs Conversation [AGENT]', 'ElevenLabs Conversation [AGENT]'].join('\n'),
    );
    const s = sessionOf(traced.spans, 'agent_demo');
    expect(s.status.code).toBe(OK);
    expect(s.attributes).toMatchObject({
      'openinference.span.kind': 'AGENT',
      'llm.system': 'elevenlabs',
      'elevenlabs.agent_id': 'agent_demo',
      'elevenlabs.conversation_id': CONVERSATION_ID,
      'elevenlabs.auth_mode': 'public',
      'agent.id': 'agent_demo',
      'session.id': CONVERSATION_ID,
      'elevenlabs.disconnect.reason': 'user',
      'elevenlabs.interruptions': 1,
      'input.value': 'What is the weather in Paris?',
      'llm.output_messages.2.message.name': 'correction',
    });
    expect(s.attributes['output.value']).toBe(
      [
        'assistant: Hi! Ask me about the weather.',
        'user: What is the weather in Paris?',
        'assistant: It is rainy in Paris.',
        'assistant (correction): It is sunny in Paris.',
        'user: Thanks, bye.',
        'assistant: Goodbye!',
      ].join('\n'),
    );
    const [weather, book] = childrenOf(traced.spans, s);
    expect(weather.attributes).toMatchObject({
      'openinference.span.kind': 'TOOL',
      'tool.name': 'get_weather',
      'tool_call.id': 'tc_weather',
      'input.value': '{"city":"Paris"}',
      'session.id': CONVERSATION_ID,
    });
    expect(weather.status.code).toBe(OK);
    // The SDK sends an object result as it is; the span carries it as the SDK sent it.
    expect(JSON.parse(weather.attributes['output.value'])).toEqual({ city: 'Paris', forecast: 'sunny' });
    expect(book.attributes).toMatchObject({ 'tool.name': 'book_table', 'tool_call.id': 'tc_book', 'input.value': '{"people":2}', 'output.value': 'no table free' });
    expect(book.status).toMatchObject({ code: ERROR, message: 'no table free' });
    const exception = book.events.find((/** @type {any} */ e) => e.name === 'exception');
    expect(exception.attributes['exception.type']).toBe('RangeError');
    for (const tool of [weather, book]) {
      expect(BigInt(tool.startTimeUnixNano) >= BigInt(s.startTimeUnixNano)).toBe(true);
      expect(BigInt(tool.endTimeUnixNano) <= BigInt(s.endTimeUnixNano)).toBe(true);
    }
  });

  it('makes a start the server refuses, and one whose socket cannot connect, ERROR spans with the reason', () => {
    const refused = sessionOf(traced.spans, 'agent_refused');
    expect(refused.status).toMatchObject({ code: ERROR, message: 'Agent not found or not public' });
    expect(refused.attributes).toMatchObject({ 'elevenlabs.disconnect.reason': 'error', 'elevenlabs.disconnect.close_code': 1008 });
    const unreachable = sessionOf(traced.spans, 'agent_unreachable');
    expect(unreachable.status.code).toBe(ERROR);
    expect(unreachable.status.message).toContain('ECONNREFUSED');
  });
});

describe('@elevenlabs/elevenlabs-js inside an agentSpan (CJS app under --require)', () => {
  it('nests every session under the agent span with its agent, session and user ids; an app span in a tool nests under the TOOL span', async () => {
    const r = await run('elevenlabs-js-cjs.cjs', { preload: 'require', spans: 7, env: { ELEVENLABS_JS_MODE: 'agent' } });
    expect(spanTree(r.spans)).toBe(
      [
        'Concierge [AGENT]',
        '  ElevenLabs Conversation [AGENT]',
        '    get_weather [TOOL]',
        '      forecast lookup [CHAIN]',
        '    book_table [TOOL]',
        '  ElevenLabs Conversation [AGENT]',
        '  ElevenLabs Conversation [AGENT]',
      ].join('\n'),
    );
    const outer = r.spans.find((/** @type {any} */ s) => s.name === 'Concierge');
    const s = sessionOf(r.spans, 'agent_demo');
    expect(s.parentSpanId).toBe(outer.spanId);
    expect(s.attributes).toMatchObject({ 'agent.id': 'concierge', 'session.id': 'support-7', 'user.id': 'outer-user', 'elevenlabs.conversation_id': CONVERSATION_ID });
    for (const tool of childrenOf(r.spans, s)) expect(tool.attributes).toMatchObject({ 'agent.id': 'concierge', 'session.id': 'support-7', 'user.id': 'outer-user' });
  }, 30_000);
});

describe('@elevenlabs/elevenlabs-js handed to setup({ modules })', () => {
  it('traces the sessions as under the preload', async () => {
    const r = await run('elevenlabs-js-cjs.cjs', { preload: 'none', spans: 5, env: { ELEVENLABS_JS_MODE: 'setup' } });
    expect(r.line('INSTALL')).toBe('patched');
    expect(childrenOf(r.spans, sessionOf(r.spans, 'agent_demo')).map((s) => s.name)).toEqual(['get_weather', 'book_table']);
    expect(sessionOf(r.spans, 'agent_refused').status.code).toBe(ERROR);
  }, 30_000);
});
