// The local trace store shares its folder with whatever else the user keeps
// there (CATALYST_TRACES_DIR can name a project folder): it only ever removes
// files it wrote, keeps its own files under the cap, says once when it prunes,
// and keeps what it writes private to the user.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChild } from '../harness/run-child.mjs';
import { APPS, NODE, agentLines, buildDist, lineOf } from './helpers.mjs';

/** @type {string} */
let DIST;
/** @type {string[]} */
const temps = [];

beforeAll(() => {
  DIST = buildDist('store');
});
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

function tempDir() {
  const d = mkdtempSync(join(tmpdir(), 'catalyst-store-'));
  temps.push(d);
  return d;
}

const MB = 1024 * 1024;
const DAY = 86_400_000;
const OWN_NAME = /^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z-\d+-[0-9a-f]{6}\.jsonl$/;
const HEADER = '{"catalystTraceStore":1,"writer":"agent"}\n';

/** Bytes that differ all along the file, so that a truncation or rewrite anywhere shows. @param {number} size @param {number} seed */
function bytes(size, seed) {
  const buf = Buffer.alloc(size);
  for (let i = 0; i < size; i++) buf[i] = (i * 31 + seed * 7 + (i >> 8)) & 0xff;
  // JSON-lines looking, as a user's dataset would be
  return Buffer.concat([Buffer.from(`{"prompt":"seed ${seed}","completion":"..."}\n`), buf, Buffer.from('\n')]);
}

/**
 * Runs the filler app with the preload (`node --import <dist>/register.js`), no
 * endpoint, in `cwd`.
 * @param {string} cwd @param {Record<string, string>} env
 */
async function fill(cwd, env) {
  const r = await runChild({
    script: join(APPS, 'store-filler.cjs'),
    cwd,
    preload: 'import',
    registerPath: join(DIST, 'register.js'),
    env: { CATALYST_DIST: DIST, OTEL_BSP_SCHEDULE_DELAY: '10', ...env },
    timeoutMs: 60_000,
    nodeBinary: NODE,
  });
  expect(r.code, r.stderr).toBe(0);
  return r;
}

/** The store's own files in `dir` (its names and its header), with their sizes. @param {string} dir */
function ownFiles(dir) {
  return readdirSync(dir)
    .filter((n) => OWN_NAME.test(n) && readFileSync(join(dir, n), 'utf8').startsWith('{"catalystTraceStore":'))
    .map((n) => ({ name: n, size: statSync(join(dir, n)).size }));
}

