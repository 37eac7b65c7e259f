// Requests whose messages run the app's code when read: a counting `content`
// getter and a message object with a counting `toJSON` (apps/accessors-*.{mjs,cjs}).
// The SDK runs each once, when it serialises the request. Under the agent they
// must run exactly as often as without it, the provider must receive the same
// body, and the span must still show the messages the provider received.
// openai 7 and 6 (chat.completions, streamed or not, and responses) and
// @anthropic-ai/sdk (messages.create, streamed or not, and messages.stream()),
// ESM under --import and CJS under --require.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPS, ROOT, startHarness } from './openai-harness.mjs';

/** @type {Awaited<ReturnType<typeof startHarness>>} */
let h;
beforeAll(async () => {
  h = await startHarness('accessors');
});
afterAll(() => h?.close());

/** A folder with the OpenAI apps and `node_modules/openai` = openai 6 (as openai-majors.test.mjs builds it). */
function openai6Folder() {
  const dir = join(ROOT, '.cache/request-accessors/v6');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  const from = join(ROOT, 'node_modules/openai-v6');
  const to = join(dir, 'node_modules/openai');
  try {
    execFileSync('cp', ['-al', from, to]);
  } catch {
    rmSync(to, { recursive: true, force: true });
    cpSync(from, to, { recursive: true });
  }
  for (const app of ['accessors-openai.mjs', 'accessors-openai.cjs', 'accessors-scenario.cjs']) cpSync(join(APPS, app), join(dir, app));
  return dir;
}

/** The one span whose input messages carry `[tag]`. @param {any[]} spans @param {string} tag */
function spanOf(spans, tag) {
  const found = spans.filter((s) =>
    Object.entries(s.attributes).some(([k, v]) => k.startsWith('llm.input_messages.') && typeof v === 'string' && v.startsWith(`[${tag}] `)),
  );
  expect(found.map((s) => s.name), `spans tagged [${tag}]`).toHaveLength(1);
  return found[0];
}

/** The request the provider received for `[tag]`. @param {any[]} requests @param {string} tag */
function requestOf(requests, tag) {
  const found = requests.filter((r) => JSON.stringify(r.body).includes(`[${tag}] `));
  expect(found, `requests tagged [${tag}]`).toHaveLength(1);
  return found[0].body;
}

/** The input messages a span carries, as [role, content] pairs. @param {any} span */
function inputMessages(span) {
  const out = [];
  for (let i = 0; span.attributes[`llm.input_messages.${i}.message.role`] !== undefined; i++) {
    out.push([span.attributes[`llm.input_messages.${i}.message.role`], span.attributes[`llm.input_messages.${i}.message.content`]]);
  }
  return out;
}

const SUITES = [
  { sdk: 'openai 7', app: 'accessors-openai', dir: () => APPS, calls: ['chat', 'chat-stream', 'responses'] },
  { sdk: 'openai 6', app: 'accessors-openai', dir: openai6Folder, calls: ['chat', 'chat-stream', 'responses'] },
  // Under the agent the SDK's own span is off (integrations/anthropic/native-telemetry.ts), and
  // with it the stream() helper's set-up of that span, which reads the messages once more for a
  // header: the run to match is the SDK with its telemetry off. Against its default, never more.
  { sdk: '@anthropic-ai/sdk', app: 'accessors-anthropic', dir: () => APPS, calls: ['create', 'create-stream', 'stream'], baselineEnv: { ANTHROPIC_OPEN_TELEMETRY: 'false' } },
];

/** The Responses calls carry `instructions`, which become the first input message. @param {string} call */
const systemOf = (call) => (call === 'responses' ? [['system', 'Be brief.']] : []);

