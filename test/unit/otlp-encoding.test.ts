import { describe, expect, it } from 'vitest';
import { otlpEncoding } from '../../src/export/otlp-encoding';
// @ts-expect-error: the harness is plain JavaScript
import { decodeTraceRequestProto, encodeStatusProto, encodeTraceResponseProto } from '../harness/otlp-proto.mjs';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

const proto = otlpEncoding('http/protobuf');
const json = otlpEncoding('http/json');

describe('otlpEncoding', () => {
  it('serializes with the chosen encoding (protobuf read back by protobufjs)', async () => {
    const memory = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
    provider.getTracer('t').startSpan('llm', { attributes: { 'llm.model_name': 'gpt-4o' } }).end();
    await provider.forceFlush();
    const spans = memory.getFinishedSpans();
    expect(proto.contentType).toBe('application/x-protobuf');
    expect(json.contentType).toBe('application/json');
    const decoded = decodeTraceRequestProto(proto.serialize(spans));
    expect(decoded.resourceSpans[0].scopeSpans[0].spans[0]).toMatchObject({ name: 'llm', attributes: [{ key: 'llm.model_name', value: { stringValue: 'gpt-4o' } }] });
    expect(JSON.parse(Buffer.from(json.serialize(spans)).toString()).resourceSpans[0].scopeSpans[0].spans[0].name).toBe('llm');
  });

  it('reads partial_success in either encoding, whatever the request was', () => {
    const pb = encodeTraceResponseProto({ rejectedSpans: 3, errorMessage: 'too big' });
    const js = Buffer.from(JSON.stringify({ partialSuccess: { rejectedSpans: '3', errorMessage: 'too big' } }));
    const want = { rejectedSpans: 3, message: 'too big' };
    expect(proto.readAnswer({ status: 200, contentType: 'application/x-protobuf', body: pb })).toEqual(want);
    expect(proto.readAnswer({ status: 200, body: pb })).toEqual(want);
    // A JSON answer to a protobuf request, labelled or not.
    expect(proto.readAnswer({ status: 200, contentType: 'application/json; charset=utf-8', body: js })).toEqual(want);
    expect(proto.readAnswer({ status: 200, body: js })).toEqual(want);
    expect(json.readAnswer({ status: 200, contentType: 'application/json', body: js })).toEqual(want);
    expect(json.readAnswer({ status: 200, contentType: 'application/x-protobuf', body: pb })).toEqual(want);
    expect(json.readAnswer({ status: 200, body: Buffer.from('{"partial_success":{"rejected_spans":2}}') })).toEqual({ rejectedSpans: 2 });
    // Empty answers and warnings without rejections.
    expect(proto.readAnswer({ status: 200, contentType: 'application/x-protobuf', body: new Uint8Array(0) })).toEqual({});
    expect(proto.readAnswer({ status: 200, body: encodeTraceResponseProto({ rejectedSpans: 0, errorMessage: 'deprecated field' }) })).toEqual({ message: 'deprecated field' });
  });

  it('reads the message of an error body: google.rpc.Status in protobuf or JSON, plain text', () => {
    expect(proto.readAnswer({ status: 400, contentType: 'application/x-protobuf', body: encodeStatusProto(3, 'bad span') })).toEqual({ message: 'bad span' });
    expect(proto.readAnswer({ status: 400, contentType: 'application/json', body: Buffer.from('{"code":3,"message":"bad span"}') })).toEqual({ message: 'bad span' });
    expect(proto.readAnswer({ status: 415, contentType: 'application/json', body: Buffer.from('{"detail":"Unsupported content type: application/json"}') })).toEqual({ message: 'Unsupported content type: application/json' });
    expect(json.readAnswer({ status: 415, contentType: 'text/plain', body: Buffer.from('415 Unsupported content type: application/json\n') })).toEqual({ message: '415 Unsupported content type: application/json' });
    expect(json.readAnswer({ status: 502, contentType: 'text/html', body: Buffer.from('<html>bad gateway</html>') })).toEqual({});
  });

  it('never throws on a body it cannot read, and keeps what it prints to one safe, short line', () => {
    for (const body of [Buffer.from([0x0a, 0xff]), Buffer.from('{"partialSuccess":'), Buffer.from([0xff, 0xff, 0xff]), Buffer.from('null')]) {
      expect(() => proto.readAnswer({ status: 200, body })).not.toThrow();
      expect(() => proto.readAnswer({ status: 400, contentType: 'application/x-protobuf', body })).not.toThrow();
    }
    const said = proto.readAnswer({ status: 400, body: encodeStatusProto(3, `\u001b]0;title\u0007${'x'.repeat(500)}\n\u202eevil`) }).message!;
    expect(said).not.toMatch(/[\u0000-\u001f\u007f\u202e]/);
    expect(said.length).toBeLessThanOrEqual(200);
  });
});
