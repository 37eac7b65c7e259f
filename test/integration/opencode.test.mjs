// OpenCode end to end: the real `opencode` binary (a Bun-compiled executable,
// test/fixtures-packages/opencode, installed by scripts/install-test-fixtures.mjs)
// runs `opencode run --format json` offline against the loopback fake provider
// (an OpenAI-compatible provider in OPENCODE_CONFIG_CONTENT) with our plugin
// listed by file:// path; every assertion is on spans the collector received,
// or on the local store as `catalyst-tracing trace list` reads it.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../harness/app-harness.mjs';
import { startCollector } from '../harness/collector.mjs';
import { startFakeProvider } from '../harness/fake-provider.mjs';
import { cleanEnv } from '../harness/run-child.mjs';

const FIXTURE = join(ROOT, 'test/fixtures-packages/opencode');
const BIN = join(FIXTURE, 'node_modules/opencode-ai/bin/opencode.exe');
const OK = 1;
const ERROR = 2;
const NOTES = 'The launch is on Friday. The secret word is heliotrope.';
/** `opencode run` quotes a message argument that holds spaces before it becomes the user's text part. */
const quoted = (/** @type {string} */ prompt) => `"${prompt}"`;

describe('OpenCode plugin in the real opencode binary', () => {
  const dist = process.env.CATALYST_TEST_DIST ?? join(ROOT, 'dist');
  /** @type {any} */ let provider;
  /** @type {string} */ let home;
  /** @type {string} */ let project;
  /** @type {Record<string, any>} */ const runs = {};

  /**
   * One `opencode run` with the main model answering by `headers` and the small model
   * (OpenCode's title helper) by the title fixture.
   * @param {string} prompt @param {Record<string, string>} headers @param {Record<string, string>} [env]
   */
  async function opencode(prompt, headers, env = {}) {
    // A collector per run, so the runs can go side by side.
    const collector = await startCollector();
    const config = {
      plugin: [pathToFileURL(join(dist, 'opencode.mjs')).href],
      provider: {
        fake: {
          npm: '@ai-sdk/openai-compatible',
          name: 'Fake',
          options: { baseURL: provider.baseURL, apiKey: 'sk-test-opencode-dummy', headers },
          models: { 'fake-model': { name: 'Fake model', cost: { input: 1000, output: 4000, cache_read: 100, cache_write: 0 } } },
        },
        fakesmall: {
          npm: '@ai-sdk/openai-compatible',
          name: 'Fake small',
          options: { baseURL: provider.baseURL, apiKey: 'sk-test-opencode-dummy', headers: { 'x-fixture': 'opencode/title' } },
          models: { 'fake-small': { name: 'Fake small model' } },
        },
      },
      model: 'fake/fake-model',
      small_model: 'fakesmall/fake-small',
      autoupdate: false,
      share: 'disabled',
    };
    // A home of its own per run: OpenCode's database (under XDG_DATA_HOME) is not made to be created by two processes at once.
    const own = mkdtempSync(join(home, 'home-'));
    const childEnv = {
      ...cleanEnv(),
      HOME: own,
      XDG_CONFIG_HOME: join(own, 'config'),
      XDG_DATA_HOME: join(own, 'data'),
      XDG_CACHE_HOME: join(own, 'cache'),
      XDG_STATE_HOME: join(own, 'state'),
      // OpenCode takes its project folder from $PWD, not from the process's working directory.
      PWD: project,
      OPENCODE_CONFIG_CONTENT: JSON.stringify(config),
      OPENCODE_DISABLE_MODELS_FETCH: '1',
      OPENCODE_DISABLE_AUTOUPDATE: '1',
      OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
      OPENCODE_DISABLE_SHARE: '1',
      CATALYST_OTLP_ENDPOINT: collector.url,
      ...env,
    };
    const started = Date.now();
    const result = await new Promise((resolve, reject) => {
      // An undefined value removes a variable.
      const defined = Object.fromEntries(Object.entries(childEnv).filter(([, v]) => v !== undefined));
      const child = spawn(BIN, ['run', '--format', 'json', prompt], { cwd: project, env: defined, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
      child.once('error', reject);
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr, ms: Date.now() - started });
      });
    });
    // The turn's spans are sent as it ends; what a killed process still held would be missing here.
    await new Promise((r) => setTimeout(r, 200));
    const events = result.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    const spans = collector.spans.slice();
    await collector.close();
    // OpenCode names the session in a header of each of its requests.
    const requests = provider.requests.filter((/** @type {any} */ r) => r.headers['x-session-id'] === events[0]?.sessionID);
    return { ...result, events, spans, requests };
  }

  beforeAll(async () => {
    // The binary is Bun's, so any Node runs this test; only the install runs on Node.
    execFileSync(process.execPath, [join(ROOT, 'scripts/install-test-fixtures.mjs'), 'opencode'], { stdio: 'inherit' });
    provider = await startFakeProvider();
    home = mkdtempSync(join(tmpdir(), 'catalyst-opencode-'));
    project = join(home, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'notes.txt'), `${NOTES}\n`);
    const read = { 'x-fixture': 'opencode/read-call', 'x-fixture-after-tool': 'opencode/read-answer' };
    // Two at a time: each run is a few CPU-seconds of OpenCode's own start-up.
    [runs.read, runs.failing] = await Promise.all([
      opencode('What do my notes say?', read),
      opencode('Summarise my notes.', { 'x-fixture': 'openai/error-400' }),
    ]);
    [runs.redacted, runs.store] = await Promise.all([
      opencode('What do my notes say?', read, { CATALYST_REDACT_CONTENT: 'true' }),
      opencode('What do my notes say?', read, { CATALYST_OTLP_ENDPOINT: undefined, CATALYST_TRACES_DIR: join(home, 'traces') }),
    ]);
  }, 300_000);
  afterAll(async () => {
    await provider?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  const byKind = (/** @type {any[]} */ spans, /** @type {string} */ kind) => spans.filter((s) => s.attributes['openinference.span.kind'] === kind);

  it('runs OpenCode to the answer with the plugin loaded, quietly', () => {
    const { code, events, stderr } = runs.read;
    expect(code, stderr).toBe(0);
    const texts = events.filter((e) => e.type === 'text').map((e) => e.part.text);
    expect(texts).toContain('The notes say: the launch is on Friday.');
    expect(events.find((e) => e.type === 'tool_use')?.part.state.status).toBe('completed');
    expect(stderr).not.toContain('[catalyst-tracing]');
  });

  it('a turn with the read tool: one trace, an AGENT root, an LLM span per model step, a TOOL span', () => {
    const { spans, events } = runs.read;
    const sessionID = events[0].sessionID;
    expect(sessionID).toMatch(/^ses_/);
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    const [agent, ...otherAgents] = byKind(spans, 'AGENT');
    expect(otherAgents).toEqual([]);
    expect(agent.parentSpanId).toBeUndefined();
    expect(agent.name).toBe('opencode.turn');
    expect(agent.status.code).toBe(OK);
    expect(agent.resource['service.name']).toBe('opencode');
    expect(agent.attributes).toMatchObject({
      'session.id': sessionID,
      'agent.name': 'build',
      'llm.model_name': 'fake-model',
      'llm.provider': 'fake',
      'input.value': quoted('What do my notes say?'),
      'output.value': 'The notes say: the launch is on Friday.',
    });

    const steps = byKind(spans, 'LLM').sort((a, b) => Number(BigInt(a.startTimeUnixNano) - BigInt(b.startTimeUnixNano)));
    expect(steps).toHaveLength(2);
    for (const step of steps) {
      expect(step.parentSpanId).toBe(agent.spanId);
      expect(step.status.code).toBe(OK);
      expect(step.attributes).toMatchObject({ 'session.id': sessionID, 'llm.model_name': 'fake-model', 'llm.provider': 'fake', 'agent.name': 'build' });
    }
    const [first, second] = steps;
    // What the model was sent: the system prompt, the user's message; after the tool, the call and its result.
    expect(first.attributes['llm.input_messages.0.message.role']).toBe('system');
    expect(first.attributes['llm.input_messages.1.message.role']).toBe('user');
    expect(first.attributes['llm.input_messages.1.message.content']).toBe(quoted('What do my notes say?'));
    expect(first.attributes).toMatchObject({
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.content': 'Let me read it.',
      'llm.output_messages.0.message.tool_calls.0.tool_call.id': 'call_ReadNotes01',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'read',
      'llm.finish_reason': 'tool-calls',
      // 120 prompt tokens of which 32 cached; 18 completion tokens of which 6 reasoning.
      'llm.token_count.prompt': 120,
      'llm.token_count.completion': 18,
      'llm.token_count.total': 138,
      'llm.token_count.prompt_details.cache_read': 32,
      'llm.token_count.prompt_details.cache_write': 0,
      'llm.token_count.completion_details.reasoning': 6,
    });
    expect(JSON.parse(first.attributes['llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments'])).toEqual({ filePath: 'notes.txt' });
    expect(first.attributes['llm.cost.total']).toBeGreaterThan(0);
    const toolMessage = Object.keys(second.attributes).find((k) => /^llm\.input_messages\.\d+\.message\.role$/.test(k) && second.attributes[k] === 'tool');
    expect(toolMessage).toBeDefined();
    expect(second.attributes[toolMessage.replace(/role$/, 'content')]).toContain(NOTES);
    expect(second.attributes[toolMessage.replace(/role$/, 'tool_call_id')]).toBe('call_ReadNotes01');
    expect(second.attributes).toMatchObject({
      'llm.output_messages.0.message.content': 'The notes say: the launch is on Friday.',
      'output.value': 'The notes say: the launch is on Friday.',
      'llm.finish_reason': 'stop',
      'llm.token_count.prompt': 180,
      'llm.token_count.prompt_details.cache_read': 96,
    });

    const [tool, ...otherTools] = byKind(spans, 'TOOL');
    expect(otherTools).toEqual([]);
    expect(tool.name).toBe('read');
    expect(tool.parentSpanId).toBe(agent.spanId);
    expect(tool.status.code).toBe(OK);
    expect(tool.attributes).toMatchObject({ 'tool.name': 'read', 'tool_call.id': 'call_ReadNotes01', 'session.id': sessionID });
    expect(JSON.parse(tool.attributes['input.value']).filePath).toMatch(/notes\.txt$/);
    expect(tool.attributes['output.value']).toContain(NOTES);
    // The tool ran between the two model steps.
    expect(BigInt(tool.startTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(first.startTimeUnixNano));
    expect(BigInt(tool.endTimeUnixNano)).toBeLessThanOrEqual(BigInt(second.endTimeUnixNano));
  });

  it("leaves OpenCode's title helper call out of the turn", () => {
    const { spans, requests } = runs.read;
    // The helper call was made (it is the small model's), and no span is of it.
    expect(requests.some((r) => r.headers['x-fixture'] === 'opencode/title')).toBe(true);
    expect(spans.filter((s) => s.attributes['llm.model_name'] === 'fake-small')).toEqual([]);
    expect(spans.some((s) => JSON.stringify(s.attributes).includes('title generator'))).toBe(false);
    expect(spans).toHaveLength(4);
  });

  it('a failing model call: the LLM span and the turn are ERROR with the message, OpenCode runs as without the plugin', () => {
    const { spans, events, stderr } = runs.failing;
    expect(stderr).not.toContain('[catalyst-tracing]');
    expect(events.some((e) => e.type === 'error')).toBe(true);
    const [agent] = byKind(spans, 'AGENT');
    expect(agent.status.code).toBe(ERROR);
    expect(agent.status.message).toContain('empty array');
    expect(agent.attributes['input.value']).toBe(quoted('Summarise my notes.'));
    const steps = byKind(spans, 'LLM');
    expect(steps).toHaveLength(1);
    expect(steps[0].parentSpanId).toBe(agent.spanId);
    expect(steps[0].status.code).toBe(ERROR);
    expect(steps[0].status.message).toContain('empty array');
    expect(steps[0].events.some((e) => e.name === 'exception')).toBe(true);
    expect(byKind(spans, 'TOOL')).toEqual([]);
  });

  it('CATALYST_REDACT_CONTENT=true: the same spans, no content', () => {
    const { spans, code } = runs.redacted;
    expect(code).toBe(0);
    expect(byKind(spans, 'AGENT')).toHaveLength(1);
    expect(byKind(spans, 'LLM')).toHaveLength(2);
    const [tool] = byKind(spans, 'TOOL');
    expect(tool.attributes['tool.name']).toBe('read');
    const text = JSON.stringify(spans.map((s) => s.attributes));
    for (const content of ['heliotrope', 'launch is on Friday', 'What do my notes say', 'notes.txt', 'You are opencode']) expect(text).not.toContain(content);
    const [agent] = byKind(spans, 'AGENT');
    expect(agent.attributes['input.value']).toBe('__REDACTED__');
    expect(byKind(spans, 'LLM')[0].attributes['llm.token_count.prompt']).toBe(120);
  });

  it('with no endpoint the turn goes to the local store, and `catalyst-tracing trace list` shows the session', () => {
    const { code, events, stderr } = runs.store;
    expect(code, stderr).toBe(0);
    expect(stderr).not.toContain('[catalyst-tracing]');
    const out = execFileSync(process.execPath, [join(dist, 'cli.js'), 'trace', 'list', '--json'], { env: { ...cleanEnv(), CATALYST_TRACES_DIR: join(home, 'traces'), NO_COLOR: '1' }, encoding: 'utf8' });
    expect(out).toContain(events[0].sessionID);
    expect(out).toContain('opencode.turn');
  });
});
