// The serve receiver's hand-written protobuf decoder against an independent
// encoder: protobufjs with the published OTLP schema (test/harness/otlp-proto.mjs).
// Random and real ExportTraceServiceRequests must decode to the spans an
// independent reading of the same request gives; truncated or corrupted bodies
// must be a 400 with a message, never a crash (500) or a hang.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
// @ts-expect-error: the harness is plain JavaScript
import { encodeTraceRequestProto } from '../harness/otlp-proto.mjs';
import { decodeProtoRequest, ProtoError } from '../../src/cli/serve/otlp-proto';
import { startReceiver, type Receiver } from '../../src/cli/serve/receiver';
import { tempDir } from './helpers/run';

/** A small seeded PRNG (mulberry32): a failure names its seed and replays. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Pb = Record<string, unknown>;
type Expected = Record<string, unknown>;

/** Random values of every AnyValue kind, with what a reader of OTLP makes of each (stored form). */
function generator(seed: number) {
  const r = rng(seed);
  const int = (n: number): number => Math.floor(r() * n);
  const pick = <T>(xs: T[]): T => xs[int(xs.length)]!;
  const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => int(256));
  const text = (): string => pick(['', 'a', 'Capital of France?', 'ünïcødé ✓ 😀', 'x'.repeat(int(300)), '{"json":"inside"}', 'line\nbreak\ttab', String(r())]);
  const nonZero = (n: number): Uint8Array => {
    const b = bytes(n);
    b[0] = b[0]! | 1;
    return b;
  };
  const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

  /** [protobufjs AnyValue, plain value as JSON would hold it]. */
  function anyValue(depth: number): [Pb, unknown] {
    const kind = depth > 2 ? int(5) : int(8);
    switch (kind) {
      case 0: {
        const s = text();
        return [{ stringValue: s }, s];
      }
      case 1: {
        const b = r() < 0.5;
        return [{ boolValue: b }, b];
      }
      case 2: {
        const big = r() < 0.3;
        const v = big ? BigInt(Number.MAX_SAFE_INTEGER) + BigInt(int(1e6) + 1) : BigInt(int(2_000_000) - 1_000_000);
        const sign = big && r() < 0.5 ? -1n : 1n;
        const value = v * sign;
        return [{ intValue: value.toString() }, value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString()];
      }
      case 3: {
        const d = pick([0.25, -1.5, 1e300, 3.141592653589793, r() * 1000]);
        return [{ doubleValue: d }, d];
      }
      case 4: {
        const b = bytes(int(20));
        return [{ bytesValue: b }, Buffer.from(b).toString('base64')];
      }
      case 5: {
        const items = Array.from({ length: int(4) }, () => anyValue(depth + 1));
        return [{ arrayValue: { values: items.map((i) => i[0]) } }, items.map((i) => i[1])];
      }
      default: {
        const pairs = Array.from({ length: int(3) }, (_, i) => [`k${i}`, anyValue(depth + 1)] as const);
        return [{ kvlistValue: { values: pairs.map(([k, v]) => ({ key: k, value: v[0] })) } }, Object.fromEntries(pairs.map(([k, v]) => [k, v[1]]))];
      }
    }
  }

  /** A stored attribute value: scalars and flat arrays of scalars as they are, anything nested as JSON text. */
  const stored = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object')) return v;
    return JSON.stringify(v);
  };

  function attributes(n: number): [Pb[], Record<string, unknown>] {
    const pb: Pb[] = [];
    const plain: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      const key = pick(['llm.model_name', 'input.value', 'openinference.span.kind', `attr.${i}`, `attr.${int(3)}`]);
      const [value, v] = anyValue(0);
      pb.push({ key, value });
      plain[key] = stored(v);
    }
    return [pb, plain];
  }

  const nanos = (): bigint => 1_748_768_400_000_000_000n + BigInt(int(1e9)) * 1000n + BigInt(int(1000));
  const ms = (n: bigint): number => Number(n / 1000n) / 1000;
  const KINDS = ['INTERNAL', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
  const CODES = ['UNSET', 'OK', 'ERROR'];

  /** A request and the spans it holds. */
  function requestOf(): { request: Pb; spans: Expected[] } {
    const spans: Expected[] = [];
    const resourceSpans: Pb[] = [];
    for (let ri = 0; ri < 1 + int(3); ri++) {
      const [resAttrs, resource] = attributes(int(4));
      const scopeSpans: Pb[] = [];
      for (let si = 0; si < 1 + int(3); si++) {
        const scope = { name: pick(['', 'openinference', '@catalyst/tracing']), version: pick(['', '1.2.3']) };
        const pbSpans: Pb[] = [];
        for (let k = 0; k < int(5); k++) {
          const traceId = nonZero(16);
          const spanId = nonZero(8);
          const parent = r() < 0.6 ? nonZero(8) : undefined;
          const [attrs, plain] = attributes(int(6));
          const start = nanos();
          const end = start + BigInt(int(1e9));
          const kind = int(7);
          const code = int(3);
          const message = r() < 0.4 ? text() : '';
          const events = Array.from({ length: int(3) }, () => {
            const [ea, ep] = attributes(int(3));
            const t = nanos();
            return { pb: { timeUnixNano: t.toString(), name: pick(['first_token', 'exception', '']), attributes: ea }, t, ep };
          });
          pbSpans.push({
            traceId,
            spanId,
            ...(parent ? { parentSpanId: parent } : {}),
            name: text(),
            kind,
            startTimeUnixNano: start.toString(),
            endTimeUnixNano: end.toString(),
            attributes: attrs,
            events: events.map((e) => e.pb),
            // Fields the receiver does not store: still on the wire, and skipped.
            traceState: r() < 0.3 ? 'vendor=x' : '',
            flags: int(0x300),
            droppedAttributesCount: int(3),
            links: r() < 0.3 ? [{ traceId: nonZero(16), spanId: nonZero(8), attributes: attributes(2)[0], flags: 1 }] : [],
            status: { code, message },
          });
          spans.push({
            traceId: hex(traceId),
            spanId: hex(spanId),
            ...(parent ? { parentSpanId: hex(parent) } : {}),
            name: pbSpans.at(-1)!.name,
            kind: KINDS[kind] ?? 'INTERNAL',
            startTime: ms(start),
            endTime: ms(end),
            status: { code: CODES[code], ...(message ? { message } : {}) },
            attributes: plain,
            ...(events.length ? { events: events.map((e) => ({ name: e.pb.name, time: ms(e.t), ...(Object.keys(e.ep).length ? { attributes: e.ep } : {}) })) } : {}),
            resource,
            scope: { name: scope.name, ...(scope.version ? { version: scope.version } : {}) },
          });
        }
        scopeSpans.push({ scope, spans: pbSpans, schemaUrl: r() < 0.2 ? 'https://opentelemetry.io/schemas/1.24.0' : '' });
      }
      resourceSpans.push({ resource: { attributes: resAttrs, droppedAttributesCount: 0 }, scopeSpans });
    }
    return { request: { resourceSpans }, spans };
  }
  return { requestOf, int };
}

