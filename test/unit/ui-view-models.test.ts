import { appendFileSync, mkdtempSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredSpan } from '../../src/store/format';
import type { TraceSummary } from '../../src/cli/trace-summary';
import { parseRoute, traceHref, tracesHref } from '../../src/cli/ui/app/route';
import { stepSelection, traceModel } from '../../src/cli/ui/app/trace-model';
import { classify, messageText, spanDetail } from '../../src/cli/ui/app/span-model';
import { agentRows, filterTraces, percentile, sessionRows } from '../../src/cli/ui/groups';
import { TraceIndex } from '../../src/cli/ui/trace-index';
import { createUiHandler } from '../../src/cli/ui/http';
import { startReceiver } from '../../src/cli/serve/receiver';

const T = 'a'.repeat(32);
function sp(id: string, fields: Partial<StoredSpan> = {}): StoredSpan {
  return { traceId: T, spanId: id.padEnd(16, '0'), name: id, kind: 'INTERNAL', startTime: 1000, endTime: 1100, status: { code: 'OK' }, attributes: {}, resource: { 'service.name': 'svc' }, ...fields };
}
function summary(fields: Partial<TraceSummary>): TraceSummary {
  return { traceId: T, startTime: 0, endTime: 0, durationMs: 0, rootName: 'r', rootSpanId: '1', hasRoot: true, spanCount: 1, llmCalls: 0, totalTokens: 0, errorCount: 0, status: 'OK', ...fields };
}

describe('routes', () => {
  it('reads every view from the hash and writes the same links back', () => {
    expect(parseRoute('')).toEqual({ view: 'traces', query: {} });
    expect(parseRoute('#/traces?service=a%20b&status=error&offset=50&bogus=1')).toEqual({ view: 'traces', query: { service: 'a b', status: 'error', offset: 50 } });
    expect(parseRoute(tracesHref({ q: 'x&y=z', agent: 'ag' }))).toEqual({ view: 'traces', query: { q: 'x&y=z', agent: 'ag' } });
    expect(parseRoute(traceHref(T, 'b'.repeat(16)))).toEqual({ view: 'trace', traceId: T, spanId: 'b'.repeat(16) });
    expect(parseRoute('#/session/s%2F1')).toEqual({ view: 'session', sessionId: 's/1' });
    expect(parseRoute('#/agents')).toEqual({ view: 'agents' });
    expect(parseRoute('#/sessions?offset=100')).toEqual({ view: 'sessions', offset: 100 });
    expect(parseRoute('#/nope/x')).toEqual({ view: 'unknown', path: '/nope/x' });
    expect(parseRoute('#/trace/%E0%A4%A')).toEqual({ view: 'trace', traceId: '%E0%A4%A', spanId: undefined });
  });
});

describe('trace model', () => {
  it('places spans on one time axis in tree order, marks orphans and steps with the arrow keys', () => {
    const spans = [
      sp('root', { startTime: 1000, endTime: 2000, attributes: { 'openinference.span.kind': 'AGENT' } }),
      sp('llm', { parentSpanId: 'root'.padEnd(16, '0'), startTime: 1500, endTime: 2000, attributes: { 'openinference.span.kind': 'LLM', 'llm.model_name': 'm', 'llm.token_count.total': 12 } }),
      sp('lost', { parentSpanId: 'f'.repeat(16), startTime: 1000, endTime: 1250, status: { code: 'ERROR', message: 'boom' } }),
    ];
    const m = traceModel(spans, (ms) => `${ms}ms`);
    expect(m.rows.map((r) => [r.name, r.depth, r.kind, r.offset, r.width, r.orphan])).toEqual([
      ['lost', 0, 'INTERNAL', 0, 0.25, true],
      ['root', 0, 'AGENT', 0, 1, false],
      ['llm', 1, 'LLM', 0.5, 0.5, false],
    ]);
    expect(m.rows[2]).toMatchObject({ model: 'm', totalTokens: 12 });
    expect(m.rows[0]).toMatchObject({ error: true, errorMessage: 'boom' });
    expect(m.orphans).toBe(1);
    expect(m.ticks.map((t) => t.label)).toEqual(['0', '250ms', '500ms', '750ms', '1000ms']);
    const ids = m.rows.map((r) => r.spanId);
    expect(stepSelection(m.rows, undefined, 1)).toBe(ids[0]);
    expect(stepSelection(m.rows, ids[0], 1)).toBe(ids[1]);
    expect(stepSelection(m.rows, ids[2], 1)).toBe(ids[2]);
    expect(stepSelection(m.rows, ids[0], -1)).toBe(ids[0]);
  });
});

