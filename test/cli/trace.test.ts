import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_STORE, plain, run, tempDir } from './helpers/run';
import { FIXTURE_IDS, fixtureFiles, hexId, span, writeFixtureStore } from './helpers/store-gen.mjs';

const dir = ['--dir', FIXTURE_STORE];

describe('fixture store', () => {
  it('is what the generator makes (regenerate with node test/cli/helpers/store-gen.mjs fixtures/store)', () => {
    for (const f of fixtureFiles()) expect(readFileSync(join(FIXTURE_STORE, f.name), 'utf8')).toBe(f.text);
  });
});

describe('trace list', () => {
  it('lists traces newest first with their facts, and counts the corrupt lines on stderr', async () => {
    const r = await run(['trace', 'list', ...dir]);
    expect(r.code).toBe(0);
    const lines = plain(r.stdout).filter(Boolean);
    expect(lines[0]).toMatch(/^TRACE\s+START\s+DURATION\s+ROOT\s+AGENT\s+SESSION\s+SPANS\s+LLM\s+TOKENS\s+STATUS$/);
    const ids = lines.slice(1).map((l) => l.split(/\s+/)[0]);
    expect(ids).toEqual([FIXTURE_IDS.main, FIXTURE_IDS.gateway, FIXTURE_IDS.privacy, FIXTURE_IDS.ratelimit, FIXTURE_IDS.support].map((id) => id.slice(0, 8)));
    const main = lines[1]!;
    expect(main).toMatch(/4\.82s\s+travel-agent\s+travel-agent\s+sess-7f3a\s+7\s+2\s+1,983\s+error \(1\)$/);
    expect(lines[2]).toMatch(/1\.90s\s+POST \/v1\/chat\s+support-bot\s+sess-c002\s+3\s+1\s+329\s+ok$/);
    expect(r.stderr).toBe('note: skipped 2 corrupt lines in 1 file (half-written by a process that was killed, or edited by hand)\n');
  });

  it('--json gives full ids and every field', async () => {
    const r = await run(['trace', 'list', '--json', ...dir]);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(list).toHaveLength(5);
    expect(list[0]).toMatchObject({
      traceId: FIXTURE_IDS.main,
      rootName: 'travel-agent',
      agent: 'travel-agent',
      agentId: 'agent-travel-01',
      sessionId: 'sess-7f3a',
      userId: 'u-42',
      service: 'travel-assistant',
      spanCount: 7,
      llmCalls: 2,
      totalTokens: 1983,
      errorCount: 1,
      status: 'ERROR',
      hasRoot: true,
    });
    expect(list[0]!.durationMs as number).toBeCloseTo(4820.412, 3);
    // The distributed trace: its root came from another service, in another file.
    expect(list[1]).toMatchObject({ traceId: FIXTURE_IDS.gateway, rootName: 'POST /v1/chat', service: 'gateway', agent: 'support-bot', spanCount: 3 });
  });

  it('filters by service, agent (id or name), session and status, and limits', async () => {
    const ids = async (...args: string[]): Promise<string[]> => (JSON.parse((await run(['trace', 'list', '--json', ...dir, ...args])).stdout) as Array<{ traceId: string }>).map((t) => t.traceId);
    expect(await ids('--service', 'gateway')).toEqual([FIXTURE_IDS.gateway]);
    expect(await ids('--service', 'support-bot')).toEqual([FIXTURE_IDS.gateway, FIXTURE_IDS.support]);
    expect(await ids('--agent', 'agent-support-02')).toEqual([FIXTURE_IDS.gateway, FIXTURE_IDS.support]);
    expect(await ids('--agent', 'travel-agent')).toEqual([FIXTURE_IDS.main, FIXTURE_IDS.privacy, FIXTURE_IDS.ratelimit]);
    expect(await ids('--session', 'sess-7f3a')).toEqual([FIXTURE_IDS.main, FIXTURE_IDS.privacy]);
    expect(await ids('--status', 'error')).toEqual([FIXTURE_IDS.main, FIXTURE_IDS.ratelimit]);
    expect(await ids('--status', 'ok')).toEqual([FIXTURE_IDS.gateway, FIXTURE_IDS.privacy, FIXTURE_IDS.support]);
    expect(await ids('--limit', '2')).toEqual([FIXTURE_IDS.main, FIXTURE_IDS.gateway]);
    const limited = await run(['trace', 'list', '--limit', '2', ...dir]);
    expect(plain(limited.stdout).at(-2)).toBe('showing 2 of 5 traces; --limit N for more');
    const none = await run(['trace', 'list', '--agent', 'nobody', ...dir]);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe(`No traces match (17 spans read in ${FIXTURE_STORE}).\n`);
    const old = await run(['trace', 'list', '--range', '1h', ...dir], { now: Date.UTC(2026, 0, 1) });
    expect(old.stdout).toMatch(/^No traces (in the last 1h in|match)/);
  });

  it('--range keeps traces started inside it, and rejects a bad range in one line', async () => {
    const now = Date.UTC(2025, 5, 1, 9, 6, 0);
    const within = async (range: string): Promise<number> => (JSON.parse((await run(['trace', 'list', '--json', '--range', range, ...dir], { now })).stdout) as unknown[]).length;
    expect(await within('2m')).toBe(1); // 09:05 only
    expect(await within('4m')).toBe(3); // 09:02, 09:03, 09:05
    expect(await within('1h')).toBe(5);
    for (const bad of ['3x', '15', 'm', '0h', '-5m']) {
      const r = await run(['trace', 'list', `--range=${bad}`, ...dir]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`catalyst-tracing: invalid --range '${bad}': use a number and a unit (s, m, h, d or w), e.g. 15m, 1h, 24h or 7d\n`);
    }
  });

  it('fits the table to the terminal width: long cells cut with an ellipsis, then minor columns dropped', async () => {
    const r = await run(['trace', 'list', ...dir], { isTTY: true, columns: 90, env: { NO_COLOR: '1' } });
    for (const l of plain(r.stdout)) expect(l.length).toBeLessThanOrEqual(90);
    expect(r.stdout).toContain('…');
    const narrow = await run(['trace', 'list', ...dir], { isTTY: true, columns: 60, env: { NO_COLOR: '1' } });
    const lines = plain(narrow.stdout);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(60);
    expect(lines[0]).toMatch(/^TRACE\s+START\s+DURATION\s+ROOT/);
    expect(lines[0]).toMatch(/STATUS$/);
    // Piped without $COLUMNS, nothing is cut.
    expect((await run(['trace', 'list', ...dir])).stdout).not.toContain('…');
  });

  it('colours only on a terminal, and never with --no-color or NO_COLOR', async () => {
    expect((await run(['trace', 'list', ...dir])).stdout).not.toContain('\u001b[');
    expect((await run(['trace', 'list', ...dir], { isTTY: true, columns: 120 })).stdout).toContain('\u001b[');
    expect((await run(['trace', 'list', '--no-color', ...dir], { isTTY: true, columns: 120 })).stdout).not.toContain('\u001b[');
    expect((await run(['--no-color', 'trace', 'list', ...dir], { isTTY: true, columns: 120 })).stdout).not.toContain('\u001b[');
    expect((await run(['trace', 'list', ...dir], { isTTY: true, columns: 120, env: { NO_COLOR: '1' } })).stdout).not.toContain('\u001b[');
  });
});

