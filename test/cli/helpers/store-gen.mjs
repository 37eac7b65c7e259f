// Builds trace stores for the CLI tests: the committed fixture store
// (fixtures/store, hand-shaped traces plus corrupt lines) and large generated
// stores for the timing test. Attribute keys come from OpenInference's package.
//
// Regenerate the fixture store:  node test/cli/helpers/store-gen.mjs fixtures/store
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync, utimesSync, readdirSync, unlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SemanticConventions as SC, SemanticAttributePrefixes as P, OpenInferenceSpanKind as KIND } from '@arizeai/openinference-semantic-conventions';

export const AGENT_ID = `${P.agent}.id`;
export const REDACTED = '__REDACTED__';
export const truncated = (text, removed) => `${text}…[truncated ${removed} chars]`;

/** A stable fake id of `bytes` bytes from a label. */
export function hexId(label, bytes) {
  return createHash('sha256').update(label).digest('hex').slice(0, bytes * 2);
}

/** A StoredSpan with its keys in the order the agent writes them. */
export function span({ traceId, spanId, parentSpanId, name, kind = 'INTERNAL', start, end, status = 'OK', statusMessage, attributes = {}, events, resource, scope }) {
  return {
    traceId,
    spanId,
    ...(parentSpanId ? { parentSpanId } : {}),
    name,
    kind,
    startTime: start,
    endTime: end,
    status: { code: status, ...(statusMessage ? { message: statusMessage } : {}) },
    attributes,
    ...(events ? { events } : {}),
    resource,
    scope: scope ?? { name: '@catalyst/tracing', version: '0.1.0' },
  };
}

function messages(side, list) {
  const prefix = side === 'input' ? SC.LLM_INPUT_MESSAGES : SC.LLM_OUTPUT_MESSAGES;
  const out = {};
  list.forEach((m, i) => {
    const at = `${prefix}.${i}.`;
    out[at + SC.MESSAGE_ROLE] = m.role;
    if (m.content !== undefined) out[at + SC.MESSAGE_CONTENT] = m.content;
    if (m.toolCallId) out[at + SC.MESSAGE_TOOL_CALL_ID] = m.toolCallId;
    (m.toolCalls ?? []).forEach((c, j) => {
      const t = `${at}${SC.MESSAGE_TOOL_CALLS}.${j}.`;
      out[t + SC.TOOL_CALL_ID] = c.id;
      out[t + SC.TOOL_CALL_FUNCTION_NAME] = c.name;
      out[t + SC.TOOL_CALL_FUNCTION_ARGUMENTS_JSON] = c.arguments;
    });
  });
  return out;
}

function llm({ model, provider = 'openai', prompt, completion, input, output, finish }) {
  return {
    [SC.OPENINFERENCE_SPAN_KIND]: KIND.LLM,
    [SC.LLM_MODEL_NAME]: model,
    [SC.LLM_PROVIDER]: provider,
    [SC.LLM_SYSTEM]: provider,
    ...messages('input', input),
    ...messages('output', output),
    [SC.LLM_TOKEN_COUNT_PROMPT]: prompt,
    [SC.LLM_TOKEN_COUNT_COMPLETION]: completion,
    [SC.LLM_TOKEN_COUNT_TOTAL]: prompt + completion,
    ...(finish ? { [SC.LLM_FINISH_REASON]: finish } : {}),
  };
}

function identity({ agent, agentId, session, user }) {
  return {
    ...(agent ? { [SC.AGENT_NAME]: agent } : {}),
    ...(agentId ? { [AGENT_ID]: agentId } : {}),
    ...(session ? { [SC.SESSION_ID]: session } : {}),
    ...(user ? { [SC.USER_ID]: user } : {}),
  };
}

const resourceOf = (service) => ({ 'service.name': service, 'telemetry.sdk.language': 'nodejs', 'telemetry.sdk.name': 'opentelemetry', 'process.pid': 4242 });
const line = (s) => JSON.stringify(s);

