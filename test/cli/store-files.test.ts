import { mkdirSync, readdirSync, readFileSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listStoreFiles, scanMatching, scanSpans, scanStarts, scanTraceIds } from '../../src/cli/store-reader';
import { STORE_FILE_NAME, type StoredSpan } from '../../src/store/format';
import { StoreAppender } from '../../src/store/store-appender';
import { tempDir } from './helpers/run';
import { hexId, span } from './helpers/store-gen.mjs';

let t: { dir: string; cleanup: () => void };
beforeAll(() => (t = tempDir('catalyst-store-files-')));
afterAll(() => t.cleanup());

let n = 0;
function folder(): string {
  const dir = join(t.dir, `case-${n++}`);
  mkdirSync(dir);
  return dir;
}

const mk = (i: number): StoredSpan => span({ traceId: hexId(`t${i}`, 16), spanId: hexId(`s${i}`, 8), name: `span ${i}`, start: 1e12 + i, end: 1e12 + i + 1, resource: {} });
const lines = (...spans: StoredSpan[]): string => spans.map((s) => `${JSON.stringify(s)}\n`).join('');

describe('the store writer', () => {
  it('starts each file with its header, under the store naming scheme', () => {
    const dir = folder();
    const store = new StoreAppender({ dir, maxBytes: 1024 * 1024, writer: 'agent' });
    store.append(lines(mk(0)));
    store.append(lines(mk(1)));
    expect(readdirSync(dir)).toEqual([store.file.slice(dir.length + 1)]);
    expect(readdirSync(dir)[0]).toMatch(STORE_FILE_NAME);
    expect(readFileSync(store.file, 'utf8')).toBe(`{"catalystTraceStore":1,"writer":"agent"}\n${lines(mk(0), mk(1))}`);
  });

  it('rotates at a quarter of the cap and prunes its own oldest files, never the one it writes', () => {
    const dir = folder();
    const pruned: string[] = [];
    const store = new StoreAppender({ dir, maxBytes: 40_000, writer: 'serve', onPrune: (m) => pruned.push(m) });
    const big = (i: number): string => lines({ ...mk(i), attributes: { text: 'y'.repeat(4000) } });
    for (let i = 0; i < 60; i++) store.append(big(i));
    const files = readdirSync(dir);
    expect(files.every((f) => STORE_FILE_NAME.test(f))).toBe(true);
    expect(files.length).toBeGreaterThan(2);
    const total = files.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
    expect(total).toBeLessThanOrEqual(40_000 + 10_000 + 4200);
    expect(files).toContain(store.file.slice(dir.length + 1));
    // Said once, however many times it pruned.
    expect(pruned).toHaveLength(1);
    expect(pruned[0]).toMatch(/is over its cap of 40 KB \(CATALYST_STORE_MAX_MB\): its oldest files are removed \(1 now, \d+ KB\)/);
  });

  it('never removes or counts a file without the header, even one named like its own', () => {
    const dir = folder();
    const legacy = join(dir, '2020-01-01T00-00-00.000Z-1-abcdef.jsonl');
    const content = lines(mk(9)).repeat(400);
    writeFileSync(legacy, content);
    utimesSync(legacy, new Date(0), new Date(0));
    const store = new StoreAppender({ dir, maxBytes: 20_000, writer: 'agent' });
    for (let i = 0; i < 40; i++) store.append(lines({ ...mk(i), attributes: { text: 'z'.repeat(2000) } }));
    expect(readFileSync(legacy, 'utf8')).toBe(content);
    // Its own files still fit the cap (plus the current one): the legacy file did not make it remove more.
    const own = readdirSync(dir).filter((f) => join(dir, f) !== legacy);
    expect(own.length).toBeGreaterThan(1);
  });

  it('starts a new file, header included, when its file was removed under it', () => {
    const dir = folder();
    const store = new StoreAppender({ dir, maxBytes: 1024 * 1024, writer: 'agent' });
    store.append(lines(mk(0)));
    const first = store.file;
    unlinkSync(first);
    store.append(lines(mk(1)));
    expect(store.file).not.toBe(first);
    expect(readFileSync(store.file, 'utf8')).toBe(`{"catalystTraceStore":1,"writer":"agent"}\n${lines(mk(1))}`);
  });
});

describe('the store reader and the header', () => {
  it('skips the header line (not a span, not corrupt), and reads files without one as before', async () => {
    const dir = folder();
    const store = new StoreAppender({ dir, maxBytes: 1024 * 1024, writer: 'agent' });
    store.append(lines(mk(0), mk(1)));
    writeFileSync(join(dir, 'older.jsonl'), lines(mk(2)));
    const files = await listStoreFiles(dir);
    const names: string[] = [];
    const stats = await scanSpans({ files, onSpan: (s) => names.push(s.name) });
    expect(names.sort()).toEqual(['span 0', 'span 1', 'span 2']);
    expect(stats).toMatchObject({ spans: 3, corrupt: 0 });
    // With the filters that skip lines unparsed, too.
    const filtered = await scanSpans({ files, traceIds: new Set([mk(1).traceId]), prefilter: () => false, onSpan: () => undefined });
    expect(filtered).toMatchObject({ spans: 3, corrupt: 0 });
    const starts: string[] = [];
    expect(await scanStarts(files, (id) => starts.push(id))).toMatchObject({ spans: 3, corrupt: 0 });
    expect(starts.sort()).toEqual([mk(0), mk(1), mk(2)].map((s) => s.traceId).sort());
    const matched = await scanMatching({ files, needle: 'catalystTraceStore', onSpan: () => undefined });
    expect(matched).toMatchObject({ spans: 0, corrupt: 0 });
    expect(await scanTraceIds(files, 'agent')).toEqual(new Set());
  });
});
