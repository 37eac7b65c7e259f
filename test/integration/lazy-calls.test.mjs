// A framework's per-call code (its calls.ts, built as dist/lazy-<name>-calls.js)
// is compiled at the framework's first run, not while the app starts and loads
// the SDK: proved in preloaded children by which files Node has loaded.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv } from '../harness/run-child.mjs';
import { ROOT, buildDist } from './openai-harness.mjs';

const dist = buildDist('lazy-calls');
const store = mkdtempSync(join(tmpdir(), 'catalyst-lazy-'));
afterAll(() => rmSync(store, { recursive: true, force: true }));

/** Runs `body` (CommonJS, with `loaded(name)` telling whether dist/<name>.js is loaded) under the preload; returns the JSON line it prints. */
function run(body) {
  const script = `const loaded = (n) => Object.keys(require.cache).some((f) => f.endsWith('/' + n + '.js'));\n${body}`;
  const out = execFileSync(process.env.CATALYST_TEST_NODE || process.execPath, ['--require', join(dist, 'register.js'), '-e', script], {
    cwd: ROOT,
    env: { ...cleanEnv(), CATALYST_TRACES_DIR: store },
    timeout: 30_000,
  });
  // The Agents SDK's own exporter may log too (no OpenAI key here): take the line that is ours.
  return JSON.parse(String(out).split('\n').find((l) => l.startsWith('{')) ?? 'null');
}

describe('framework calls.ts loads at the first run', () => {
  it('LangChain: the handler at the first CallbackManager configure', () => {
    const r = run(`
      require('@langchain/core/callbacks/manager');
      const atLoad = { patch: loaded('lazy-langchain'), calls: loaded('lazy-langchain-calls') };
      const { RunnableLambda } = require('@langchain/core/runnables');
      RunnableLambda.from((x) => x + 1).invoke(1).then((result) => console.log(JSON.stringify({ atLoad, result, afterRun: loaded('lazy-langchain-calls') })));
    `);
    expect(r).toEqual({ atLoad: { patch: true, calls: false }, result: 2, afterRun: true });
  });

  it('OpenAI Agents SDK: the span bridge at the first trace', () => {
    const r = run(`
      const sdk = require('@openai/agents-core');
      const atLoad = { patch: loaded('lazy-openai-agents'), calls: loaded('lazy-openai-agents-calls') };
      sdk.withTrace('lazy', async () => 1).then((result) => console.log(JSON.stringify({ atLoad, result, afterRun: loaded('lazy-openai-agents-calls') })));
    `);
    expect(r).toEqual({ atLoad: { patch: true, calls: false }, result: 1, afterRun: true });
  });
});
