// What goes on the wire: binary OTLP protobuf by default (the OTel exporter
// default, and the only encoding some receivers such as Arize Phoenix take),
// OTLP JSON when asked for; in every export path (batches, the synchronous
// send at exit, gzip), decoded here by protobufjs, not by the code under test.
// And the endpoint's answers read as OTLP/HTTP says: partial_success counted
// and reported once, error bodies' messages shown.
import { describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { decodeTraceRequestProto } from '../harness/otlp-proto.mjs';
import { agentLines, appStdout, limit, lineOf, runScript } from './helpers.mjs';
import { reliabilitySuite } from './suite.mjs';

const suite = reliabilitySuite('encoding');
const collector = () => suite.collector();

const two = limit(2);
const content = (/** @type {any} */ s) => String(s.attributes['llm.input_messages.0.message.content'] ?? '');
const PROTO = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

/**
 * Every request had this content type, and its body really is that encoding:
 * a protobuf body parses with protobufjs and is not JSON text.
 * @param {Awaited<ReturnType<typeof suite.collector>>} c @param {string} type
 */
function expectEncoding(c, type) {
  expect(c.requests.length).toBeGreaterThan(0);
  for (const r of c.requests) {
    expect(r.contentType).toBe(type);
    expect(r.error).toBeUndefined();
    const body = r.headers['content-encoding'] === 'gzip' ? gunzipSync(r.body) : r.body;
    if (type === PROTO) {
      expect(body[0]).not.toBe(0x7b);
      expect(decodeTraceRequestProto(body).resourceSpans.length).toBeGreaterThan(0);
    } else {
      expect(JSON.parse(body.toString('utf8')).resourceSpans.length).toBeGreaterThan(0);
    }
  }
}

describe.concurrent('the encoding on the wire', () => {
  it.each([
    ['CJS app, --require, default', 'script.cjs', 'require', {}, PROTO],
    ['CJS app, --import, default', 'script.cjs', 'import', {}, PROTO],
    ['ESM app, --import, default', 'encoding.mjs', 'import', {}, PROTO],
    ['CJS app, OTEL_EXPORTER_OTLP_PROTOCOL=http/json', 'script.cjs', 'require', { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, JSON_TYPE],
    ['ESM app, OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/json', 'encoding.mjs', 'import', { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' }, JSON_TYPE],
    ['the traces variable before the general one', 'script.cjs', 'require', { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, PROTO],
    ['gzip, protobuf', 'script.cjs', 'require', { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' }, PROTO],
    ['gzip, JSON', 'encoding.mjs', 'import', { OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'gzip', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, JSON_TYPE],
    ['process.exit (the synchronous send), protobuf', 'script.cjs', 'require', { EXIT_MODE: 'exit', EXIT_CODE: '0' }, PROTO],
    ['process.exit (the synchronous send), JSON', 'encoding.mjs', 'import', { EXIT_MODE: 'exit', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, JSON_TYPE],
  ])('%s', (_label, app, preload, env, type) => two(async () => {
    const c = await collector();
    const r = await runScript(suite.dist, app, { preload: /** @type {any} */ (preload), env: { FAKE_BASE_URL: suite.provider.url, CATALYST_OTLP_ENDPOINT: c.url, ...env } });
    expect([r.code, r.stderr]).toEqual([0, '']);
    const expected = app === 'script.cjs' ? 4 : 2;
    await c.waitForSpans(expected, 3000);
    expect(c.spans).toHaveLength(expected);
    expect(c.spans.every((s) => s.attributes['openinference.span.kind'] === 'LLM' && content(s).endsWith('Capital of France?'))).toBe(true);
    expectEncoding(c, type);
    if (env.OTEL_EXPORTER_OTLP_COMPRESSION || env.OTEL_EXPORTER_OTLP_TRACES_COMPRESSION) expect(c.requests.every((q) => q.headers['content-encoding'] === 'gzip')).toBe(true);
    // The exit path: the script had no time for the scheduled export (1 s), so the spans left synchronously at exit.
    if (env.EXIT_MODE === 'exit') expect(c.requests).toHaveLength(1);
  }));

  it.each([
    ['setup({ protocol }) before the variables', 'http/json', { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' }, JSON_TYPE],
    ['setup({ protocol: "http/protobuf" })', 'http/protobuf', { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, PROTO],
  ])('%s', (_label, protocol, env, type) => two(async () => {
    const c = await collector();
    const r = await runScript(suite.dist, 'encoding.mjs', { preload: 'none', env: { FAKE_BASE_URL: suite.provider.url, CATALYST_OTLP_ENDPOINT: c.url, SETUP_PROTOCOL: protocol, ...env } });
    expect([r.code, r.stderr]).toEqual([0, '']);
    await c.waitForSpans(2, 3000);
    expectEncoding(c, type);
  }));

  it('grpc: one clear line, and protobuf over HTTP is sent', () => two(async () => {
    const c = await collector();
    const r = await runScript(suite.dist, 'script.cjs', { env: { FAKE_BASE_URL: suite.provider.url, CATALYST_OTLP_ENDPOINT: c.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' } });
    expect(r.code).toBe(0);
    expect(r.agent).toEqual([expect.stringMatching(/OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported: spans are sent as OTLP\/HTTP \(protobuf\).*4318/)]);
    await c.waitForSpans(4, 3000);
    expectEncoding(c, PROTO);
  }));
});

describe.concurrent("the endpoint's answers", () => {
  it.each([
    ['protobuf', {}],
    ['JSON', { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }],
  ])('a partial success (%s) is counted and reported once, in the endpoint\'s words', (_label, env) => two(async () => {
    const c = await collector();
    c.setBehavior({ partialSuccess: { rejectedSpans: 2, errorMessage: 'span name too long\u001b[31m' } });
    // Several batches (rounds 300 ms apart, batches every 50 ms), the last at exit: still one line.
    const r = await runScript(suite.dist, 'before-exit.cjs', { env: { FAKE_BASE_URL: suite.provider.url, CATALYST_OTLP_ENDPOINT: c.url, OTEL_BSP_SCHEDULE_DELAY: '50', ROUNDS: '3', ROUND_DELAY_MS: '300', ...env } });
    expect(r.code).toBe(0);
    await c.waitForSpans(3, 3000);
    expect(c.requests.length).toBeGreaterThan(1);
    // The first batch may hold one span only (the 50 ms delay): no more than it held is counted.
    expect(r.agent).toEqual([expect.stringMatching(/rejected [12] span\(s\) of a batch it accepted \(partial success\).*The endpoint said: "span name too long \[31m"$/)]);
  }));

  it.each([
    ['a protobuf google.rpc.Status', { status: 400, answer: 'protobuf' }, {}, /rejected a batch \(HTTP 400\).*The endpoint said: "collector configured to answer 400"( At exit: \d+ span\(s\) failed to export\.)?$/],
    ['a JSON Status to a protobuf request', { status: 400, answer: 'json' }, {}, /rejected a batch \(HTTP 400\).*The endpoint said: "collector configured to answer 400"( At exit: \d+ span\(s\) failed to export\.)?$/],
    ['a JSON Status to a JSON request', { status: 400, answer: 'json' }, { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, /rejected a batch \(HTTP 400\).*The endpoint said: "collector configured to answer 400"( At exit: \d+ span\(s\) failed to export\.)?$/],
    ['a plain-text 415 (what a protobuf-only receiver says to JSON)', { status: 415, answer: 'text' }, { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, /does not take this encoding \(HTTP 415\); OTEL_EXPORTER_OTLP_PROTOCOL chooses http\/protobuf \(the default\) or http\/json.*The endpoint said: "415 collector configured to answer 415"( At exit: \d+ span\(s\) failed to export\.)?$/],
  ])('an error answer, %s: its message in the one warning', (_label, behavior, env, line) => two(async () => {
    const c = await collector();
    c.setBehavior(/** @type {any} */ (behavior));
    const r = await runScript(suite.dist, 'script.cjs', { env: { FAKE_BASE_URL: suite.provider.url, CATALYST_OTLP_ENDPOINT: c.url, ...env } });
    expect(r.code).toBe(0);
    expect(appStdout(r.stdout)).toMatch(/^RESULT /);
    expect(agentLines(r.stderr)).toEqual([expect.stringMatching(line)]);
  }));

  it('a partial success answered at exit (the synchronous send) is reported too', () => two(async () => {
    const c = await collector();
    c.setBehavior({ partialSuccess: { rejectedSpans: 1, errorMessage: 'one bad span' } });
    const r = await runScript(suite.dist, 'script.cjs', { env: { FAKE_BASE_URL: suite.provider.url, CATALYST_OTLP_ENDPOINT: c.url, EXIT_MODE: 'exit', EXIT_CODE: '0' } });
    expect(r.code).toBe(0);
    await c.waitForSpans(4, 3000);
    expect(r.agent).toEqual([expect.stringMatching(/rejected 1 span\(s\).*The endpoint said: "one bad span"$/)]);
  }));
});

describe('start-up', () => {
  it('loads the serializers at the first export, not at start-up', () => two(async () => {
    const c = await collector();
    const r = await runScript(suite.dist, 'lazy-vendor.cjs', { env: { CATALYST_OTLP_ENDPOINT: c.url } });
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(lineOf(r.stdout, 'LOADED')).toEqual({ atStart: false, afterSpan: false, afterExport: true });
    expectEncoding(c, PROTO);
  }));
});