describe('span detail', () => {
  it('classifies values: hidden, cut, JSON, text', () => {
    expect(classify('__REDACTED__')).toEqual({ type: 'hidden' });
    expect(classify('{"a":[1,2]}')).toEqual({ type: 'json', value: { a: [1, 2] } });
    expect(classify('{not json')).toEqual({ type: 'text', text: '{not json', cut: undefined });
    expect(classify('abc…[truncated 40 chars]')).toEqual({ type: 'text', text: 'abc', cut: 40 });
    expect(classify(3)).toEqual({ type: 'json', value: 3 });
    expect(classify('<script>x</script>')).toEqual({ type: 'text', text: '<script>x</script>', cut: undefined });
  });

  it('gathers the conversation, parameters, every token count, attributes, events and exceptions', () => {
    const d = spanDetail(
      sp('llm', {
        status: { code: 'ERROR' },
        attributes: {
          'openinference.span.kind': 'LLM',
          'llm.input_messages.0.message.role': 'system',
          'llm.input_messages.0.message.content': '__REDACTED__',
          'llm.input_messages.1.message.role': 'user',
          'llm.input_messages.1.message.contents.0.message_content.text': 'hi',
          'llm.output_messages.0.message.role': 'assistant',
          'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'get_weather',
          'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': '{"city":"Paris"}',
          'llm.invocation_parameters': '{"temperature":0.2}',
          'llm.token_count.prompt': 10,
          'llm.token_count.completion': 5,
          'llm.token_count.total': 15,
          'llm.token_count.prompt_details.cache_read': 4,
          'llm.token_count.completion_details.reasoning': 2,
        },
        events: [{ name: 'exception', time: 1050, attributes: { 'exception.type': 'TypeError', 'exception.message': 'bad', 'exception.stacktrace': 'at x' } }],
      }),
    );
    expect(d.inputMessages.map((m) => [m.role, messageText(m)])).toEqual([
      ['system', { type: 'hidden' }],
      ['user', { type: 'text', text: 'hi', cut: undefined }],
    ]);
    expect(d.outputMessages[0]!.toolCalls).toEqual([{ name: 'get_weather', arguments: '{"city":"Paris"}' }]);
    expect(d.invocationParameters).toEqual({ type: 'json', value: { temperature: 0.2 } });
    expect(d.tokens.map((t) => `${t.label}=${t.value}`)).toEqual(['input=10', 'output=5', 'total=15', 'cache read=4', 'reasoning=2']);
    expect(d.error).toBe('TypeError: bad');
    expect(d.exceptions).toEqual([{ type: 'TypeError', message: 'bad', stacktrace: 'at x', time: 1050 }]);
    expect(d.attributes.map((a) => a.key)).toContain('llm.token_count.prompt_details.cache_read');
    expect(d.attributes.find((a) => a.key === 'llm.input_messages.0.message.content')!.value).toEqual({ type: 'hidden' });
  });
});