const byId = (spans: Array<{ spanId: string }>) => [...spans].sort((a, b) => (a.spanId < b.spanId ? -1 : 1));

describe('the serve protobuf decoder against protobufjs', () => {
  it('decodes 300 random ExportTraceServiceRequests to the same spans', () => {
    let total = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const { request: req, spans } = generator(seed).requestOf();
      const body = Buffer.from(encodeTraceRequestProto(req));
      const out = decodeProtoRequest(body);
      expect(out.rejected, `seed ${seed}`).toBe(0);
      expect(byId(out.spans), `seed ${seed}`).toEqual(byId(spans as Array<{ spanId: string }>));
      total += spans.length;
    }
    expect(total).toBeGreaterThan(1000);
  });

  it('decodes a real request (OpenInference spans from the OTel SDK) to the same spans', async () => {
    const memory = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'diff-test' }), spanProcessors: [new SimpleSpanProcessor(memory)] });
    const tracer = provider.getTracer('openinference', '1.0.0');
    const root = tracer.startSpan('agent', { kind: SpanKind.SERVER, attributes: { 'openinference.span.kind': 'AGENT', 'session.id': 's-1' } });
    const llm = tracer.startSpan(
      'ChatCompletion',
      { kind: SpanKind.CLIENT, attributes: { 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o', 'llm.token_count.prompt': 12, 'llm.temperature': 0.5, 'llm.stream': true, 'tag.tags': ['a', 'b'], 'input.value': '{"messages":[{"role":"user","content":"Hi ✓"}]}' } },
      trace.setSpan(context.active(), root),
    );
    llm.addEvent('first_token', { 'chunk.index': 0 });
    llm.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
    llm.end();
    root.end();
    await provider.forceFlush();
    // OTel's own JSON for the request, its ids made bytes again, encoded by protobufjs.
    const json = JSON.parse(Buffer.from(JsonTraceSerializer.serializeRequest(memory.getFinishedSpans())!).toString('utf8'));
    for (const rs of json.resourceSpans) for (const ss of rs.scopeSpans) for (const s of ss.spans) {
      for (const k of ['traceId', 'spanId', 'parentSpanId']) if (s[k]) s[k] = Buffer.from(s[k], 'hex');
    }
    const out = decodeProtoRequest(Buffer.from(encodeTraceRequestProto(json)));
    const want = (s: typeof root, parent?: string) => ({ traceId: s.spanContext().traceId, spanId: s.spanContext().spanId, ...(parent ? { parentSpanId: parent } : {}) });
    expect(out.spans.find((s) => s.name === 'ChatCompletion')).toMatchObject({
      ...want(llm, root.spanContext().spanId),
      kind: 'CLIENT',
      status: { code: 'ERROR', message: 'boom' },
      attributes: { 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o', 'llm.token_count.prompt': 12, 'llm.temperature': 0.5, 'llm.stream': true, 'tag.tags': ['a', 'b'], 'input.value': '{"messages":[{"role":"user","content":"Hi ✓"}]}' },
      events: [{ name: 'first_token', attributes: { 'chunk.index': 0 } }],
      resource: { 'service.name': 'diff-test' },
      scope: { name: 'openinference', version: '1.0.0' },
    });
    expect(out.spans.find((s) => s.name === 'agent')).toMatchObject({ ...want(root), kind: 'SERVER', attributes: { 'session.id': 's-1' } });
    expect(out.spans.find((s) => s.name === 'agent')?.parentSpanId).toBeUndefined();
  });

  it('truncated or corrupted bodies: a ProtoError or spans, never another error', () => {
    let refused = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const g = generator(seed);
      const body = Buffer.from(encodeTraceRequestProto(g.requestOf().request));
      if (body.length < 2) continue;
      const variants = [body.subarray(0, g.int(body.length)), Buffer.from(body)];
      for (let i = 0; i < 1 + g.int(4); i++) variants[1]![g.int(body.length)] = g.int(256);
      for (const v of variants) {
        try {
          decodeProtoRequest(v);
        } catch (error) {
          expect(error, `seed ${seed}`).toBeInstanceOf(ProtoError);
          refused++;
        }
      }
    }
    expect(refused).toBeGreaterThan(50);
  });
});

