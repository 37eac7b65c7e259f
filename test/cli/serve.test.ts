import { gzipSync } from 'node:zlib';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode, context, trace, type Tracer } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter as HttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as HttpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { SemanticConventions as SC } from '@arizeai/openinference-semantic-conventions';
import { startReceiver, type Receiver } from '../../src/cli/serve/receiver';
import { decodeProtoRequest } from '../../src/cli/serve/otlp-proto';
import type { StoredSpan } from '../../src/store/format';
import { run, tempDir } from './helpers/run';

let store: { dir: string; cleanup: () => void };
let receiver: Receiver;

beforeEach(async () => {
  store = tempDir('catalyst-serve-');
  receiver = await startReceiver({ dir: store.dir, port: 0, host: '127.0.0.1' });
});
afterEach(async () => {
  await receiver.close();
  store.cleanup();
});

/** Records one small agent trace through a real OTel SDK and exporter. */
async function sendTrace(exporter: SpanExporter, service: string): Promise<{ traceId: string; ids: Record<string, string> }> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'deployment.environment': 'test' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer: Tracer = provider.getTracer('receiver-test', '1.2.3');
  const root = tracer.startSpan('travel-agent', { kind: SpanKind.SERVER, startTime: [1748768400, 123456789], attributes: { [SC.OPENINFERENCE_SPAN_KIND]: 'AGENT', [SC.AGENT_NAME]: 'travel-agent', [SC.SESSION_ID]: 'sess-otlp' } });
  const inRoot = trace.setSpan(context.active(), root);
  const llm = tracer.startSpan(
    'chat gpt-4o',
    {
      kind: SpanKind.CLIENT,
      startTime: [1748768400, 200000000],
      attributes: {
        [SC.OPENINFERENCE_SPAN_KIND]: 'LLM',
        [SC.LLM_MODEL_NAME]: 'gpt-4o',
        [`${SC.LLM_INPUT_MESSAGES}.0.${SC.MESSAGE_ROLE}`]: 'user',
        [`${SC.LLM_INPUT_MESSAGES}.0.${SC.MESSAGE_CONTENT}`]: 'Weather in Lisbon? ünïcødé ✓',
        [SC.LLM_TOKEN_COUNT_PROMPT]: 12,
        [SC.LLM_TOKEN_COUNT_COMPLETION]: 3,
        [SC.LLM_TOKEN_COUNT_TOTAL]: 15,
        'llm.temperature': 0.25,
        'llm.stream': false,
        'tag.tags': ['a', 'b'],
        'scores': [1.5, 2.5],
        'big.int': 9007199254740991,
        'negative.int': -42,
      },
    },
    inRoot,
  );
  llm.addEvent('first_token', { 'gen_ai.latency_ms': 87 }, [1748768400, 287000000]);
  llm.end([1748768400, 900000500]);
  const tool = tracer.startSpan('get_weather', { startTime: [1748768400, 910000000], attributes: { [SC.OPENINFERENCE_SPAN_KIND]: 'TOOL', [SC.TOOL_NAME]: 'get_weather' } }, inRoot);
  tool.recordException(new Error('upstream timeout'), [1748768401, 0]);
  tool.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream timeout' });
  tool.end([1748768401, 10000000]);
  root.setStatus({ code: SpanStatusCode.OK });
  root.end([1748768401, 500000000]);
  await provider.forceFlush();
  await provider.shutdown();
  const ids = { root: root.spanContext().spanId, llm: llm.spanContext().spanId, tool: tool.spanContext().spanId };
  return { traceId: root.spanContext().traceId, ids };
}