describe.each(SUITES)('$sdk', ({ app, dir: folder, calls, baselineEnv }) => {
  let dir = '';
  beforeAll(() => {
    dir = folder();
  });

  describe.each([
    ['ESM app, --import', 'mjs', /** @type {const} */ ('import')],
    ['CJS app, --require', 'cjs', /** @type {const} */ ('require')],
  ])('%s', (_label, ext, preload) => {
    /** @type {Awaited<ReturnType<typeof h.runApp>>} */
    let baseline;
    /** @type {Awaited<ReturnType<typeof h.runApp>>} */
    let traced;
    /** @type {Awaited<ReturnType<typeof h.runApp>> | undefined} the SDK's defaults, when the baseline changes one */
    let untracedDefault;
    beforeAll(async () => {
      const script = join(dir, `${app}.${ext}`);
      baseline = await h.runApp(script, { preload: 'none', env: baselineEnv });
      if (baselineEnv) untracedDefault = await h.runApp(script, { preload: 'none' });
      traced = await h.runApp(script, { preload, spans: calls.length });
    });

    it('runs the getters and toJSON exactly as often as without the agent', () => {
      expect(traced.stderr).toBe('');
      const counts = baseline.line('COUNTS');
      // The SDK itself reads each (Anthropic's reads the getter again for its request headers).
      for (const call of calls) {
        expect(counts[call].getter, call).toBeGreaterThanOrEqual(1);
        expect(counts[call].toJSON, call).toBeGreaterThanOrEqual(1);
      }
      expect(traced.line('COUNTS')).toEqual(counts);
      expect(traced.line('RESULT')).toEqual(baseline.line('RESULT'));
      if (untracedDefault) {
        const defaults = untracedDefault.line('COUNTS');
        for (const call of calls) {
          expect(counts[call].getter, call).toBeLessThanOrEqual(defaults[call].getter);
          expect(counts[call].toJSON, call).toBe(defaults[call].toJSON);
        }
      }
    });

    it('sends the provider the same request bodies', () => {
      expect(baseline.requests.length).toBe(calls.length);
      expect(traced.requests.map((r) => r.body)).toEqual(baseline.requests.map((r) => r.body));
    });

    it('shows on each span the messages the provider received', () => {
      expect(traced.spans).toHaveLength(calls.length);
      for (const call of calls) {
        const span = spanOf(traced.spans, call);
        const sent = requestOf(traced.requests, call);
        const messages = sent.messages ?? sent.input;
        expect(messages.map((/** @type {any} */ m) => m.content), call).toEqual([
          expect.stringMatching(new RegExp(`^\\[${call}\\] getter read #\\d+$`)),
          'Noted.',
          `[${call}] toJSON call #1`,
        ]);
        expect(inputMessages(span), call).toEqual([...systemOf(call), ...messages.map((/** @type {any} */ m) => [m.role, m.content])]);
        expect(JSON.parse(span.attributes['input.value']), call).toEqual(sent);
      }
    });
  });
});

// The AI SDK hands its telemetry callbacks the app's own message objects (its
// provider request is built apart, from its own copies). The spans are written
// from data copies of those that run nothing: a getter's value is not on the
// span (reading it would be a read the app sees), the data beside a toJSON is.
describe('AI SDK (telemetry callbacks)', () => {
  describe.each([
    ['ESM app, --import', 'accessors-ai-sdk.mjs', /** @type {const} */ ('import')],
    ['CJS app, --require', 'accessors-ai-sdk.cjs', /** @type {const} */ ('require')],
  ])('%s', (_label, app, preload) => {
    const calls = ['generate', 'stream'];
    /** @type {Awaited<ReturnType<typeof h.runApp>>} */
    let baseline;
    /** @type {Awaited<ReturnType<typeof h.runApp>>} */
    let traced;
    beforeAll(async () => {
      baseline = await h.runApp(join(APPS, app), { preload: 'none' });
      traced = await h.runApp(join(APPS, app), { preload, spans: 2 * calls.length });
    });

    it('runs the getters and toJSON exactly as often, and the model gets the same prompt', () => {
      expect(traced.stderr).toBe('');
      for (const call of calls) expect(baseline.line('COUNTS')[call].getter, call).toBeGreaterThanOrEqual(1);
      expect(traced.line('COUNTS')).toEqual(baseline.line('COUNTS'));
      expect(traced.line('PROMPTS')).toEqual(baseline.line('PROMPTS'));
      expect(traced.line('RESULT')).toEqual(baseline.line('RESULT'));
    });

    it('shows the messages it could read without running app code', () => {
      for (const call of calls) {
        const llm = traced.spans.filter(
          (s) => s.attributes['openinference.span.kind'] === 'LLM' && s.attributes['llm.input_messages.2.message.content'] === `[${call}] data beside toJSON`,
        );
        expect(llm, call).toHaveLength(1);
        expect(inputMessages(llm[0]), call).toEqual([
          ['user', undefined],
          ['assistant', 'Noted.'],
          ['user', `[${call}] data beside toJSON`],
        ]);
      }
    });
  });
});