describe('the local store in a folder it shares with other files', () => {
  it('CATALYST_TRACES_DIR=. in a project folder: every foreign .jsonl file keeps every byte; only its own oldest files are pruned, with one line', async () => {
    const project = tempDir();
    chmodSync(project, 0o755);
    const now = Date.now();
    /** @type {Array<{ name: string, data: Buffer, ageDays: number }>} */
    const foreign = [
      { name: 'train.jsonl', data: bytes(3 * MB, 1), ageDays: 400 },
      { name: 'eval-results.jsonl', data: bytes(642 * 1024, 2), ageDays: 30 },
      { name: 'empty.jsonl', data: Buffer.alloc(0), ageDays: 2 },
      { name: 'tiny.jsonl', data: Buffer.from('{"a":1}\n'), ageDays: 0 },
      // Named exactly as the store names its files, but without its header: an
      // older version's file, or another tool's. Not provably ours, so never removed.
      { name: '2020-01-01T00-00-00.000Z-1-abcdef.jsonl', data: bytes(700 * 1024, 3), ageDays: 1500 },
      { name: '2024-06-01T12-00-00.000Z-4242-0a0b0c.jsonl', data: Buffer.from('{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"old","kind":"INTERNAL","startTime":1,"endTime":2,"status":{"code":"UNSET"},"attributes":{},"resource":{}}\n'), ageDays: 300 },
    ];
    for (const f of foreign) {
      writeFileSync(join(project, f.name), f.data);
      const t = new Date(now - f.ageDays * DAY);
      utimesSync(join(project, f.name), t, t);
    }
    mkdirSync(join(project, 'data.jsonl')); // a folder with the suffix
    writeFileSync(join(project, 'data.jsonl', 'inside.jsonl'), bytes(100, 4));
    if (process.platform !== 'win32') symlinkSync(join(project, 'train.jsonl'), join(project, '2021-01-01T00-00-00.000Z-7-123456.jsonl'));
    // Two files the store wrote in earlier runs: the oldest of its own, to be pruned first.
    const ownOld = ['2022-01-01T00-00-00.000Z-11-aaaaaa.jsonl', '2022-01-02T00-00-00.000Z-12-bbbbbb.jsonl'];
    for (const [i, name] of ownOld.entries()) {
      writeFileSync(join(project, name), Buffer.concat([Buffer.from(HEADER), Buffer.from(`${'{"traceId":"x"}\n'.repeat(20_000)}`)]));
      const t = new Date(now - (10 - i) * DAY);
      utimesSync(join(project, name), t, t);
    }

    // About 3 MB of spans in ~100 batches against a 1 MB cap.
    const r = await fill(project, { CATALYST_TRACES_DIR: '.', CATALYST_STORE_MAX_MB: '1', SPANS: '300', SPAN_KB: '10', GROUP: '3' });
    expect(lineOf(r.stdout, 'RESULT')).toEqual({ made: 300 });

    for (const f of foreign) {
      const now = readFileSync(join(project, f.name));
      expect(now.length, f.name).toBe(f.data.length);
      expect(now.equals(f.data), f.name).toBe(true);
    }
    expect(readFileSync(join(project, 'data.jsonl', 'inside.jsonl')).equals(bytes(100, 4))).toBe(true);
    if (process.platform !== 'win32') expect(readdirSync(project)).toContain('2021-01-01T00-00-00.000Z-7-123456.jsonl');
    // The project folder keeps the mode it had.
    if (process.platform !== 'win32') expect(statSync(project).mode & 0o777).toBe(0o755);

    // Its own oldest files went first, and what is left of its own fits the cap
    // (plus the file being written, rotated at a quarter of the cap).
    const own = ownFiles(project);
    for (const name of ownOld) expect(own.map((f) => f.name)).not.toContain(name);
    expect(own.length).toBeGreaterThan(1);
    const total = own.reduce((s, f) => s + f.size, 0);
    expect(total).toBeGreaterThan(0.5 * MB);
    expect(total).toBeLessThanOrEqual(1.25 * MB + 64 * 1024);

    // One line, however many times it pruned.
    const lines = agentLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[catalyst-tracing\] the local trace store at \. is over its cap of 1 MB \(CATALYST_STORE_MAX_MB\): its oldest files are removed \(\d+ now, [\d.]+ MB\); only files the store wrote are ever removed$/);
  });

  it('a run under the cap removes nothing and says nothing', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'train.jsonl'), bytes(2 * MB, 5));
    const r = await fill(dir, { CATALYST_TRACES_DIR: dir, CATALYST_STORE_MAX_MB: '1', SPANS: '5', SPAN_KB: '1' });
    expect(r.stderr).toBe('');
    expect(readFileSync(join(dir, 'train.jsonl')).equals(bytes(2 * MB, 5))).toBe(true);
    expect(ownFiles(dir)).toHaveLength(1);
  });
});

describe.skipIf(process.platform === 'win32')('the local store is private to the user', () => {
  it('creates its folders 0700 and its files 0600', async () => {
    const root = tempDir();
    const store = join(root, 'new', 'traces');
    await fill(root, { CATALYST_TRACES_DIR: store, SPANS: '3', SPAN_KB: '1' });
    expect(statSync(join(root, 'new')).mode & 0o777).toBe(0o700);
    expect(statSync(store).mode & 0o777).toBe(0o700);
    const files = readdirSync(store);
    expect(files).toHaveLength(1);
    expect(statSync(join(store, files[0])).mode & 0o777).toBe(0o600);
  });

  it('leaves the mode of a folder that already existed', async () => {
    const store = tempDir();
    chmodSync(store, 0o750);
    await fill(store, { CATALYST_TRACES_DIR: store, SPANS: '3', SPAN_KB: '1' });
    expect(statSync(store).mode & 0o777).toBe(0o750);
    const files = readdirSync(store);
    expect(files).toHaveLength(1);
    expect(statSync(join(store, files[0])).mode & 0o777).toBe(0o600);
  });
});