describe('trace get', () => {
  it('--view tree (the default) shows the hierarchy with kind, name, duration, model, tokens and errors', async () => {
    const r = await run(['trace', 'get', 'last', ...dir]);
    expect(r.code).toBe(0);
    const lines = plain(r.stdout);
    expect(lines[0]).toBe(`Trace ${FIXTURE_IDS.main}`);
    expect(lines[1]).toMatch(/^travel-agent · \d{4}-\d\d-\d\d \d\d:\d\d:\d\d · 4\.82s · 7 spans · 2 LLM calls · 1,983 tokens · 1 error$/);
    expect(lines[2]).toBe('service travel-assistant · agent travel-agent (agent-travel-01) · session sess-7f3a · user u-42');
    const s = (n: string): string => FIXTURE_IDS.span('main', n).slice(0, 8);
    const body = lines.slice(4).filter(Boolean);
    expect(body).toHaveLength(7);
    expect(body[0]).toMatch(new RegExp(`^${s('agent')}  AGENT  travel-agent\\s+4\\.82s$`));
    expect(body[1]).toMatch(new RegExp(`^${s('llm1')}  ├─ LLM    openai\\.chat\\.completions\\s+1\\.21s  gpt-4o-mini\\s+450 tok$`));
    expect(body[2]).toMatch(new RegExp(`^${s('weather')}  ├─ TOOL   get_weather\\s+88ms$`));
    expect(body[3]).toMatch(new RegExp(`^${s('flights1')}  ├─ TOOL   search_flights\\s+✗ 2\\.00s  TimeoutError: flights API did not answer within 2000ms$`));
    expect(body[4]).toMatch(new RegExp(`^${s('flights2')}  ├─ TOOL   search_flights\\s+450ms$`));
    expect(body[5]).toMatch(new RegExp(`^${s('http')}  │  └─ CLIENT GET\\s+415ms$`));
    expect(body[6]).toMatch(new RegExp(`^${s('llm2')}  └─ LLM    openai\\.chat\\.completions\\s+1\\.08s  gpt-4o-mini\\s+1,533 tok$`));
    // Durations line up in one column.
    const durEnds = body.map((l) => {
      const m = /\d+(\.\d+)?m?s\b/.exec(l)!;
      return m.index + m[0].length;
    });
    expect(new Set(durEnds).size).toBe(1);
  });

  it('accepts a full id or a unique prefix, and joins spans of one trace from several files', async () => {
    const full = await run(['trace', 'get', FIXTURE_IDS.gateway, ...dir]);
    const prefix = await run(['trace', 'get', FIXTURE_IDS.gateway.slice(0, 5).toUpperCase(), ...dir]);
    expect(full.code).toBe(0);
    expect(prefix.stdout).toBe(full.stdout);
    const body = plain(full.stdout).slice(4).filter(Boolean);
    expect(body).toHaveLength(3);
    expect(body[0]).toMatch(/^\w{8}  SERVER POST \/v1\/chat\s+1\.90s$/);
    expect(body[1]).toMatch(/^\w{8}  └─ AGENT  support-bot\s+1\.87s$/);
    expect(body[2]).toMatch(/^\w{8}     └─ LLM    anthropic\.messages\.create\s+1\.85s  claude-sonnet-4-5  329 tok$/);
    expect(plain(full.stdout)[2]).toBe('service gateway · agent support-bot (agent-support-02) · session sess-c002 · user u-99');
  });

  it('--view timeline draws one bar per span, scaled to the width and aligned after the names', async () => {
    for (const columns of [70, 100, 160]) {
      const r = await run(['trace', 'get', 'last', '--view', 'timeline', ...dir], { isTTY: true, columns, env: { NO_COLOR: '1' } });
      expect(r.code).toBe(0);
      const lines = plain(r.stdout);
      const rows = lines.filter((l) => l.includes('█'));
      expect(rows).toHaveLength(7);
      for (const l of lines) expect(l.length).toBeLessThanOrEqual(columns);
      // Every bar area starts in the same column: the root's bar starts there and fills it.
      const root = rows[0]!;
      const barStart = root.indexOf('█');
      const barEnd = root.lastIndexOf('█');
      for (const row of rows) {
        expect(row.indexOf('█')).toBeGreaterThanOrEqual(barStart);
        expect(row.lastIndexOf('█')).toBeLessThanOrEqual(barEnd);
      }
      // Bars follow time: the retried search starts after the failed one, the final LLM call ends the trace.
      expect(rows[4]!.indexOf('█')).toBeGreaterThan(rows[3]!.indexOf('█'));
      expect(rows[6]!.lastIndexOf('█')).toBe(barEnd);
      expect(rows[3]).toMatch(/2\.00s ✗$/);
      // Wider terminals get longer bars.
      expect(barEnd - barStart).toBeGreaterThan(columns / 4);
    }
  });

  it('--view json prints the stored spans, oldest first, each span once', async () => {
    const r = await run(['trace', 'get', FIXTURE_IDS.support.slice(0, 10), '--view', 'json', ...dir]);
    expect(r.code).toBe(0);
    const spans = JSON.parse(r.stdout) as Array<{ spanId: string; startTime: number }>;
    expect(spans.map((s) => s.spanId)).toEqual(['agent', 'kb', 'llm'].map((n) => FIXTURE_IDS.span('support', n)));
    expect((await run(['trace', 'get', FIXTURE_IDS.support, '--json', ...dir])).stdout).toBe(r.stdout);
  });

  it('says clearly when a trace is unknown, an id is invalid or a prefix is ambiguous', async () => {
    const unknown = await run(['trace', 'get', 'deadbeef', ...dir]);
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toBe(`catalyst-tracing: no trace starting with 'deadbeef' in ${FIXTURE_STORE}\n`);
    const unknownFull = await run(['trace', 'get', 'ab'.repeat(16), ...dir]);
    expect(unknownFull.stderr).toBe(`catalyst-tracing: no trace ${'ab'.repeat(16)} in ${FIXTURE_STORE}\n`);
    const invalid = await run(['trace', 'get', 'not-an-id', ...dir]);
    expect(invalid).toMatchObject({ code: 2, stderr: "catalyst-tracing: invalid trace id 'not-an-id': give a hex trace id, a prefix of one, or 'last'\n" });
    const view = await run(['trace', 'get', 'last', '--view', 'graph', ...dir]);
    expect(view).toMatchObject({ code: 2, stderr: "catalyst-tracing: invalid --view 'graph': use one of tree, timeline, json\n" });

    const t = tempDir();
    try {
      const lines = ['abcd1111', 'abcd2222'].map((p, i) =>
        JSON.stringify(span({ traceId: p + '0'.repeat(23) + String(i + 1), spanId: hexId(p, 8), name: `t${i}`, start: 1e12 + i, end: 1e12 + i + 5, resource: {} })),
      );
      writeFileSync(join(t.dir, 'a.jsonl'), `${lines.join('\n')}\n`);
      const r = await run(['trace', 'get', 'abcd', '--dir', t.dir]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^catalyst-tracing: trace prefix 'abcd' is ambiguous: it matches 2 traces \(abcd1111\w*, abcd2222\w*\); type more of the id\n$/);
      expect((await run(['trace', 'get', 'abcd2', '--dir', t.dir])).code).toBe(0);
    } finally {
      t.cleanup();
    }
  });
});

