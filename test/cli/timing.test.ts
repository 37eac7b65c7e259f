import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, plain, run, tempDir, type RunResult } from './helpers/run';
import { generateLargeStore, hexId } from './helpers/store-gen.mjs';

/**
 * A generated store of 10,000 agent runs (50,000 spans, ~50 MB in 20 files):
 * every command must answer correctly; the wall-clock times are printed, never asserted.
 */
const TRACES = 10_000;
const NOW = Date.now();
const trace = (i: number): string => hexId(`big:${i}`, 16);
const spanOf = (i: number, n: string): string => hexId(`big:${i}:${n}`, 8);

let store: { dir: string; cleanup: () => void };
let size: { bytes: number; spans: number };
const timings: Array<[string, number]> = [];

async function timed(argv: string[]): Promise<RunResult> {
  const r = await run([...argv, '--dir', store.dir], { now: NOW });
  timings.push([argv.join(' '), r.ms]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r;
}

beforeAll(() => {
  store = tempDir('catalyst-10k-');
  size = generateLargeStore(store.dir, { traces: TRACES, files: 20, now: NOW });
});

afterAll(() => {
  store.cleanup();
  const width = Math.max(...timings.map(([c]) => c.length));
  console.log(
    [`CLI timings, in-process, on ${TRACES.toLocaleString('en-US')} traces (${size.spans.toLocaleString('en-US')} spans, ${(size.bytes / 1e6).toFixed(1)} MB):`]
      .concat(timings.map(([c, ms]) => `  ${c.padEnd(width)}  ${ms.toFixed(0).padStart(5)} ms`))
      .join('\n'),
  );
});

describe(`a store of ${TRACES.toLocaleString('en-US')} traces`, () => {
  it('trace list: the newest 20 by default, every filter correct', async () => {
    const r = await timed(['trace', 'list']);
    const rows = plain(r.stdout).filter(Boolean);
    expect(rows).toHaveLength(1 + 20 + 1);
    expect(rows[1]!.startsWith(trace(TRACES - 1).slice(0, 8))).toBe(true);
    expect(rows[20]!.startsWith(trace(TRACES - 20).slice(0, 8))).toBe(true);
    expect(rows[21]).toBe('showing the 20 most recent traces; --limit N for more');

    const all = JSON.parse((await timed(['trace', 'list', '--json', '--limit', String(TRACES)])).stdout) as Array<{ traceId: string; spanCount: number; totalTokens: number; errorCount: number }>;
    expect(all).toHaveLength(TRACES);
    expect(all.map((t) => t.traceId).slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, k) => trace(TRACES - 1 - k)));
    expect(all.every((t) => t.spanCount === 5)).toBe(true);
    const i = 4242;
    expect(all.find((t) => t.traceId === trace(i))!.totalTokens).toBe(200 + (i % 400) + 30 + 200 + (i % 400) + 120 + 80);

    const json = async (...args: string[]): Promise<Array<{ traceId: string }>> => JSON.parse((await timed(['trace', 'list', '--json', ...args])).stdout) as Array<{ traceId: string }>;
    expect(await json('--status', 'error', '--limit', '5000')).toHaveLength(TRACES / 10);
    expect((await json('--range', '1h', '--limit', '5000')).length).toBe(60);
    const bySession = await json('--agent', 'research-agent', '--session', 'sess-5', '--limit', '5000');
    const expected = Array.from({ length: TRACES }, (_, k) => k).filter((k) => k % 3 === 2 && k % 50 === 5).reverse().map(trace);
    expect(bySession.map((t) => t.traceId)).toEqual(expected);
    expect((await json('--service', 'support-bot', '--limit', '20')).map((t) => t.traceId)).toEqual(Array.from({ length: 20 }, (_, k) => trace(TRACES - 2 - 2 * k)));
  });

  it('trace get: last, a prefix, a full id; tree, timeline and json', async () => {
    const last = await timed(['trace', 'get', 'last']);
    expect(plain(last.stdout)[0]).toBe(`Trace ${trace(TRACES - 1)}`);
    expect(plain(last.stdout).filter((l) => /^[0-9a-f]{8} {2}/.test(l))).toHaveLength(5);
    const timeline = await timed(['trace', 'get', trace(1234).slice(0, 12), '--view', 'timeline']);
    expect(plain(timeline.stdout).filter((l) => l.includes('█'))).toHaveLength(5);
    const spans = JSON.parse((await timed(['trace', 'get', trace(17), '--view', 'json'])).stdout) as Array<{ spanId: string }>;
    expect(spans.map((s) => s.spanId)).toEqual(['agent', 'llm1', 'tool', 'http', 'llm2'].map((n) => spanOf(17, n)));
  });

  it('span list: newest, by kind and tokens, by text, by trace', async () => {
    const newest = await timed(['span', 'list']);
    expect(plain(newest.stdout).filter(Boolean)).toHaveLength(1 + 50 + 1);
    const top = JSON.parse((await timed(['span', 'list', '--kind', 'LLM', '--sort', 'total_tokens', '--limit', '3', '--json'])).stdout) as Array<{ attributes: Record<string, number> }>;
    expect(top.map((s) => s.attributes['llm.token_count.total'])).toEqual([799, 799, 799]);
    const slow = JSON.parse((await timed(['span', 'list', '--sort', 'duration', '--kind', 'tool', '--order', 'asc', '--limit', '1', '--json'])).stdout) as Array<{ name: string }>;
    expect(slow[0]!.name).toBe('lookup');
    const text = JSON.parse((await timed(['span', 'list', '--text', 'request NUMBER 4242', '--json'])).stdout) as Array<{ spanId: string }>;
    expect(text.map((s) => s.spanId).sort()).toEqual(['agent', 'llm1', 'llm2'].map((n) => spanOf(4242, n)).sort());
    const inTrace = JSON.parse((await timed(['span', 'list', '--trace-id', trace(999), '--json'])).stdout) as unknown[];
    expect(inTrace).toHaveLength(5);
  });

  it('span get: io, attributes, json', async () => {
    const io = await timed(['span', 'get', trace(4242), spanOf(4242, 'llm2')]);
    expect(io.stdout).toContain('→ tool call lookup  id call_4242');
    expect(io.stdout).toContain('Answer 4242.');
    const attrs = await timed(['span', 'get', 'last', spanOf(TRACES - 1, 'tool'), '--view', 'attributes']);
    expect(attrs.stdout).toContain('tool.name');
    const json = JSON.parse((await timed(['span', 'get', trace(5), spanOf(5, 'http'), '--view', 'json'])).stdout) as { name: string };
    expect(json.name).toBe('GET');
  });

  it('runs as a built command (cold start included), when a build exists', (ctx) => {
    // CATALYST_CLI_BIN points at another build (e.g. `node scripts/build.mjs --out .cache/build`).
    const entry = [process.env.CATALYST_CLI_BIN, join(REPO, 'dist/cli.js'), join(REPO, 'dist/src/cli/main.js')].find((p): p is string => !!p && existsSync(p));
    if (!entry) {
      ctx.skip(true, 'skipped: no built CLI (dist/cli.js or dist/src/cli/main.js); run `npm run build` first');
      return;
    }
    for (const args of [['trace', 'list'], ['trace', 'get', 'last'], ['span', 'list', '--kind', 'LLM', '--sort', 'total_tokens']]) {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [entry, ...args, '--dir', store.dir], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      timings.push([`(spawned node ${entry.startsWith(REPO) ? entry.slice(REPO.length + 1) : entry}) ${args.join(' ')}`, performance.now() - t0]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout.length).toBeGreaterThan(0);
    }
  });
});