describe('the serve receiver with damaged protobuf bodies', () => {
  let receiver: Receiver;
  let store: { dir: string; cleanup: () => void };
  beforeAll(async () => {
    store = tempDir('catalyst-serve-diff-');
    receiver = await startReceiver({ dir: store.dir, port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await receiver.close();
    store.cleanup();
  });

  const post = (body: Buffer): Promise<{ status: number; type: string; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const req = request(receiver.tracesUrl, { method: 'POST', headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length }, timeout: 5000 }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (p: Buffer) => parts.push(p));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: Buffer.concat(parts) }));
      });
      req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
      req.on('error', reject);
      req.end(body);
    });

  it('answers 200 or a 400 with a google.rpc.Status message, and keeps serving', async () => {
    const statuses = new Set<number>();
    for (let seed = 1; seed <= 60; seed++) {
      const g = generator(seed);
      const body = Buffer.from(encodeTraceRequestProto(g.requestOf().request));
      const damaged = seed % 2 ? body.subarray(0, g.int(body.length)) : Buffer.from(body).fill(g.int(256), g.int(body.length), g.int(body.length) + 3);
      const res = await post(damaged);
      statuses.add(res.status);
      expect([200, 400], `seed ${seed}`).toContain(res.status);
      expect(res.type).toBe('application/x-protobuf');
      // 400: a Status whose message (field 2) says what is wrong.
      if (res.status === 400) expect(res.body.toString('utf8')).toMatch(/not a valid ExportTraceServiceRequest|nested deeper/);
    }
    expect(statuses.has(400)).toBe(true);
    const ok = await post(Buffer.from(encodeTraceRequestProto(generator(7).requestOf().request)));
    expect(ok.status).toBe(200);
  });
});
