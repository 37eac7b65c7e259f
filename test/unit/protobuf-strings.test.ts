import { afterEach, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { installFastProtobufStrings } from '../../src/export/protobuf-strings';
import { otlpEncoding } from '../../src/export/otlp-encoding';
// @ts-expect-error: the harness is plain JavaScript
import { decodeTraceRequestProto } from '../harness/otlp-proto.mjs';

// OTel's CommonJS build, a copy of its own: patched here and put back after each test.
const otlp = createRequire(__filename)('@opentelemetry/otlp-transformer/build/src/index.js');
const writerClass = createRequire(__filename)('@opentelemetry/otlp-transformer/build/src/common/protobuf/protobuf-writer.js').ProtobufWriter;
const estimatorClass = createRequire(__filename)('@opentelemetry/otlp-transformer/build/src/common/protobuf/protobuf-size-estimator.js').ProtobufSizeEstimator;
const originals = { writer: writerClass.prototype.writeString, estimator: estimatorClass.prototype.writeString };
afterEach(() => {
  writerClass.prototype.writeString = originals.writer;
  estimatorClass.prototype.writeString = originals.estimator;
});

/** Around the 24-unit switch, every UTF-8 width, surrogates paired and not, and lengths whose varint takes 1, 2 and 3 bytes. */
const TEXTS: Record<string, string> = {
  empty: '',
  short: 'gpt-4o',
  below: 'a'.repeat(23),
  at: 'a'.repeat(24),
  ascii: 'In one sentence, why would I trace the model calls of my Node.js app?'.repeat(3),
  latin: 'Ça coûte très peu, même à l’échelle. '.repeat(4),
  cjk: '追踪每一次模型调用。'.repeat(5),
  emoji: 'ok 👍🏽 done 🚀 '.repeat(4),
  loneHighAtEnd: `${'x'.repeat(30)}\ud83d`,
  loneHighBeforeText: `${'x'.repeat(30)}\ud83d then text`,
  loneLowBeforeCjk: `${'x'.repeat(30)}\ude00追踪 and on`,
  loneShort: 'a\ud83db',
  big: `${'{"role":"user","content":"'.repeat(700)}é`,
  bigger: 'z'.repeat(20_000),
};

async function spans(): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  const resource = resourceFromAttributes({ 'service.name': 'svc-é-追踪', 'deployment.note': TEXTS.latin });
  const provider = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(memory)] });
  const tracer = provider.getTracer('catalyst-test', '1.0.0');
  for (const [name, text] of Object.entries(TEXTS)) {
    const span = tracer.startSpan(`span ${name} ${text.slice(0, 40)}`, { attributes: { [`key.${name}.${'k'.repeat(name.length * 3)}`]: text, list: [text, 'x', TEXTS.cjk] } });
    span.addEvent(`event ${text}`, { detail: text });
    span.setStatus({ code: 2, message: text });
    span.end();
  }
  await provider.forceFlush();
  return memory.getFinishedSpans();
}

describe('installFastProtobufStrings', () => {
  it("writes the same bytes as OTel's own protobuf serializer", async () => {
    const batch = await spans();
    const before = Buffer.from(otlp.ProtobufTraceSerializer.serializeRequest(batch));
    expect(installFastProtobufStrings(writerClass.prototype, estimatorClass.prototype)).toBe(true);
    expect(writerClass.prototype.writeString).not.toBe(originals.writer);
    const after = Buffer.from(otlp.ProtobufTraceSerializer.serializeRequest(batch));
    expect(after.equals(before)).toBe(true);
    // And the bytes say what was meant: each text read back (a lone surrogate as U+FFFD, as TextEncoder writes it).
    const decoded = decodeTraceRequestProto(after).resourceSpans[0].scopeSpans[0].spans;
    expect(decoded).toHaveLength(Object.keys(TEXTS).length);
    Object.values(TEXTS).forEach((text, i) => {
      const value = decoded[i].attributes.find((a: { key: string }) => a.key.startsWith('key.')).value.stringValue;
      expect(value).toBe(Buffer.from(text, 'utf8').toString('utf8'));
    });
  });

  it('sizes the buffer exactly, so the writer never grows it', async () => {
    const batch = await spans();
    installFastProtobufStrings(writerClass.prototype, estimatorClass.prototype);
    const estimator = new estimatorClass();
    const writer = new writerClass(1);
    for (const text of Object.values(TEXTS)) {
      estimator.writeString(text);
      writer.writeString(text);
    }
    expect(writer.pos).toBe(estimator.pos);
    // The serializer allocates what the estimate says: a body that fills its whole buffer was never grown.
    const body = otlp.ProtobufTraceSerializer.serializeRequest(batch);
    expect(body.buffer.byteLength).toBe(body.length);
  });

  it('leaves a class of another shape as it is, and installs once', () => {
    const odd = { writeString() {} };
    expect(installFastProtobufStrings(odd, estimatorClass.prototype)).toBe(false);
    expect(estimatorClass.prototype.writeString).toBe(originals.estimator);
    expect(installFastProtobufStrings(writerClass.prototype, estimatorClass.prototype)).toBe(true);
    const patched = writerClass.prototype.writeString;
    expect(installFastProtobufStrings(writerClass.prototype, estimatorClass.prototype)).toBe(true);
    expect(writerClass.prototype.writeString).toBe(patched);
  });

  it("is what the exporter's protobuf encoding uses", async () => {
    const batch = await spans();
    const reference = Buffer.from(otlp.ProtobufTraceSerializer.serializeRequest(batch));
    const vendor = await import('../../src/export/otlp-vendor');
    expect(vendor.fastProtobufStrings).toBe(true);
    // The class it patched is the one its serializer writes with (one copy of OTel's files, not two).
    expect(writerClass.prototype.writeString).not.toBe(originals.writer);
    expect(Buffer.from(otlpEncoding('http/protobuf').serialize(batch)).equals(reference)).toBe(true);
  });
});
