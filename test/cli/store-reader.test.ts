import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listStoreFiles, newStats, readLines, scanMatching, scanSpans, scanStarts, statsNotes } from '../../src/cli/store-reader';
import type { StoredSpan } from '../../src/store/format';
import { FIXTURE_STORE, tempDir } from './helpers/run';
import { hexId, span } from './helpers/store-gen.mjs';

let t: { dir: string; cleanup: () => void };
beforeAll(() => (t = tempDir('catalyst-reader-')));
afterAll(() => t.cleanup());

const mk = (i: number, extra: Record<string, unknown> = {}): StoredSpan =>
  span({ traceId: hexId(`t${i % 3}`, 16), spanId: hexId(`s${i}`, 8), parentSpanId: i % 3 ? hexId(`s${i - (i % 3)}`, 8) : undefined, name: `span ${i}`, start: 1e12 + i, end: 1e12 + i + 1, resource: {}, ...extra });

describe('store reader', () => {
  it('reads lines across 1 MiB piece boundaries, multi-byte characters included, CRLF and a last line without newline', async () => {
    const lines: string[] = [];
    // Lines of ~300 KiB with multi-byte characters, so that pieces end inside lines and inside characters.
    for (let i = 0; i < 12; i++) lines.push(JSON.stringify(mk(i, { attributes: { text: `${'é✓😀'.repeat(25_000 + i * 997)}|${i}` } })));
    const file = join(t.dir, 'big.jsonl');
    writeFileSync(file, `${lines.slice(0, 6).join('\r\n')}\r\n${lines.slice(6).join('\n')}`);
    const seen: string[] = [];
    await readLines(file, (l) => seen.push(l.replace(/\r$/, '')));
    expect(seen).toEqual(lines);
    const stats = await scanSpans({ files: await listStoreFiles(t.dir), onSpan: () => {} });
    expect(stats).toMatchObject({ spans: 12, corrupt: 0 });
  });

  it('skips and counts corrupt lines, ignores blank ones, and keeps every other span', async () => {
    const dir = join(t.dir, 'corrupt');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    const good = [0, 1, 2, 3].map((i) => JSON.stringify(mk(i)));
    writeFileSync(join(dir, 'a.jsonl'), [good[0], '', '   ', 'garbage', good[1], '{"traceId":"x","spanId":"y","startTime":"soon","endTime":1}', good[2], good[3]!.slice(0, 60)].join('\n'));
    writeFileSync(join(dir, 'b.jsonl'), `${good[3]}\n`);
    writeFileSync(join(dir, 'ignored.txt'), 'not a store file\n');
    const files = await listStoreFiles(dir);
    expect(files.map((f) => f.name).sort()).toEqual(['a.jsonl', 'b.jsonl']);
    const names: string[] = [];
    const stats = await scanSpans({ files, onSpan: (s) => names.push(s.name) });
    expect(names.sort()).toEqual(['span 0', 'span 1', 'span 2', 'span 3']);
    expect(stats.corrupt).toBe(3);
    expect(statsNotes(stats)).toEqual(['skipped 3 corrupt lines in 1 file (half-written by a process that was killed, or edited by hand)']);

    // The byte-level scans agree with the full parse.
    const starts: Array<[string, number, boolean]> = [];
    const s2 = await scanStarts(files, (id, start, root) => starts.push([id, start, root]));
    expect(s2.corrupt).toBe(3);
    expect(starts.sort()).toEqual([0, 1, 2, 3].map((i) => [mk(i).traceId, mk(i).startTime, mk(i).parentSpanId === undefined] as [string, number, boolean]).sort());
    const matched: string[] = [];
    await scanMatching({ files, needle: mk(1).traceId, onSpan: (s) => matched.push(s.spanId) });
    expect(matched).toEqual([mk(1).spanId]);
  });

  it('reads trace ids and start times off line heads exactly as a full parse does, on the fixture store', async () => {
    const files = await listStoreFiles(FIXTURE_STORE);
    const full: string[] = [];
    const fast: string[] = [];
    const a = await scanSpans({ files, onSpan: (s) => full.push(`${s.traceId} ${s.startTime} ${s.parentSpanId === undefined}`) }, newStats());
    const b = await scanStarts(files, (id, start, root) => fast.push(`${id} ${start} ${root}`));
    expect(fast.sort()).toEqual(full.sort());
    expect(b.corrupt).toBe(a.corrupt);
    expect(a.corrupt).toBe(2);
  });
});