function storedSpans(): StoredSpan[] {
  const files = readdirSync(store.dir).filter((f) => f.endsWith('.jsonl'));
  expect(files).toHaveLength(1);
  expect(join(store.dir, files[0]!)).toBe(receiver.writer.file);
  expect(files[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z-\d+-[0-9a-f]{6}\.jsonl$/);
  const [header, ...lines] = readFileSync(join(store.dir, files[0]!), 'utf8').trim().split('\n');
  // The first line marks the file as the store's own; the spans follow.
  expect(JSON.parse(header!)).toEqual({ catalystTraceStore: 1, writer: 'serve' });
  return lines.map((l) => JSON.parse(l) as StoredSpan);
}

function expectConverted(spans: StoredSpan[], traceId: string, ids: Record<string, string>, service: string): void {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const root = byId.get(ids.root!)!;
  const llm = byId.get(ids.llm!)!;
  const tool = byId.get(ids.tool!)!;
  expect(spans.every((s) => s.traceId === traceId)).toBe(true);
  expect(root).toMatchObject({ name: 'travel-agent', kind: 'SERVER', status: { code: 'OK' }, startTime: 1748768400123.456, endTime: 1748768401500, resource: { 'service.name': service, 'deployment.environment': 'test' }, scope: { name: 'receiver-test', version: '1.2.3' } });
  expect(root.parentSpanId).toBeUndefined();
  expect(llm).toMatchObject({ parentSpanId: ids.root, kind: 'CLIENT', startTime: 1748768400200, endTime: 1748768400900 });
  expect(llm.attributes).toEqual({
    [SC.OPENINFERENCE_SPAN_KIND]: 'LLM',
    [SC.LLM_MODEL_NAME]: 'gpt-4o',
    [`${SC.LLM_INPUT_MESSAGES}.0.${SC.MESSAGE_ROLE}`]: 'user',
    [`${SC.LLM_INPUT_MESSAGES}.0.${SC.MESSAGE_CONTENT}`]: 'Weather in Lisbon? ünïcødé ✓',
    [SC.LLM_TOKEN_COUNT_PROMPT]: 12,
    [SC.LLM_TOKEN_COUNT_COMPLETION]: 3,
    [SC.LLM_TOKEN_COUNT_TOTAL]: 15,
    'llm.temperature': 0.25,
    'llm.stream': false,
    'tag.tags': ['a', 'b'],
    scores: [1.5, 2.5],
    'big.int': 9007199254740991,
    'negative.int': -42,
  });
  expect(llm.events).toEqual([{ name: 'first_token', time: 1748768400287, attributes: { 'gen_ai.latency_ms': 87 } }]);
  expect(tool).toMatchObject({ parentSpanId: ids.root, kind: 'INTERNAL', status: { code: 'ERROR', message: 'upstream timeout' } });
  expect(tool.events?.[0]).toMatchObject({ name: 'exception', time: 1748768401000, attributes: { 'exception.message': 'upstream timeout', 'exception.type': 'Error' } });
}

describe('serve: the OTLP/HTTP receiver', () => {
  it('takes OTLP/JSON from the real @opentelemetry/exporter-trace-otlp-http exporter', async () => {
    const sent = await sendTrace(new HttpJsonExporter({ url: receiver.tracesUrl }), 'json-svc');
    expectConverted(storedSpans(), sent.traceId, sent.ids, 'json-svc');
  });

  it('takes OTLP/protobuf from the real @opentelemetry/exporter-trace-otlp-proto exporter', async () => {
    const sent = await sendTrace(new HttpProtoExporter({ url: receiver.tracesUrl }), 'proto-svc');
    expectConverted(storedSpans(), sent.traceId, sent.ids, 'proto-svc');
  });

  it('takes gzip-compressed bodies from both exporters', async () => {
    const encodings: Array<string | undefined> = [];
    receiver.server.on('request', (req: { headers: Record<string, string | undefined> }) => encodings.push(req.headers['content-encoding']));
    const a = await sendTrace(new HttpJsonExporter({ url: receiver.tracesUrl, compression: 'gzip' as never }), 'gz-json');
    const b = await sendTrace(new HttpProtoExporter({ url: receiver.tracesUrl, compression: 'gzip' as never }), 'gz-proto');
    expect(encodings.length).toBeGreaterThanOrEqual(2);
    expect(encodings.every((e) => e === 'gzip')).toBe(true);
    const spans = storedSpans();
    expect(spans).toHaveLength(6);
    expectConverted(spans.filter((s) => s.traceId === a.traceId), a.traceId, a.ids, 'gz-json');
    expectConverted(spans.filter((s) => s.traceId === b.traceId), b.traceId, b.ids, 'gz-proto');
  });

  it('writes what the CLI reads: the received trace shows in trace list and trace get', async () => {
    const sent = await sendTrace(new HttpProtoExporter({ url: receiver.tracesUrl }), 'cli-svc');
    const list = JSON.parse((await run(['trace', 'list', '--json', '--dir', store.dir])).stdout) as Array<Record<string, unknown>>;
    expect(list).toEqual([expect.objectContaining({ traceId: sent.traceId, rootName: 'travel-agent', service: 'cli-svc', spanCount: 3, llmCalls: 1, totalTokens: 15, errorCount: 1, sessionId: 'sess-otlp' })]);
    const tree = await run(['trace', 'get', sent.traceId.slice(0, 8), '--dir', store.dir]);
    expect(tree.code).toBe(0);
    expect(tree.stdout).toMatch(/├─ LLM {3}chat gpt-4o\s+700ms {2}gpt-4o {2}15 tok/);
    expect(tree.stdout).toMatch(/└─ TOOL {2}get_weather\s+✗ 100ms {2}upstream timeout/);
  });

  it('answers as OTLP/HTTP says for bad requests, and keeps serving', async () => {
    const post = (body: string | Buffer, type: string, extra: Record<string, string> = {}, path = '/v1/traces'): Promise<Response> =>
      fetch(`${receiver.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': type, ...extra }, body: typeof body === 'string' ? body : new Uint8Array(body) });
    const badJson = await post('{"resourceSpans": [', 'application/json');
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ code: 3, message: expect.stringContaining('not valid JSON') });
    const badProto = await post(Buffer.from([0x0a, 0xff, 0xff, 0x01]), 'application/x-protobuf');
    expect(badProto.status).toBe(400);
    expect(badProto.headers.get('content-type')).toBe('application/x-protobuf');
    expect((await post('x', 'text/plain')).status).toBe(415);
    expect((await post('{}', 'application/json', { 'content-encoding': 'zstd' })).status).toBe(415);
    expect((await post(Buffer.from('not gzip'), 'application/json', { 'content-encoding': 'gzip' })).status).toBe(400);
    expect((await fetch(`${receiver.tracesUrl}`)).status).toBe(405);
    expect((await post('{}', 'application/json', {}, '/v1/other')).status).toBe(404);
    // Metrics and logs sent to the same base URL are accepted and dropped.
    expect((await post('{}', 'application/json', {}, '/v1/metrics')).status).toBe(200);

    // A batch with one span lacking ids (sent gzip-compressed by hand): the others are stored, the sender told of the rejection.
    const good = { traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', name: 'ok', kind: 1, startTimeUnixNano: '1748768400000000000', endTimeUnixNano: '1748768400500000000' };
    const body = { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'raw' } }] }, scopeSpans: [{ scope: { name: 's' }, spans: [good, { ...good, traceId: '' }] }] }] };
    const partial = await post(gzipSync(JSON.stringify(body)), 'application/json', { 'content-encoding': 'gzip' });
    expect(partial.status).toBe(200);
    expect(await partial.json()).toEqual({ partialSuccess: { rejectedSpans: '1', errorMessage: '1 span(s) rejected: a span has no valid traceId (16 bytes, hex)' } });
    expect(storedSpans().map((s) => s.name)).toEqual(['ok']);
  });

  it('accepts the variants of OTLP/JSON that other SDKs send (base64 ids, number times, enum names, snake_case)', async () => {
    const b64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');
    const body = {
      resource_spans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'py' } }, { key: 'nested', value: { kvlistValue: { values: [{ key: 'a', value: { intValue: '1' } }] } } }] },
          scope_spans: [
            {
              scope: { name: 'opentelemetry.instrumentation.fastapi', version: '0.48b0' },
              spans: [
                {
                  trace_id: b64('5b8efff798038103d269b633813fc60c'),
                  span_id: b64('eee19b7ec3c1b174'),
                  parent_span_id: '',
                  name: 'POST /chat',
                  kind: 'SPAN_KIND_SERVER',
                  start_time_unix_nano: 1748768400000000000,
                  end_time_unix_nano: '1748768400250000000',
                  status: { code: 'STATUS_CODE_ERROR', message: 'boom' },
                  attributes: [
                    { key: 'http.status_code', value: { intValue: 500 } },
                    { key: 'huge', value: { intValue: '18446744073709551' } },
                    { key: 'mixed', value: { arrayValue: { values: [{ stringValue: 'x' }, { arrayValue: { values: [{ intValue: '1' }] } }] } } },
                    { key: 'raw', value: { bytesValue: 'AQID' } },
                  ],
                },
              ],
            },
          ],
        },
      ],
    };
    const r = await fetch(receiver.tracesUrl, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({});
    const [s] = storedSpans();
    expect(s).toMatchObject({
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
      name: 'POST /chat',
      kind: 'SERVER',
      startTime: 1748768400000,
      endTime: 1748768400250,
      status: { code: 'ERROR', message: 'boom' },
      attributes: { 'http.status_code': 500, huge: '18446744073709551', mixed: '["x",[1]]', raw: 'AQID' },
      resource: { 'service.name': 'py', nested: '{"a":1}' },
      scope: { name: 'opentelemetry.instrumentation.fastapi', version: '0.48b0' },
    });
    expect(s!.parentSpanId).toBeUndefined();
  });

  it('skips unknown protobuf fields and rejects truncated messages', () => {
    // ExportTraceServiceRequest { resource_spans { scope_spans { spans { trace_id, span_id, name, field 99 (unknown) } } } }
    const len = (field: number, payload: Buffer): Buffer => Buffer.concat([Buffer.from([(field << 3) | 2, payload.length]), payload]);
    const spanMsg = Buffer.concat([
      len(1, Buffer.from('5b8efff798038103d269b633813fc60c', 'hex')),
      len(2, Buffer.from('eee19b7ec3c1b174', 'hex')),
      len(5, Buffer.from('x')),
      Buffer.from([0x98, 0x06, 0x01]), // field 99, varint 1
      Buffer.from([0x39, 1, 0, 0, 0, 0, 0, 0, 0]), // field 7 (start), fixed64 1ns
    ]);
    const req = len(1, len(2, len(2, spanMsg)));
    const out = decodeProtoRequest(req);
    expect(out.spans).toHaveLength(1);
    // 1 ns is below the stored microsecond precision.
    expect(out.spans[0]).toMatchObject({ traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', name: 'x', startTime: 0 });
    expect(() => decodeProtoRequest(req.subarray(0, req.length - 3))).toThrow(/not a valid ExportTraceServiceRequest/);
  });
});

describe('catalyst-tracing serve', () => {
  it('prints where it listens and how to point an app at it, then stops cleanly', async () => {
    const t = tempDir('catalyst-serve-cmd-');
    const ac = new AbortController();
    let listening!: () => void;
    const ready = new Promise<void>((resolve) => (listening = resolve));
    try {
      const done = run(['serve', '--port', '0', '--dir', t.dir], { signal: ac.signal, onOut: (s) => s.includes('Ctrl-C') && listening() });
      await ready;
      ac.abort();
      const r = await done;
      expect(r.code).toBe(0);
      const lines = r.stdout.split('\n');
      expect(lines[0]).toMatch(/^catalyst-tracing OTLP\/HTTP receiver listening on http:\/\/127\.0\.0\.1:\d+\/v1\/traces \(JSON or protobuf, gzip ok\)$/);
      expect(lines[1]).toMatch(new RegExp(`^writing spans to ${t.dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/.*\\.jsonl$`));
      expect(r.stdout).toMatch(/OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http:\/\/127\.0\.0\.1:\d+\/v1\/traces/);
      expect(r.stdout).toMatch(/CATALYST_OTLP_ENDPOINT=http:\/\/127\.0\.0\.1:\d+ node --import @catalyst\/tracing\/register app\.js/);
      expect(r.stdout).toMatch(/stopped; 0 spans written\n$/);
    } finally {
      t.cleanup();
    }
  });

  it('reports a port in use in one line', async () => {
    const r = await run(['serve', '--port', String(receiver.port), '--dir', store.dir]);
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(r.stderr).toBe(`catalyst-tracing: port ${receiver.port} on 127.0.0.1 is already in use (another receiver or collector?); pick one with --port\n`);
    expect(await run(['serve', '--port', '99999'])).toMatchObject({ code: 2, stderr: "catalyst-tracing: invalid --port '99999': use a number from 0 to 65535\n" });
  });
});
