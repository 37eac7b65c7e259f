// Vercel Eve end to end: a small Eve agent (test/fixtures-packages/eve: one tool,
// an anonymous HTTP channel, its model from @ai-sdk/openai-compatible pointed at
// the loopback fake provider) is built with the real `eve build`, its server
// started, and one turn with a tool call driven over HTTP. The agent's
// instrumentation folder holds the one-file set-up (catalyst.ts), an
// `otel({ tracePolicy })` file turning content on, and an app destination of its
// own writing every span Eve hands it to a file. Every assertion on our spans is
// on what the collector received. Eve needs Node 24: on older Node this skips
// unless CATALYST_TEST_NODE names a Node 24; CI runs it in its Node 24 pass.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../harness/app-harness.mjs';
import { startCollector } from '../harness/collector.mjs';
import { startFakeProvider } from '../harness/fake-provider.mjs';

const NODE = process.env.CATALYST_TEST_NODE ?? process.execPath;
const NODE_MAJOR = Number((NODE === process.execPath ? process.versions.node : execFileSync(NODE, ['-p', 'process.versions.node'], { encoding: 'utf8' })).split('.')[0]);
const FIXTURE = join(ROOT, 'test/fixtures-packages/eve');
const AGENT = 'catalyst-test-eve-fixtures';

/**
 * The agent project in a temporary folder: the fixture's agent/ and
 * package.json, its installed packages linked in, and @catalyst/tracing as a
 * package whose dist is the build under test, so `eve build` resolves
 * `@catalyst/tracing/eve` as an app's would.
 */
function makeProject(dist) {
  const dir = mkdtempSync(join(tmpdir(), 'catalyst-eve-'));
  cpSync(join(FIXTURE, 'agent'), join(dir, 'agent'), { recursive: true });
  copyFileSync(join(FIXTURE, 'package.json'), join(dir, 'package.json'));
  const modules = join(dir, 'node_modules');
  mkdirSync(modules);
  for (const name of readdirSync(join(FIXTURE, 'node_modules'))) {
    if (!name.startsWith('@')) {
      symlinkSync(join(FIXTURE, 'node_modules', name), join(modules, name));
      continue;
    }
    mkdirSync(join(modules, name));
    for (const inner of readdirSync(join(FIXTURE, 'node_modules', name))) symlinkSync(join(FIXTURE, 'node_modules', name, inner), join(modules, name, inner));
  }
  const pkg = join(modules, '@catalyst/tracing');
  mkdirSync(pkg, { recursive: true });
  copyFileSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
  symlinkSync(dist, join(pkg, 'dist'));
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));
  return dir;
}