describe('groups', () => {
  it('takes nearest-rank percentiles', () => {
    expect(percentile([], 50)).toBe(0);
    expect(percentile([5], 95)).toBe(5);
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 95)).toBe(95);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
  });

  it('rows agents by agent.id else agent.name, with runs, error rate, tokens, p50, p95 and last seen', () => {
    const traces = [
      summary({ traceId: '1', agent: 'a', agentId: 'a-1', durationMs: 100, totalTokens: 5, endTime: 10 }),
      summary({ traceId: '2', agent: 'a', agentId: 'a-1', durationMs: 300, errorCount: 1, endTime: 30 }),
      summary({ traceId: '3', agent: 'b', durationMs: 50, endTime: 20 }),
      summary({ traceId: '4' }),
    ];
    expect(agentRows(traces)).toEqual([
      { key: 'a-1', name: 'a', id: 'a-1', runs: 2, errors: 1, errorRate: 0.5, totalTokens: 5, p50Ms: 100, p95Ms: 300, lastSeen: 30 },
      { key: 'b', name: 'b', id: undefined, runs: 1, errors: 0, errorRate: 0, totalTokens: 0, p50Ms: 50, p95Ms: 50, lastSeen: 20 },
    ]);
    expect(filterTraces(traces, { agent: 'a-1' }).map((t) => t.traceId)).toEqual(['1', '2']);
    expect(filterTraces(traces, { agent: 'b', status: 'ok' }).map((t) => t.traceId)).toEqual(['3']);
    expect(filterTraces(traces, { status: 'error' }).map((t) => t.traceId)).toEqual(['2']);
  });

  it('rows sessions, the most recently active first', () => {
    const rows = sessionRows([
      summary({ traceId: '1', sessionId: 's1', startTime: 10, agent: 'a', userId: 'u' }),
      summary({ traceId: '2', sessionId: 's2', startTime: 20 }),
      summary({ traceId: '3', sessionId: 's1', startTime: 30, errorCount: 1, totalTokens: 7 }),
    ]);
    expect(rows.map((r) => [r.sessionId, r.traces, r.firstStart, r.lastStart, r.errors, r.totalTokens, r.agents, r.users])).toEqual([
      ['s1', 2, 10, 30, 1, 7, ['a'], ['u']],
      ['s2', 1, 20, 20, 0, 0, [], []],
    ]);
  });
});

describe('the index over the store', () => {
  it('reads on from where it stopped, holds back a line still being written, and drops removed files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ui-index-'));
    const file = join(dir, '2025-01-01T00-00-00.000Z-1-abcdef.jsonl');
    const line = (id: string, trace = T): string => JSON.stringify(sp(id, { traceId: trace }));
    writeFileSync(file, `{"catalystTraceStore":1,"writer":"agent"}\n${line('one')}\n`);
    const index = new TraceIndex(dir);
    let snap = await index.current();
    expect(snap.spanCount).toBe(1);
    const first = snap.generation;
    expect((await index.current()).generation).toBe(first);

    const half = line('two', 'b'.repeat(32));
    appendFileSync(file, half.slice(0, 20));
    snap = await index.current();
    expect(snap.spanCount).toBe(1);
    expect(snap.notes.join('\n')).toMatch(/the last 20 bytes of .* are not a whole line/);
    appendFileSync(file, `${half.slice(20)}\nnot json\n`);
    snap = await index.current();
    expect(snap.spanCount).toBe(2);
    expect(snap.summaries.map((s) => s.traceId).sort()).toEqual([T, 'b'.repeat(32)]);
    expect(snap.notes).toEqual(['skipped 1 corrupt line in 1 file (half-written by a process that was killed, or edited by hand)']);
    expect(snap.generation).toBeGreaterThan(first);
    unlinkSync(file);
    snap = await index.current();
    expect([snap.spanCount, snap.summaries.length, snap.notes]).toEqual([0, 0, []]);
  });
});

describe('the viewer over HTTP', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  async function start(): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'ui-http-'));
    server = createServer(createUiHandler({ dir, loopbackOnly: true }));
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('answers only to loopback host names, read-only, with a strict CSP on the page', async () => {
    const base = await start();
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<script src="app.js"></script>');
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve) => {
      request(`${base}/api/traces`, { headers: { host: 'evil.example:80' } }, (res) => resolve(res.statusCode!)).end();
    });
    expect(status).toBe(421);
    expect((await fetch(`${base}/api/traces`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${base}/api/traces/${'0'.repeat(32)}`)).status).toBe(404);
    expect((await fetch(`${base}/../etc/passwd`)).status).toBe(404);
    expect(await (await fetch(`${base}/api/traces`)).json()).toMatchObject({ total: 0, traces: [] });
  });

  it('is served by `serve` at / beside /v1/traces', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ui-serve-'));
    const receiver = await startReceiver({ dir, port: 0, host: '127.0.0.1', viewer: createUiHandler({ dir, loopbackOnly: true }) });
    try {
      const page = await fetch(`${receiver.baseUrl}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('app.js');
      expect((await fetch(`${receiver.baseUrl}/api/traces`)).status).toBe(200);
      expect((await fetch(`${receiver.baseUrl}/v1/other`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(404);
      expect((await fetch(receiver.tracesUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(200);
    } finally {
      await receiver.close();
    }
  });
});