/** The committed fixture store: three files, five traces, two corrupt lines. */
export function fixtureFiles() {
  const B = Date.UTC(2025, 5, 1, 9, 0, 0);
  const travel = resourceOf('travel-assistant');
  const support = { ...resourceOf('support-bot'), 'process.pid': 5151 };
  const gateway = { 'service.name': 'gateway', 'telemetry.sdk.language': 'python', 'telemetry.sdk.name': 'opentelemetry' };
  const ids = (t) => ({ t: hexId(`trace:${t}`, 16), s: (n) => hexId(`span:${t}:${n}`, 8) });
  const travelWho = { agent: 'travel-agent', agentId: 'agent-travel-01', session: 'sess-7f3a', user: 'u-42' };
  const SYSTEM = 'You are a travel planner. Use the tools to check the weather and find flights, then answer briefly.';
  const ASK = 'Plan a weekend in Lisbon for two, flying from Berlin on June 14 and back on June 16.';

  // 1. The most recent trace: an agent run with tool calls, one failed tool call retried.
  const main = ids('main');
  const t0 = B + 300_000;
  const callW = { id: 'call_W1x9', name: 'get_weather', arguments: '{"city":"Lisbon","from":"2025-06-14","to":"2025-06-16"}' };
  const callF = { id: 'call_F7k2', name: 'search_flights', arguments: '{"from":"BER","to":"LIS","depart":"2025-06-14","return":"2025-06-16","passengers":2}' };
  const weather = '{"forecast":"sunny","high_c":27,"low_c":18}';
  const flights = '{"options":[{"carrier":"TP","depart":"07:05","price_eur":189},{"carrier":"FR","depart":"10:40","price_eur":142}]}';
  const answer = 'Lisbon looks sunny (18–27 °C). Cheapest flight: FR at 10:40 for €142 per person; TP at 07:05 is €189. Want me to hold seats?';
  const mainSpans = [
    span({ traceId: main.t, spanId: main.s('agent'), name: 'travel-agent', start: t0, end: t0 + 4820.412, resource: travel,
      attributes: { [SC.OPENINFERENCE_SPAN_KIND]: KIND.AGENT, ...identity(travelWho), [SC.INPUT_VALUE]: ASK, [SC.OUTPUT_VALUE]: answer } }),
    span({ traceId: main.t, spanId: main.s('llm1'), parentSpanId: main.s('agent'), name: 'openai.chat.completions', kind: 'CLIENT', start: t0 + 15.2, end: t0 + 1225.9, resource: travel,
      attributes: { ...llm({ model: 'gpt-4o-mini', prompt: 412, completion: 38, finish: 'tool_calls',
        input: [{ role: 'system', content: SYSTEM }, { role: 'user', content: ASK }],
        output: [{ role: 'assistant', toolCalls: [callW, callF] }] }), ...identity(travelWho) } }),
    span({ traceId: main.t, spanId: main.s('weather'), parentSpanId: main.s('agent'), name: 'get_weather', start: t0 + 1240.1, end: t0 + 1327.6, resource: travel,
      attributes: { [SC.OPENINFERENCE_SPAN_KIND]: KIND.TOOL, [SC.TOOL_NAME]: 'get_weather', [SC.INPUT_VALUE]: callW.arguments, [SC.INPUT_MIME_TYPE]: 'application/json', [SC.OUTPUT_VALUE]: weather, [SC.OUTPUT_MIME_TYPE]: 'application/json', ...identity(travelWho) } }),
    span({ traceId: main.t, spanId: main.s('flights1'), parentSpanId: main.s('agent'), name: 'search_flights', start: t0 + 1245.3, end: t0 + 3245.8, resource: travel,
      status: 'ERROR', statusMessage: 'TimeoutError: flights API did not answer within 2000ms',
      attributes: { [SC.OPENINFERENCE_SPAN_KIND]: KIND.TOOL, [SC.TOOL_NAME]: 'search_flights', [SC.INPUT_VALUE]: callF.arguments, [SC.INPUT_MIME_TYPE]: 'application/json', ...identity(travelWho) },
      events: [{ name: 'exception', time: t0 + 3245.7, attributes: { 'exception.type': 'TimeoutError', 'exception.message': 'flights API did not answer within 2000ms', 'exception.stacktrace': 'TimeoutError: flights API did not answer within 2000ms\n    at searchFlights (/app/tools/flights.js:41:11)\n    at async runTool (/app/agent.js:88:18)' } }] }),
    span({ traceId: main.t, spanId: main.s('flights2'), parentSpanId: main.s('agent'), name: 'search_flights', start: t0 + 3260.0, end: t0 + 3710.4, resource: travel,
      attributes: { [SC.OPENINFERENCE_SPAN_KIND]: KIND.TOOL, [SC.TOOL_NAME]: 'search_flights', [SC.INPUT_VALUE]: callF.arguments, [SC.INPUT_MIME_TYPE]: 'application/json', [SC.OUTPUT_VALUE]: flights, [SC.OUTPUT_MIME_TYPE]: 'application/json', ...identity(travelWho) } }),
    span({ traceId: main.t, spanId: main.s('http'), parentSpanId: main.s('flights2'), name: 'GET', kind: 'CLIENT', start: t0 + 3275.5, end: t0 + 3690.0, resource: travel, status: 'UNSET',
      scope: { name: '@opentelemetry/instrumentation-undici', version: '0.10.0' },
      attributes: { 'http.request.method': 'GET', 'url.full': 'https://api.flights.example/v2/search?from=BER&to=LIS', 'http.response.status_code': 200 } }),
    span({ traceId: main.t, spanId: main.s('llm2'), parentSpanId: main.s('agent'), name: 'openai.chat.completions', kind: 'CLIENT', start: t0 + 3725.0, end: t0 + 4801.3, resource: travel,
      attributes: { ...llm({ model: 'gpt-4o-mini', prompt: 1321, completion: 212, finish: 'stop',
        input: [{ role: 'system', content: SYSTEM }, { role: 'user', content: ASK }, { role: 'assistant', toolCalls: [callW, callF] },
          { role: 'tool', toolCallId: callW.id, content: weather }, { role: 'tool', toolCallId: callF.id, content: flights }],
        output: [{ role: 'assistant', content: answer }] }), ...identity(travelWho) } }),
  ];

  // 2. A failed run: the model call is rate-limited.
  const err = ids('ratelimit');
  const e0 = B + 60_000;
  const errWho = { ...travelWho, session: 'sess-9b21', user: 'u-17' };
  const errSpans = [
    span({ traceId: err.t, spanId: err.s('agent'), name: 'travel-agent', start: e0, end: e0 + 812.5, resource: travel, status: 'ERROR', statusMessage: 'RateLimitError: 429 Rate limit reached for gpt-4o-mini',
      attributes: { [SC.OPENINFERENCE_SPAN_KIND]: KIND.AGENT, ...identity(errWho), [SC.INPUT_VALUE]: 'Find me a hotel in Porto for tonight.' } }),
    span({ traceId: err.t, spanId: err.s('llm'), parentSpanId: err.s('agent'), name: 'openai.chat.completions', kind: 'CLIENT', start: e0 + 9.8, end: e0 + 800.1, resource: travel,
      status: 'ERROR', statusMessage: 'RateLimitError: 429 Rate limit reached for gpt-4o-mini',
      attributes: { [SC.OPENINFERENCE_SPAN_KIND]: KIND.LLM, [SC.LLM_MODEL_NAME]: 'gpt-4o-mini', [SC.LLM_PROVIDER]: 'openai', ...messages('input', [{ role: 'system', content: SYSTEM }, { role: 'user', content: 'Find me a hotel in Porto for tonight.' }]), ...identity(errWho) },
      events: [{ name: 'exception', time: e0 + 800.0, attributes: { 'exception.type': 'RateLimitError', 'exception.message': '429 Rate limit reached for gpt-4o-mini' } }] }),
  ];

  // 3. Privacy settings at work: hidden inputs, a cut output.
  const priv = ids('privacy');
  const p0 = B + 120_000;
  const privWho = { ...travelWho, session: 'sess-7f3a' };
  const longAnswer = 'Day 1: arrive at 10:40, check in near Baixa, lunch at Time Out Market, walk up to the Miradouro de Santa Luzia';
  const privSpans = [
    span({ traceId: priv.t, spanId: priv.s('agent'), name: 'travel-agent', start: p0, end: p0 + 2210.0, resource: travel,
      attributes: { [SC.OPENINFERENCE_SPAN_KIND]: KIND.AGENT, ...identity(privWho), [SC.INPUT_VALUE]: REDACTED, [SC.OUTPUT_VALUE]: truncated(longAnswer, 18211) } }),
    span({ traceId: priv.t, spanId: priv.s('llm'), parentSpanId: priv.s('agent'), name: 'openai.chat.completions', kind: 'CLIENT', start: p0 + 11.0, end: p0 + 2199.5, resource: travel,
      attributes: { ...llm({ model: 'gpt-4o', prompt: 95, completion: 4096, finish: 'length',
        input: [{ role: 'system', content: REDACTED }, { role: 'user', content: REDACTED }],
        output: [{ role: 'assistant', content: truncated(longAnswer, 18211) }] }), ...identity(privWho) } }),
  ];

  // 4. A support bot answering from a knowledge base (another process, another file).
  const sup = ids('support');
  const s0 = B;
  const supWho = { agent: 'support-bot', agentId: 'agent-support-02', session: 'sess-c001', user: 'u-99' };
  const docs = {
    [`${SC.RETRIEVAL_DOCUMENTS}.0.${SC.DOCUMENT_ID}`]: 'kb-112', [`${SC.RETRIEVAL_DOCUMENTS}.0.${SC.DOCUMENT_CONTENT}`]: 'Refunds are issued to the original payment method within 5 business days.', [`${SC.RETRIEVAL_DOCUMENTS}.0.${SC.DOCUMENT_SCORE}`]: 0.91,
    [`${SC.RETRIEVAL_DOCUMENTS}.1.${SC.DOCUMENT_ID}`]: 'kb-087', [`${SC.RETRIEVAL_DOCUMENTS}.1.${SC.DOCUMENT_CONTENT}`]: 'Cancellations more than 24 hours before departure are free of charge.', [`${SC.RETRIEVAL_DOCUMENTS}.1.${SC.DOCUMENT_SCORE}`]: 0.84,
  };
  const supSpans = [
    span({ traceId: sup.t, spanId: sup.s('agent'), name: 'support-bot', start: s0, end: s0 + 1530.0, resource: support,
      attributes: { [SC.OPENINFERENCE_SPAN_KIND]: KIND.AGENT, ...identity(supWho), [SC.INPUT_VALUE]: 'How long does a refund take?', [SC.OUTPUT_VALUE]: 'Refunds reach your original payment method within 5 business days.' } }),
    span({ traceId: sup.t, spanId: sup.s('kb'), parentSpanId: sup.s('agent'), name: 'kb.search', start: s0 + 4.0, end: s0 + 61.0, resource: support,
      attributes: { [SC.OPENINFERENCE_SPAN_KIND]: KIND.RETRIEVER, [SC.INPUT_VALUE]: 'How long does a refund take?', ...docs, ...identity(supWho) } }),
    span({ traceId: sup.t, spanId: sup.s('llm'), parentSpanId: sup.s('agent'), name: 'anthropic.messages.create', kind: 'CLIENT', start: s0 + 70.0, end: s0 + 1520.0, resource: support,
      attributes: { ...llm({ model: 'claude-sonnet-4-5', provider: 'anthropic', prompt: 301, completion: 24, finish: 'end_turn',
        input: [{ role: 'system', content: 'Answer from the knowledge base only.' }, { role: 'user', content: 'How long does a refund take?' }],
        output: [{ role: 'assistant', content: 'Refunds reach your original payment method within 5 business days.' }] }), ...identity(supWho) } }),
  ];

  // 5. A distributed trace: a Python gateway (sent to `serve`) calls the support bot.
  const dist = ids('gateway');
  const d0 = B + 180_000;
  const distWho = { ...supWho, session: 'sess-c002' };
  const gatewaySpans = [
    span({ traceId: dist.t, spanId: dist.s('http'), name: 'POST /v1/chat', kind: 'SERVER', start: d0, end: d0 + 1904.0, resource: gateway, status: 'UNSET',
      scope: { name: 'opentelemetry.instrumentation.fastapi', version: '0.48b0' },
      attributes: { 'http.request.method': 'POST', 'http.route': '/v1/chat', 'http.response.status_code': 200 } }),
  ];
  const distBotSpans = [
    span({ traceId: dist.t, spanId: dist.s('agent'), parentSpanId: dist.s('http'), name: 'support-bot', start: d0 + 20.0, end: d0 + 1890.0, resource: support,
      attributes: { [SC.OPENINFERENCE_SPAN_KIND]: KIND.AGENT, ...identity(distWho), [SC.INPUT_VALUE]: 'Can I cancel my flight tomorrow?' } }),
    span({ traceId: dist.t, spanId: dist.s('llm'), parentSpanId: dist.s('agent'), name: 'anthropic.messages.create', kind: 'CLIENT', start: d0 + 31.0, end: d0 + 1880.0, resource: support,
      attributes: { ...llm({ model: 'claude-sonnet-4-5', provider: 'anthropic', prompt: 288, completion: 41, finish: 'end_turn',
        input: [{ role: 'user', content: 'Can I cancel my flight tomorrow?' }],
        output: [{ role: 'assistant', content: 'Yes: cancellations more than 24 hours before departure are free.' }] }), ...identity(distWho) } }),
  ];

  // Children end first, so they are written first, as a real exporter does.
  const byEnd = (list) => [...list].sort((a, b) => a.endTime - b.endTime);
  const supportLines = byEnd([...supSpans, ...distBotSpans]).map(line);
  // A line cut in the middle (a hand edit or a torn write), and a last line half-written by a killed process.
  supportLines.splice(2, 0, line(supSpans[1]).slice(0, 97));
  const halfWritten = line({ ...supSpans[0], spanId: hexId('span:support:lost', 8) }).slice(0, 140);
  return [
    { name: '2025-06-01T08-59-40.530Z-5151-d4e5f6.jsonl', text: `${supportLines.join('\n')}\n${halfWritten}`, mtime: d0 + 2000 },
    { name: '2025-06-01T08-59-58.112Z-4242-a1b2c3.jsonl', text: `${byEnd([...errSpans, ...privSpans, ...mainSpans]).map(line).join('\n')}\n`, mtime: t0 + 5000 },
    { name: '2025-06-01T09-02-55.001Z-6060-0a0b0c.jsonl', text: `${gatewaySpans.map(line).join('\n')}\n`, mtime: d0 + 2500 },
  ];
}