describe.skipIf(NODE_MAJOR < 24)('Vercel Eve: @catalyst/tracing/eve in agent/instrumentation/', () => {
  const dist = process.env.CATALYST_TEST_DIST ?? join(ROOT, 'dist');
  /** @type {any} */ let provider;
  /** @type {any} */ let collector;
  /** @type {string} */ let project;
  /** @type {number} */ let buildMs;

  /**
   * Starts the built server, sends one message, reads the session's event
   * stream to the end of the turn, then stops the server (SIGTERM, as a
   * platform does) and waits for it to exit.
   * @param {{ preload?: boolean, env?: Record<string, string>, expectSpans?: number }} [options]
   */
  async function turn({ preload = false, env = {}, expectSpans = 6 } = {}) {
    collector.reset();
    const appSpansFile = join(project, `app-spans-${Date.now()}.jsonl`);
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const args = [...(preload ? ['--import', join(dist, 'esm/register.mjs')] : []), '.output/server/index.mjs'];
    const child = spawn(NODE, args, {
      cwd: project,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: project,
        PORT: String(port),
        HOST: '127.0.0.1',
        EVE_TELEMETRY_DISABLED: '1',
        FAKE_PROVIDER_URL: provider.url,
        EVE_FIXTURE_APP_SPANS: appSpansFile,
        CATALYST_OTLP_ENDPOINT: collector.url,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    try {
      const base = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 30_000;
      for (;;) {
        if (Date.now() > deadline) throw new Error(`the Eve server did not start:\n${output}`);
        const ok = await fetch(`${base}/eve/v1/health`).then((r) => r.ok, () => false);
        if (ok) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const created = await (await fetch(`${base}/eve/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'What is the weather in Paris?' }) })).json();
      expect(created.ok, JSON.stringify(created)).toBe(true);
      const stream = await fetch(`${base}/eve/v1/session/${created.sessionId}/stream`);
      const decoder = new TextDecoder();
      let events = '';
      for await (const chunk of stream.body) {
        events += decoder.decode(chunk);
        if (/"type":"turn\.(completed|failed)"/.test(events)) break;
      }
      expect(events, output).toContain('"type":"turn.completed"');
      const reply = events.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((e) => e.type === 'message.completed')?.data.message;
      if (expectSpans > 0) await collector.waitForSpans(expectSpans, 10_000).catch(() => undefined);
      child.kill('SIGTERM');
      const exit = await exited;
      const appSpans = existsSync(appSpansFile) ? readFileSync(appSpansFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l)) : [];
      return { sessionId: created.sessionId, reply, spans: collector.spans.slice(), appSpans, output, exit };
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }

  beforeAll(async () => {
    execFileSync(process.execPath, [join(ROOT, 'scripts/install-test-fixtures.mjs'), 'eve'], { stdio: 'inherit', env: { ...process.env, CATALYST_TEST_NODE: NODE } });
    project = makeProject(dist);
    const started = Date.now();
    execFileSync(NODE, [join(project, 'node_modules/eve/bin/eve.js'), 'build'], { cwd: project, stdio: 'pipe', env: { PATH: `${join(NODE, '..')}:${process.env.PATH}`, HOME: project, EVE_TELEMETRY_DISABLED: '1' } });
    buildMs = Date.now() - started;
    provider = await startFakeProvider();
    collector = await startCollector();
  }, 240_000);

  afterAll(async () => {
    await provider?.close();
    await collector?.close();
    if (project) rmSync(project, { recursive: true, force: true });
  });

  /** @type {any} */ let traced;
  const byKind = (/** @type {string} */ kind) => traced.spans.filter((/** @type {any} */ s) => s.attributes['openinference.span.kind'] === kind);

  it('builds with @catalyst/tracing/eve bundled into the instrumentation chunk', () => {
    console.log(`eve build: ${buildMs} ms`);
    const chunk = readFileSync(join(project, '.output/server/_chunks/compiled-artifacts-instrumentation.mjs'), 'utf8');
    expect(chunk).toContain('defineCatalystEveInstrumentation');
  });

  it('a turn with a tool call: AGENT -> CHAIN steps -> LLM / TOOL, nothing else, one trace, one session', async () => {
    traced = await turn();
    expect(traced.reply).toBe('It is sunny in Paris, 21 °C.');
    expect(traced.output).not.toMatch(/catalyst-tracing\]/);
    const names = traced.spans.map((/** @type {any} */ s) => s.name).sort();
    expect(names).toEqual(['agent.step', 'agent.step', 'chat gpt-4o-mini', 'chat gpt-4o-mini', 'execute_tool get_weather', `invoke_agent ${AGENT}`]);
    expect(new Set(traced.spans.map((/** @type {any} */ s) => s.traceId)).size).toBe(1);
    for (const span of traced.spans) {
      expect(span.attributes['session.id'], span.name).toBe(traced.sessionId);
      expect(span.resource['service.name']).toBe(AGENT);
      expect(span.scope.name).toBe('eve.agent');
      // Eve's own keys stay on Eve's spans; the copy carries OpenInference only.
      expect(Object.keys(span.attributes).filter((k) => k.startsWith('gen_ai.') || k.startsWith('agent.') && k !== 'agent.name'), span.name).toEqual([]);
    }
    const [agent] = byKind('AGENT');
    expect(agent.parentSpanId ?? '').toBe('');
    const steps = byKind('CHAIN');
    expect(steps).toHaveLength(2);
    for (const step of steps) expect(step.parentSpanId).toBe(agent.spanId);
    const stepIds = steps.map((/** @type {any} */ s) => s.spanId);
    for (const span of [...byKind('LLM'), ...byKind('TOOL')]) expect(stepIds).toContain(span.parentSpanId);
  }, 90_000);

  it('AGENT: the message in, the reply out, turn metadata and the $eve.* totals', () => {
    const [agent] = byKind('AGENT');
    expect(agent.attributes['agent.name']).toBe(AGENT);
    expect(agent.attributes['input.value']).toBe('What is the weather in Paris?');
    expect(agent.attributes['output.value']).toBe('It is sunny in Paris, 21 °C.');
    const meta = JSON.parse(agent.attributes.metadata);
    expect(meta).toMatchObject({
      'eve.turn.id': 'turn_0',
      'eve.turn.sequence': 0,
      'eve.turn.outcome': 'completed',
      'eve.session.id': traced.sessionId,
      'eve.root.session.id': traced.sessionId,
      'eve.trigger': 'channel',
      'eve.channel.name': 'eve',
      '$eve.model': 'gpt-4o-mini-2024-07-18',
      '$eve.input_tokens': 412 + 455,
      '$eve.output_tokens': 18 + 9,
      '$eve.total_tokens': 412 + 455 + 18 + 9,
      '$eve.cache_read_tokens': 256 + 384,
      '$eve.model_calls': 2,
      '$eve.tool_count': 1,
      functionId: 'weather-turn',
      team: 'weather',
    });
    expect(agent.resource['deployment.environment.name']).toBe('production');
  });

  it('LLM: model, provider, messages with the tool call, tokens with cache reads, the offered tools', () => {
    const llms = byKind('LLM').sort((/** @type {any} */ a, /** @type {any} */ b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1));
    expect(llms).toHaveLength(2);
    const [first, second] = llms.map((/** @type {any} */ s) => s.attributes);
    expect(first).toMatchObject({
      'llm.model_name': 'gpt-4o-mini-2024-07-18',
      'llm.request.model_name': 'gpt-4o-mini',
      'llm.provider': 'fake',
      'llm.finish_reason': 'tool-calls',
      'llm.token_count.prompt': 412,
      'llm.token_count.completion': 18,
      'llm.token_count.total': 430,
      'llm.token_count.prompt_details.cache_read': 256,
      'llm.input_messages.0.message.role': 'system',
      'llm.input_messages.1.message.role': 'user',
      'llm.input_messages.1.message.content': 'What is the weather in Paris?',
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.tool_calls.0.tool_call.id': 'call_EveParis7hQ2mW4xZ',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'get_weather',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': '{"city":"Paris"}',
    });
    expect(first['llm.input_messages.0.message.content']).toContain('Call get_weather for the city');
    const tools = Object.keys(first).filter((k) => /^llm\.tools\.\d+\.tool\.json_schema$/.test(k)).map((k) => JSON.parse(first[k]).name);
    expect(tools).toContain('get_weather');
    expect(second).toMatchObject({
      'llm.token_count.prompt': 455,
      'llm.token_count.prompt_details.cache_read': 384,
      'llm.input_messages.3.message.role': 'tool',
      'llm.input_messages.3.message.tool_call_id': 'call_EveParis7hQ2mW4xZ',
      'llm.output_messages.0.message.content': 'It is sunny in Paris, 21 °C.',
      'output.value': 'It is sunny in Paris, 21 °C.',
    });
  });

  it('TOOL: name, call id, arguments and result', () => {
    const [tool] = byKind('TOOL');
    expect(tool.attributes).toMatchObject({
      'tool.name': 'get_weather',
      'tool_call.id': 'call_EveParis7hQ2mW4xZ',
      'input.value': '{"city":"Paris"}',
      'input.mime_type': 'application/json',
      'output.value': '{"city":"Paris","condition":"Sunny","temperatureC":21}',
      'output.mime_type': 'application/json',
    });
  });

  it("the app's own Eve destination still receives Eve's spans unchanged, workflow spans included", () => {
    const app = traced.appSpans;
    expect(app.filter((/** @type {any} */ s) => s.scope === 'workflow').length).toBeGreaterThan(50);
    const agent = app.find((/** @type {any} */ s) => s.name === `invoke_agent ${AGENT}`);
    expect(agent.attributes['gen_ai.operation.name']).toBe('invoke_agent');
    expect(agent.attributes['openinference.span.kind']).toBeUndefined();
    expect(agent.spanId).toBe(byKind('AGENT')[0].spanId);
    const chat = app.find((/** @type {any} */ s) => s.name === 'chat gpt-4o-mini');
    expect(chat.attributes['gen_ai.input.messages']).toContain('What is the weather in Paris?');
    expect(Object.keys(chat.attributes).some((k) => k.startsWith('llm.'))).toBe(false);
  });

  it('recordInputs / recordOutputs and the privacy variables hold content back', async () => {
    const hidden = await turn({ env: { OPENINFERENCE_HIDE_OUTPUTS: 'true' } });
    const tool = hidden.spans.find((/** @type {any} */ s) => s.name === 'execute_tool get_weather');
    expect(tool.attributes['input.value']).toBe('{"city":"Paris"}');
    expect(tool.attributes['output.value']).toBe('__REDACTED__');
    const agent = hidden.spans.find((/** @type {any} */ s) => s.attributes['openinference.span.kind'] === 'AGENT');
    expect(agent.attributes['output.value']).toBe('__REDACTED__');
  }, 90_000);

  it('the preload in front of the server: each span exported once, and alone it does no harm', async () => {
    const both = await turn({ preload: true });
    expect(both.reply).toBe('It is sunny in Paris, 21 °C.');
    await new Promise((r) => setTimeout(r, 300));
    expect(both.spans.map((/** @type {any} */ s) => s.name).sort()).toEqual(traced.spans.map((/** @type {any} */ s) => s.name).sort());
    expect(new Set(both.spans.map((/** @type {any} */ s) => s.spanId)).size).toBe(both.spans.length);
    // The model call inside Eve's bundle is traced through the file: the untraced-request line must not cry wolf.
    expect(both.output).not.toContain('was not traced');

    const alone = await turn({ preload: true, env: { EVE_FIXTURE_NO_CATALYST: '1' }, expectSpans: 0 });
    expect(alone.reply).toBe('It is sunny in Paris, 21 °C.');
    expect(alone.output).not.toMatch(/refus|already registered|catalyst-tracing\] .*error/i);
    expect(alone.appSpans.some((/** @type {any} */ s) => s.name === `invoke_agent ${AGENT}`)).toBe(true);
    expect(alone.spans).toEqual([]);
    // Without the file the bundled call really goes untraced, and the preload says so, once.
    expect(alone.output.match(/was not traced/g)).toHaveLength(1);
  }, 120_000);

  it('CATALYST_DISABLED_INSTRUMENTATIONS=eve leaves the file inert', async () => {
    const off = await turn({ env: { CATALYST_DISABLED_INSTRUMENTATIONS: 'eve' }, expectSpans: 0 });
    expect(off.reply).toBe('It is sunny in Paris, 21 °C.');
    await new Promise((r) => setTimeout(r, 300));
    expect(off.spans).toEqual([]);
  }, 90_000);
});