describe('a store in a bad state', () => {
  let t: { dir: string; cleanup: () => void };
  beforeAll(() => (t = tempDir()));
  afterAll(() => t.cleanup());

  it('an empty store: a message, exit 0 for lists, exit 1 for a lookup', async () => {
    const empty = join(t.dir, 'empty');
    mkdirSync(empty);
    expect(await run(['trace', 'list', '--dir', empty])).toMatchObject({ code: 0, stdout: `No traces in ${empty} (the store is empty).\n`, stderr: '' });
    expect(await run(['span', 'list', '--dir', empty])).toMatchObject({ code: 0, stdout: `No spans in ${empty}.\n` });
    expect(await run(['trace', 'get', 'last', '--dir', empty])).toMatchObject({ code: 1, stdout: '', stderr: `catalyst-tracing: no traces in ${empty}\n` });
  });

  it('a folder that does not exist, or is not a folder: one line, exit 1', async () => {
    const missing = join(t.dir, 'nope');
    for (const cmd of [['trace', 'list'], ['trace', 'get', 'last'], ['span', 'list'], ['span', 'get', 'last', 'ab']]) {
      const r = await run([...cmd, '--dir', missing]);
      expect(r).toMatchObject({ code: 1, stdout: '' });
      expect(r.stderr).toBe(`catalyst-tracing: no trace store at ${missing}: the folder does not exist (run an app with --import @catalyst/tracing/register first, or pass --dir)\n`);
    }
    const file = join(t.dir, 'file.txt');
    writeFileSync(file, 'x');
    expect(await run(['trace', 'list', '--dir', file])).toMatchObject({ code: 1, stderr: `catalyst-tracing: cannot read the trace store at ${file}: it is not a folder\n` });
  });

  it('a folder that cannot be read: one line, exit 1', async () => {
    if (process.getuid?.() === 0) return; // root reads everything; covered by the not-a-folder case
    const locked = join(t.dir, 'locked');
    mkdirSync(locked, { mode: 0o000 });
    expect(await run(['trace', 'list', '--dir', locked])).toMatchObject({ code: 1, stderr: `catalyst-tracing: cannot read the trace store at ${locked}: permission denied\n` });
  });

  it('a store of nothing but corrupt lines: no traces, the lines counted', async () => {
    const junk = join(t.dir, 'junk');
    mkdirSync(junk);
    writeFileSync(join(junk, 'x.jsonl'), 'not json\n{"traceId":"ab"}\n[1,2]\n\n{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b71');
    const r = await run(['trace', 'list', '--dir', junk]);
    expect(r).toMatchObject({ code: 0, stdout: `No traces in ${junk}.\n` });
    expect(r.stderr).toBe('note: skipped 4 corrupt lines in 1 file (half-written by a process that was killed, or edited by hand)\n');
  });

  it('the default store is $CATALYST_TRACES_DIR, and --dir wins over it', async () => {
    const a = join(t.dir, 'env-store');
    writeFixtureStore(a);
    const viaEnv = await run(['trace', 'list', '--json'], { env: { CATALYST_TRACES_DIR: a } });
    expect((JSON.parse(viaEnv.stdout) as unknown[]).length).toBe(5);
    const viaFlag = await run(['trace', 'list', '--dir', join(t.dir, 'empty')], { env: { CATALYST_TRACES_DIR: a } });
    expect(viaFlag.stdout).toMatch(/^No traces/);
  });
});

