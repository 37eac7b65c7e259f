// Bad input: garbage in every configuration variable, awkward values
// handed to the span API, provider answers of unexpected shape, and an SDK whose
// shape drifted. The app always runs as it would without the agent; the agent
// says what is wrong in one line per variable, encodes what it can, caps sizes,
// and still ends every span with what it knew.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider } from '../harness/fake-provider.mjs';
import { startCollector } from '../harness/collector.mjs';
import { APPS, ROOT, appStdout, buildDist, limit, lineOf, runScript, startSizeLimitedCollector, waitFor } from './helpers.mjs';

/** @type {string} */
let DIST;
/** @type {Awaited<ReturnType<typeof startFakeProvider>>} */
let provider;
/** @type {Awaited<ReturnType<typeof startFakeProvider>>} */
let shapes;
/** @type {Awaited<ReturnType<typeof startCollector>>[]} */
const collectors = [];
const TMP = mkdtempSync(join(tmpdir(), 'catalyst-bad-input-'));

beforeAll(async () => {
  DIST = buildDist('bad-input');
  provider = await startFakeProvider();
  shapes = await startFakeProvider({ fixturesDir: join(ROOT, 'test/reliability/fixtures') });
});
afterAll(async () => {
  await Promise.all(collectors.map((c) => c.close()));
  await provider?.close();
  await shapes?.close();
  rmSync(TMP, { recursive: true, force: true });
});

async function collector() {
  const c = await startCollector();
  collectors.push(c);
  return c;
}

// ---------------------------------------------------------------------------
// Configuration

const BOOLS = [
  'CATALYST_DISABLED',
  'OTEL_SDK_DISABLED',
  'CATALYST_DEBUG',
  'CATALYST_REDACT_CONTENT',
  'CATALYST_TRACE_WORKERS',
  'OPENINFERENCE_HIDE_INPUTS',
  'OPENINFERENCE_HIDE_OUTPUTS',
  'OPENINFERENCE_HIDE_INPUT_MESSAGES',
  'OPENINFERENCE_HIDE_OUTPUT_MESSAGES',
  'OPENINFERENCE_HIDE_INPUT_IMAGES',
  'OPENINFERENCE_HIDE_INPUT_TEXT',
  'OPENINFERENCE_HIDE_OUTPUT_TEXT',
];
const NUMBERS = ['CATALYST_FLUSH_TIMEOUT_MS', 'CATALYST_MAX_QUEUE_SIZE', 'CATALYST_MAX_QUEUE_MB', 'CATALYST_STORE_MAX_MB', 'CATALYST_MAX_ATTRIBUTE_LENGTH', 'OPENINFERENCE_BASE64_IMAGE_MAX_LENGTH', 'OTEL_BSP_SCHEDULE_DELAY'];
const LISTS = ['CATALYST_INSTRUMENTATIONS', 'CATALYST_DISABLED_INSTRUMENTATIONS'];
const STRINGS = ['CATALYST_SERVICE_NAME', 'SERVICE_NAME', 'CATALYST_SERVICE_VERSION', 'CATALYST_TRACES_DIR', 'CATALYST_OTLP_TOKEN', 'OTLP_INGEST_TOKEN'];
const OTEL = [
  'OTEL_SERVICE_NAME',
  'OTEL_RESOURCE_ATTRIBUTES',
  'OTEL_EXPORTER_OTLP_HEADERS',
  'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
  'OTEL_EXPORTER_OTLP_TIMEOUT',
  'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT',
  'OTEL_EXPORTER_OTLP_COMPRESSION',
  'OTEL_EXPORTER_OTLP_PROTOCOL',
  'OTEL_EXPORTER_OTLP_CERTIFICATE',
  'OTEL_EXPORTER_OTLP_CLIENT_KEY',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
];
const ENDPOINTS = ['CATALYST_OTLP_ENDPOINT', 'OTLP_ENDPOINT'];
const ALL = [...BOOLS, ...NUMBERS, ...LISTS, ...STRINGS, ...OTEL, ...ENDPOINTS];

