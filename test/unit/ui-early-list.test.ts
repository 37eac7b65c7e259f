import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api } from '../../src/cli/ui/api';
import { TraceIndex } from '../../src/cli/ui/trace-index';
import type { TraceSummary } from '../../src/cli/trace-summary';
import { generateLargeStore, hexId } from '../cli/helpers/store-gen.mjs';

/**
 * The viewer's first list on a cold index: the first page is answered from the
 * newest files while older ones are still unread, and says so; once the whole
 * store is read, every answer is the whole store's. Nothing here is timed: "before
 * the whole store is indexed" is shown by the answer's own counts.
 */
const TRACES = 1200;
const FILES = 12;
const NOW = Date.now();
const traceId = (i: number): string => hexId(`big:${i}`, 16);
/** The generator writes trace i at NOW - (TRACES - i) minutes: newest first is i = TRACES-1 down. */
const newest = (from: number, count: number): string[] => Array.from({ length: count }, (_, k) => traceId(TRACES - 1 - from - k));

interface TracesBody {
  total: number;
  traces: TraceSummary[];
  storeTraces: number;
  loading?: boolean;
}
const params = (q: string): URLSearchParams => new URLSearchParams(q);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'catalyst-ui-early-'));
  generateLargeStore(dir, { traces: TRACES, files: FILES, now: NOW });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the first trace list on a cold index', () => {
  it('answers the first page from the newest files, newest first, saying older traces are loading', async () => {
    const api = new Api(new TraceIndex(dir), () => NOW);
    const first = (await api.handle('/api/traces', params('limit=50'))).body as TracesBody;
    expect(first.loading).toBe(true);
    // Answered before the whole store was read: it knows of only some of the traces.
    expect(first.storeTraces).toBeGreaterThanOrEqual(50);
    expect(first.storeTraces).toBeLessThan(TRACES);
    expect(first.traces.map((t) => t.traceId)).toEqual(newest(0, 50));
    for (const t of first.traces) expect(t.spanCount).toBe(5);
  });

  it('answers a filtered first page early too, with the same traces the whole store gives', async () => {
    const cold = new Api(new TraceIndex(dir), () => NOW);
    const early = (await cold.handle('/api/traces', params('limit=20&status=error'))).body as TracesBody;
    expect(early.loading).toBe(true);
    expect(early.storeTraces).toBeLessThan(TRACES);
    const warmIndex = new TraceIndex(dir);
    await warmIndex.current();
    const whole = (await new Api(warmIndex, () => NOW).handle('/api/traces', params('limit=20&status=error'))).body as TracesBody;
    expect(whole.loading).toBeUndefined();
    expect(early.traces).toEqual(whole.traces);
    // Every 10th run failed: the newest failed one is the highest multiple of 10.
    expect(early.traces[0]!.traceId).toBe(traceId(Math.floor((TRACES - 1) / 10) * 10));
  });

  it('waits for the whole store for what the newest files cannot settle, and is complete after', async () => {
    const index = new TraceIndex(dir);
    const api = new Api(index, () => NOW);
    // Asked together, cold: the first page early, the rest from the whole store.
    const [first, deep, sessions, agents] = await Promise.all([
      api.handle('/api/traces', params('limit=50')),
      api.handle('/api/traces', params(`limit=50&offset=${TRACES - 30}`)),
      api.handle('/api/sessions', params('limit=500')),
      api.handle('/api/agents', params('')),
    ]);
    expect((first.body as TracesBody).loading).toBe(true);
    const deepBody = deep.body as TracesBody;
    expect(deepBody.loading).toBeUndefined();
    expect(deepBody.total).toBe(TRACES);
    expect(deepBody.traces.map((t) => t.traceId)).toEqual(newest(TRACES - 30, 30));
    expect((sessions.body as { total: number }).total).toBe(50);
    const agentRows = (agents.body as { agents: Array<{ runs: number }> }).agents;
    expect(agentRows.reduce((n, a) => n + a.runs, 0)).toBe(TRACES);

    // Once read, the first page is the whole store's.
    const again = (await api.handle('/api/traces', params('limit=50'))).body as TracesBody;
    expect(again.loading).toBeUndefined();
    expect(again.total).toBe(TRACES);
    expect(again.storeTraces).toBe(TRACES);
    expect(again.traces.map((t) => t.traceId)).toEqual(newest(0, 50));
    const search = (await api.handle('/api/traces', params('limit=50&q=request%20number%201199'))).body as TracesBody;
    expect(search.traces.map((t) => t.traceId)).toEqual([traceId(1199)]);
  });
});