describe('reading newest files first', () => {
  it('stops early when older files cannot change the answer, and says so', async () => {
    const t = tempDir();
    try {
      const { utimesSync } = await import('node:fs');
      const now = Date.UTC(2025, 5, 2, 12, 0, 0);
      const mkTrace = (label: string, start: number): string =>
        [
          span({ traceId: hexId(label, 16), spanId: hexId(`${label}-c`, 8), parentSpanId: hexId(`${label}-r`, 8), name: 'child', start: start + 10, end: start + 20, resource: {} }),
          span({ traceId: hexId(label, 16), spanId: hexId(`${label}-r`, 8), name: label, start, end: start + 30, resource: {} }),
        ]
          .map((s) => JSON.stringify(s))
          .join('\n');
      // Old file: two old traces and a corrupt line; new file: two recent traces.
      writeFileSync(join(t.dir, 'old.jsonl'), `${mkTrace('old-1', now - 7_200_000)}\n${mkTrace('old-2', now - 7_100_000)}\n{"traceId":"cut`);
      writeFileSync(join(t.dir, 'new.jsonl'), `${mkTrace('new-1', now - 60_000)}\n${mkTrace('new-2', now - 30_000)}\n`);
      utimesSync(join(t.dir, 'old.jsonl'), new Date(now - 7_000_000), new Date(now - 7_000_000));
      utimesSync(join(t.dir, 'new.jsonl'), new Date(now - 20_000), new Date(now - 20_000));

      const two = await run(['trace', 'list', '--limit', '2', '--dir', t.dir], { now });
      expect(plain(two.stdout).filter(Boolean).slice(1, 3).map((l) => l.split(/\s+/)[4])).toEqual(['new-2', 'new-1']);
      expect(plain(two.stdout).at(-2)).toBe('showing the 2 most recent traces; --limit N for more');
      expect(two.stderr).toBe(''); // the old file (and its corrupt line) was never read
      const all = await run(['trace', 'list', '--dir', t.dir], { now });
      expect(plain(all.stdout).filter(Boolean)).toHaveLength(1 + 4);
      expect(all.stderr).toContain('skipped 1 corrupt line in 1 file');
      // --range skips files last written before the range began.
      const recent = await run(['trace', 'list', '--range', '1h', '--json', '--dir', t.dir], { now });
      expect((JSON.parse(recent.stdout) as Array<{ rootName: string }>).map((x) => x.rootName)).toEqual(['new-2', 'new-1']);
      expect(recent.stderr).toBe('');
      expect(plain((await run(['trace', 'get', 'last', '--dir', t.dir], { now })).stdout)[1]).toMatch(/^new-2 · /);

      // mtimes that say nothing (a copied store: every file touched now) only cost a full read, never a wrong answer.
      utimesSync(join(t.dir, 'old.jsonl'), new Date(now), new Date(now));
      utimesSync(join(t.dir, 'new.jsonl'), new Date(now), new Date(now));
      const copied = await run(['trace', 'list', '--limit', '2', '--json', '--dir', t.dir], { now });
      expect((JSON.parse(copied.stdout) as Array<{ rootName: string }>).map((x) => x.rootName)).toEqual(['new-2', 'new-1']);
      expect(plain((await run(['trace', 'get', 'last', '--dir', t.dir], { now })).stdout)[1]).toMatch(/^new-2 · /);
    } finally {
      t.cleanup();
    }
  });
});