/** @param {string[]} names @param {string} value */
const each = (names, value) => Object.fromEntries(names.map((n) => [n, value]));

/**
 * Each run sets many variables to garbage at once (they are independent), and
 * lists the ones that must be reported. A variable behind a higher-precedence
 * one (OTLP_ENDPOINT behind CATALYST_OTLP_ENDPOINT...) is never read, so each
 * endpoint variable gets a run where it is the one in charge.
 * @type {Array<[string, Record<string, string>, string[]]>}
 */
const RUNS = [
  // Blank OTEL_* variables are "unset" by the OTel spec, so they are not reported; blank ones of ours are.
  ['empty', each(ALL, ''), ALL.filter((n) => !n.startsWith('OTEL_'))],
  ['whitespace', each(ALL, '   '), ALL.filter((n) => !n.startsWith('OTEL_'))],
  [
    'wrong type',
    {
      ...each(BOOLS, 'maybe'),
      ...each(NUMBERS, 'many'),
      ...each(LISTS, 'nope'),
      OTEL_EXPORTER_OTLP_TIMEOUT: 'soon',
      OTEL_RESOURCE_ATTRIBUTES: 'not-a-pair',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-secret-header-value-without-equals',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'zip',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'carrier-pigeon',
      OTEL_EXPORTER_OTLP_CERTIFICATE: '/nonexistent/ca.pem',
      CATALYST_OTLP_TOKEN: 'token-with\nline-break',
      // A URL without a scheme.
      CATALYST_OTLP_ENDPOINT: 'localhost:4318',
      CATALYST_TRACES_DIR: '/dev/null/not-a-dir',
    },
    [...BOOLS, ...NUMBERS, ...LISTS, 'OTEL_EXPORTER_OTLP_TIMEOUT', 'OTEL_RESOURCE_ATTRIBUTES', 'OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_COMPRESSION', 'OTEL_EXPORTER_OTLP_PROTOCOL', 'OTEL_EXPORTER_OTLP_CERTIFICATE', 'CATALYST_OTLP_TOKEN', 'CATALYST_OTLP_ENDPOINT', 'CATALYST_TRACES_DIR'],
  ],
  [
    'negative numbers, an unknown protocol',
    {
      ...each(NUMBERS, '-5'),
      OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '-1',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'authorization=%zz',
      OTEL_EXPORTER_OTLP_CLIENT_KEY: '/nonexistent/key.pem',
      OTLP_ENDPOINT: 'ftp://collector:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    },
    [...NUMBERS, 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS', 'OTEL_EXPORTER_OTLP_CLIENT_KEY', 'OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_PROTOCOL'],
  ],
  ['numbers too large', { ...each(NUMBERS.slice(0, 3), '99999999999'), OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'not a url' }, [...NUMBERS.slice(0, 3), 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']],
  ['an OTel endpoint without a scheme', { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector.internal:4318/' }, ['OTEL_EXPORTER_OTLP_ENDPOINT']],
];

/** The app without the agent, once for all runs. @type {Promise<Awaited<ReturnType<typeof runScript>>> | undefined} */
let configBaseline;

describe.concurrent('configuration variables given garbage', () => {
  const two = limit(2);
  it.each(RUNS)('%s: one clear line per variable, naming it; the app runs as without the agent', (_label, garbage, reported) => two(async () => {
    const home = join(TMP, `home-${_label.replace(/\W+/g, '-')}`);
    mkdirSync(home, { recursive: true });
    const env = { FAKE_BASE_URL: provider.url, CALLS: '1', STREAM: '0', HOME: home };
    const base = await (configBaseline ??= runScript(DIST, 'script.cjs', { preload: 'none', env }));
    const r = await runScript(DIST, 'script.cjs', { env: { ...env, ...garbage } });
    expect(r.code, r.stderr).toBe(0);
    expect(appStdout(r.stdout)).toBe(appStdout(base.stdout));
    const lines = r.agent.map((l) => l.replace('[catalyst-tracing] ', ''));
    // The line about a variable starts with its name (the store's line names its folder variable).
    const about = (/** @type {string} */ name) => lines.filter((l) => l.startsWith(`${name}=`) || l.startsWith(`${name} `) || (name === 'CATALYST_TRACES_DIR' && l.includes('CATALYST_TRACES_DIR')));
    for (const name of reported) expect(about(name), `${name} in:\n${lines.join('\n')}`).toHaveLength(1);
    for (const name of Object.keys(garbage).filter((n) => !reported.includes(n))) expect(about(name), `${name} in:\n${lines.join('\n')}`).toHaveLength(0);
    // Nothing else is said, and nothing secret is echoed.
    for (const line of lines) expect(reported.some((n) => line.includes(n)), line).toBe(true);
    expect(lines.length).toBe(new Set(lines).size);
    expect(r.stderr).not.toContain('x-secret-header-value');
    expect(r.stderr).not.toContain('line-break');
  }));
});

// ---------------------------------------------------------------------------
// Values handed to the span API

describe('values handed to the span API', () => {
  /** @type {Awaited<ReturnType<typeof runScript>>} */
  let r;
  /** @type {any[]} */
  let spans;
  /** @type {Awaited<ReturnType<typeof collector>>} */
  let c;
  beforeAll(async () => {
    c = await collector();
    // 140 spans of many 64 KB values make ~18 MB to send at exit: more than the default 1.5 s budget on a slow machine.
    r = await runScript(DIST, 'span-values.cjs', { env: { CATALYST_OTLP_ENDPOINT: c.url, CATALYST_FLUSH_TIMEOUT_MS: '15000' }, timeoutMs: 60_000 });
    const { values } = lineOf(r.stdout, 'RESULT');
    // Per value: an agent span, a manual span, a kind span, a name span, a context span.
    spans = await c.waitForSpans(values.length * 5, 10_000);
  }, 90_000);

  /** @param {string} name */
  const span = (name) => {
    const s = spans.find((x) => x.name === name);
    if (!s) throw new Error(`no span ${name} in ${spans.map((x) => x.name).join(', ')}`);
    return s;
  };

  it('never throws into the app, and says nothing on stderr', () => {
    expect(r.code, r.stderr).toBe(0);
    expect(lineOf(r.stdout, 'RESULT').errors).toEqual([]);
    expect(r.stderr).toBe('');
  });

  it('encodes each kind of value sensibly', () => {
    const input = (/** @type {string} */ name) => span(`agent-${name}`).attributes['input.value'];
    expect(input('bigint')).toBe('12345678901234567890');
    expect(input('date')).toBe('2025-01-02T03:04:05.678Z');
    expect(input('invalidDate')).toBe('Invalid Date');
    expect(JSON.parse(input('map'))).toEqual({ a: 1, '{"k":1}': 'object key' });
    expect(JSON.parse(input('set'))).toEqual([1, 'two']);
    expect(input('buffer')).toBe('[Buffer 27 bytes]');
    expect(input('uint8')).toBe('[Uint8Array 16 bytes]');
    expect(input('float64')).toBe('[Float64Array 16 bytes]');
    expect(input('arrayBuffer')).toBe('[ArrayBuffer 8 bytes]');
    expect(input('symbol')).toBe('Symbol(sym)');
    expect(input('fn')).toBe('[Function namedFn]');
    expect(input('nan')).toBe('NaN');
    expect(input('inf')).toBe('-Infinity');
    expect(JSON.parse(input('circular'))).toEqual({ name: 'loop', list: ['[Circular]'], self: '[Circular]' });
    expect(JSON.parse(input('error'))).toEqual({ name: 'Error', message: 'an error value' });
    expect(JSON.parse(input('classInstance'))).toEqual({ x: 1 });
    expect(input('revoked')).toMatch(/^\[(unserializable|unreadable value): .*revoked/);
    expect(input('throwingGetter')).toBe('[unserializable: getter says no]');
    expect(input('throwingToJSON')).toBe('[unserializable: toJSON says no]');
    expect(input('deep')).toMatch(/^\[unserializable: Maximum call stack/);
    expect(span('agent-undef').attributes['input.value']).toBeUndefined();
    expect(span('agent-nul').attributes['input.value']).toBe('null');
    // Identity values are encoded the same way and reach the children.
    expect(span('agent-date').attributes['session.id']).toBe('2025-01-02T03:04:05.678Z');
    expect(span('manual-date').attributes['session.id']).toBe('2025-01-02T03:04:05.678Z');
    expect(span('ctx-bigint').attributes['user.id']).toBe('12345678901234567890');
    // A span name is always text.
    expect(spans.find((s) => s.attributes.metadata === '{"which":"name-symbol"}')?.name).toBe('Symbol(sym)');
    expect(spans.find((s) => s.attributes.metadata === '{"which":"name-bigint"}')?.name).toBe('12345678901234567890');
    expect(spans.every((s) => typeof s.name === 'string' && s.name.length <= 1025)).toBe(true);
    // (A boolean, so a failure does not print megabytes of spans.)
    expect(JSON.stringify(spans).includes('buffer-contents-never-shown')).toBe(false);
    expect(spans.find((s) => s.attributes.metadata === '{"which":"name-buffer"}')?.name).toBe('[Buffer 27 bytes]');
    // A kind that is not text falls back to CHAIN.
    expect(span('kind-classInstance').attributes['openinference.span.kind']).toBe('CHAIN');
  });

  it('caps sizes: 50 MB strings, strings inside objects and arrays, million-element arrays', () => {
    const cap = 64 * 1024;
    const limit = cap + 40; // the "…[truncated N chars]" marker
    for (const s of spans) {
      for (const [k, v] of Object.entries(s.attributes)) {
        if (typeof v === 'string') expect(v.length, `${s.name} ${k}`).toBeLessThanOrEqual(limit);
        if (Array.isArray(v)) expect(v.map(String).join('').length, `${s.name} ${k}`).toBeLessThanOrEqual(limit);
      }
    }
    expect(span('agent-big').attributes['input.value']).toMatch(/…\[truncated 52363264 chars\]$/);
    expect(span('agent-bigInObject').attributes['input.value']).toMatch(/^\{"text":"x{100}/);
    const arr = span('agent-bigInArray').attributes['test.value.bigInArray'];
    expect(arr).toHaveLength(1);
    expect(arr[0]).toMatch(/…\[truncated \d+ chars\]$/);
    expect(span('agent-hugeArray').attributes['test.value.hugeArray']).toHaveLength(cap / 8);
    // The whole export stayed small: 140 spans with 50 MB values went out in a few MB.
    const bytes = c.requests.reduce((n, q) => n + q.bytes, 0);
    expect(bytes).toBeLessThan(40 * 1024 * 1024);
  });
});

describe('a batch too large for the endpoint', () => {
  it('is split until its parts fit (HTTP 413), not dropped', async () => {
    const limited = await startSizeLimitedCollector(3 * 1024 * 1024);
    try {
      const r = await runScript(DIST, 'span-values.cjs', { env: { CATALYST_OTLP_ENDPOINT: limited.url, CATALYST_FLUSH_TIMEOUT_MS: '15000' }, timeoutMs: 60_000 });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
      const { values } = lineOf(r.stdout, 'RESULT');
      await waitFor(() => limited.spans.length >= values.length * 5, 10_000, 'every span');
      expect(limited.spans).toHaveLength(values.length * 5);
      // Bodies over 4 MB are split before sending; this endpoint's 3 MB limit made it split some further.
      expect(limited.refused.length).toBeGreaterThan(0);
      // Every part, re-sent or split, in the default encoding.
      expect(new Set(limited.contentTypes)).toEqual(new Set(['application/x-protobuf']));
    } finally {
      await limited.close();
    }
  }, 90_000);
});

// ---------------------------------------------------------------------------
// Provider answers of unexpected shape

describe('provider answers of unexpected shape', () => {
  /** @type {Awaited<ReturnType<typeof runScript>>} */
  let base;
  /** @type {Awaited<ReturnType<typeof runScript>>} */
  let r;
  /** @type {any[]} */
  let spans;
  const TAGS = [
    'anthropic-no-usage',
    'anthropic-no-content',
    'anthropic-new-block',
    'anthropic-wrong-types',
    'anthropic-no-stop',
    'anthropic-new-events',
    'anthropic-helper-no-stop',
    'anthropic-cut',
    'openai-no-choices',
    'openai-no-usage',
    'openai-new-fields',
    'openai-wrong-types',
    'openai-no-done',
    'openai-new-fields-stream',
    'openai-cut',
  ];
  beforeAll(async () => {
    const c = await collector();
    const env = { FAKE_BASE_URL: provider.url, SHAPES_BASE_URL: shapes.url };
    base = await runScript(DIST, 'shapes.cjs', { preload: 'none', env });
    r = await runScript(DIST, 'shapes.cjs', { env: { ...env, CATALYST_OTLP_ENDPOINT: c.url } });
    spans = await c.waitForSpans(TAGS.length, 5000);
  }, 60_000);

  const of = (/** @type {string} */ tag) => {
    const found = spans.filter((s) => String(s.attributes['llm.input_messages.0.message.content'] ?? '').startsWith(`[shape-${tag}]`));
    expect(found, tag).toHaveLength(1);
    return found[0];
  };

  it('changes nothing the app sees (values and errors alike), throws nothing, says nothing', () => {
    expect(r.code).toBe(0);
    expect(lineOf(r.stdout, 'RESULT')).toEqual(lineOf(base.stdout, 'RESULT'));
    expect(r.stderr).toBe('');
  });

  it('ends one span per call, with what was known', () => {
    for (const tag of TAGS) of(tag);
    // A field missing: the rest is still recorded.
    expect(of('anthropic-no-usage').attributes['llm.output_messages.0.message.content']).toBe('The capital of France is Paris.');
    expect(of('anthropic-no-content').attributes['llm.token_count.total']).toBe(31);
    expect(of('openai-no-choices').attributes['llm.token_count.total']).toBe(1349);
    // A new block type is skipped, the known text kept.
    expect(of('anthropic-new-block').attributes['llm.output_messages.0.message.content']).toBe('The capital of France is Paris.');
    expect(of('openai-new-fields').attributes['llm.output_messages.0.message.content']).toBe('The capital of France is Paris.');
    // Streams without their final chunk: the text assembled so far, status OK.
    for (const tag of ['anthropic-no-stop', 'openai-no-done', 'anthropic-new-events', 'openai-new-fields-stream']) {
      expect(of(tag).status.code, tag).toBe(1);
      expect(of(tag).attributes['llm.output_messages.0.message.content'], tag).toBe('The capital of France is Paris.');
    }
    // A stream whose connection dies half way: ERROR with the exception, and the partial text.
    for (const tag of ['anthropic-cut', 'openai-cut']) {
      const s = of(tag);
      expect(s.status.code, tag).toBe(2);
      expect(s.events.map((/** @type {any} */ e) => e.name)).toContain('exception');
    }
    expect(of('openai-cut').attributes['llm.output_messages.0.message.content']).toBe('The capital');
  });
});

// ---------------------------------------------------------------------------
// The SDK's own shape drifting

/**
 * A folder with node_modules holding one drifted SDK (a plausible future major
 * whose patched method was renamed) and the other SDK linked from the repo.
 * @param {'anthropic' | 'openai'} drifted
 */
function driftedApp(drifted) {
  const dir = join(TMP, `drift-${drifted}`);
  const modules = join(dir, 'node_modules');
  mkdirSync(join(modules, '@anthropic-ai'), { recursive: true });
  const fake = drifted === 'anthropic' ? join(modules, '@anthropic-ai/sdk') : join(modules, 'openai');
  mkdirSync(fake, { recursive: true });
  if (drifted === 'anthropic') {
    writeFileSync(join(fake, 'package.json'), JSON.stringify({ name: '@anthropic-ai/sdk', version: '1.99.0', main: 'index.js' }));
    // `Messages.prototype.create` became `send`.
    writeFileSync(
      join(fake, 'index.js'),
      `class Messages { async send(body) { return { content: [{ type: 'text', text: 'sent ' + body.messages.length }] }; } }
class Anthropic { constructor() { this.messages = new Messages(); } }
Anthropic.Messages = Messages;
module.exports = Anthropic; module.exports.default = Anthropic; module.exports.Anthropic = Anthropic;\n`,
    );
    symlinkSync(join(ROOT, 'node_modules/openai'), join(modules, 'openai'));
  } else {
    writeFileSync(join(fake, 'package.json'), JSON.stringify({ name: 'openai', version: '7.99.0', main: 'index.js' }));
    // The Chat resources are still there, but `Completions.prototype.create` became `generate`.
    writeFileSync(
      join(fake, 'index.js'),
      `class Completions { async generate(body) { return { choices: [{ message: { content: 'generated ' + body.messages.length } }] }; } }
class Chat { constructor() { this.completions = new Completions(); } }
Chat.Completions = Completions;
class OpenAI { constructor() { this.chat = new Chat(); } }
OpenAI.Chat = Chat;
module.exports = OpenAI; module.exports.default = OpenAI; module.exports.OpenAI = OpenAI;\n`,
    );
    symlinkSync(join(ROOT, 'node_modules/@anthropic-ai/sdk'), join(modules, '@anthropic-ai/sdk'));
  }
  copyFileSync(join(APPS, 'drift.cjs'), join(dir, 'drift.cjs'));
  return join(dir, 'drift.cjs');
}

describe('an SDK whose shape drifted', () => {
  /** @param {'anthropic' | 'openai'} drifted */
  async function run(drifted) {
    const c = await collector();
    const script = driftedApp(drifted);
    const r = await runScript(DIST, script, { env: { FAKE_BASE_URL: provider.url, CATALYST_OTLP_ENDPOINT: c.url, DRIFTED: drifted } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const result = lineOf(r.stdout, 'RESULT');
    const spans = await c.waitForSpans(1, 3000);
    return { result, spans, install: Object.fromEntries(result.install.map((/** @type {any} */ i) => [i.name, i])) };
  }

  it('a patched method missing (anthropic): "skipped" with the reason, the SDK untouched, the other integration still traced', async () => {
    const { result, spans, install } = await run('anthropic');
    expect(result.drifted).toEqual({ content: [{ type: 'text', text: 'sent 1' }] });
    expect(result.real).toBe('The capital of France is Paris.');
    expect(install.anthropic).toMatchObject({ status: 'skipped', version: '1.99.0', reason: expect.stringMatching(/no Anthropic client class/) });
    expect(install.openai).toMatchObject({ status: 'patched' });
    expect(spans.map((s) => s.attributes['llm.input_messages.0.message.content'])).toEqual(['[real] Capital of France?']);
  });

  it('a patched method missing while its class is still there (openai): "skipped", not "patched"', async () => {
    const { result, spans, install } = await run('openai');
    expect(result.drifted).toEqual({ choices: [{ message: { content: 'generated 1' } }] });
    expect(result.real).toBe('The capital of France is Paris.');
    expect(spans.map((s) => s.attributes['llm.input_messages.0.message.content'])).toEqual(['[real] Capital of France?']);
    expect(install.anthropic).toMatchObject({ status: 'patched' });
    expect(install.openai).toMatchObject({ status: 'skipped', version: '7.99.0' });
  });
});