export const FIXTURE_IDS = {
  main: hexId('trace:main', 16),
  ratelimit: hexId('trace:ratelimit', 16),
  privacy: hexId('trace:privacy', 16),
  support: hexId('trace:support', 16),
  gateway: hexId('trace:gateway', 16),
  span: (trace, name) => hexId(`span:${trace}:${name}`, 8),
};

export function writeFixtureStore(dir) {
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) if (f.endsWith('.jsonl')) unlinkSync(join(dir, f));
  for (const f of fixtureFiles()) {
    writeFileSync(join(dir, f.name), f.text);
    utimesSync(join(dir, f.name), new Date(f.mtime), new Date(f.mtime));
  }
}

const LOREM = 'The traveller wants a short trip with good weather, an affordable flight and a central hotel close to the old town and the river.';

/**
 * A store of `traces` agent runs (5 spans each: AGENT, LLM with a tool call,
 * TOOL, a nested HTTP span, LLM) spread over `files` files, one trace a minute
 * back from `now`; every 10th run has a failed tool. File mtimes match their last span.
 */
export function generateLargeStore(dir, { traces = 10_000, files = 20, now = Date.now() } = {}) {
  mkdirSync(dir, { recursive: true });
  const perFile = Math.ceil(traces / files);
  const agents = ['travel-agent', 'support-bot', 'research-agent'];
  let bytes = 0;
  let spansWritten = 0;
  for (let f = 0; f < files; f++) {
    const lines = [];
    let lastEnd = 0;
    for (let i = f * perFile; i < Math.min(traces, (f + 1) * perFile); i++) {
      const t = hexId(`big:${i}`, 16);
      const s = (n) => hexId(`big:${i}:${n}`, 8);
      const t0 = now - (traces - i) * 60_000;
      const who = { agent: agents[i % 3], agentId: `agent-${i % 3}`, session: `sess-${i % 50}`, user: `u-${i % 7}` };
      const resource = resourceOf(i % 2 ? 'travel-assistant' : 'support-bot');
      const failed = i % 10 === 0;
      const call = { id: `call_${i}`, name: 'lookup', arguments: JSON.stringify({ query: `item ${i}`, limit: 5 }) };
      const prompt = 200 + (i % 400);
      const spans = [
        span({ traceId: t, spanId: s('llm1'), parentSpanId: s('agent'), name: 'openai.chat.completions', kind: 'CLIENT', start: t0 + 5, end: t0 + 600 + (i % 300), resource,
          attributes: { ...llm({ model: i % 4 ? 'gpt-4o-mini' : 'gpt-4o', prompt, completion: 30, finish: 'tool_calls', input: [{ role: 'system', content: LOREM }, { role: 'user', content: `Request number ${i}: ${LOREM}` }], output: [{ role: 'assistant', toolCalls: [call] }] }), ...identity(who) } }),
        span({ traceId: t, spanId: s('http'), parentSpanId: s('tool'), name: 'GET', kind: 'CLIENT', start: t0 + 910, end: t0 + 1000, resource, status: 'UNSET', attributes: { 'http.request.method': 'GET', 'url.full': `https://api.example/items/${i}` } }),
        span({ traceId: t, spanId: s('tool'), parentSpanId: s('agent'), name: 'lookup', start: t0 + 905, end: t0 + 1010, resource, status: failed ? 'ERROR' : 'OK', statusMessage: failed ? 'lookup failed: upstream 503' : undefined,
          attributes: { [SC.OPENINFERENCE_SPAN_KIND]: KIND.TOOL, [SC.TOOL_NAME]: 'lookup', [SC.INPUT_VALUE]: call.arguments, [SC.OUTPUT_VALUE]: failed ? undefined : `{"items":[${i},${i + 1}]}`, ...identity(who) } }),
        span({ traceId: t, spanId: s('llm2'), parentSpanId: s('agent'), name: 'openai.chat.completions', kind: 'CLIENT', start: t0 + 1020, end: t0 + 1900, resource,
          attributes: { ...llm({ model: 'gpt-4o-mini', prompt: prompt + 120, completion: 80, finish: 'stop', input: [{ role: 'system', content: LOREM }, { role: 'user', content: `Request number ${i}` }, { role: 'assistant', toolCalls: [call] }, { role: 'tool', toolCallId: call.id, content: `{"items":[${i}]}` }], output: [{ role: 'assistant', content: `Answer ${i}. ${LOREM}` }] }), ...identity(who) } }),
        span({ traceId: t, spanId: s('agent'), name: agents[i % 3], start: t0, end: t0 + 1950, resource, attributes: { [SC.OPENINFERENCE_SPAN_KIND]: KIND.AGENT, ...identity(who), [SC.INPUT_VALUE]: `Request number ${i}`, [SC.OUTPUT_VALUE]: `Answer ${i}` } }),
      ];
      for (const sp of spans) {
        for (const k of Object.keys(sp.attributes)) if (sp.attributes[k] === undefined) delete sp.attributes[k];
        lines.push(line(sp));
      }
      spansWritten += spans.length;
      lastEnd = t0 + 1950;
    }
    if (lines.length === 0) continue;
    const name = `${new Date(now - (files - f) * 3_600_000).toISOString().replace(/:/g, '-')}-${9000 + f}-${hexId(`file:${f}`, 3)}.jsonl`;
    const text = `${lines.join('\n')}\n`;
    bytes += Buffer.byteLength(text);
    writeFileSync(join(dir, name), text);
    utimesSync(join(dir, name), new Date(lastEnd), new Date(lastEnd));
  }
  return { bytes, spans: spansWritten, traces };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node test/cli/helpers/store-gen.mjs <dir> [--large N]');
    process.exit(2);
  }
  if (process.argv[3] === '--large') console.log(generateLargeStore(dir, { traces: Number(process.argv[4] ?? 10000) }));
  else writeFixtureStore(dir);
}
