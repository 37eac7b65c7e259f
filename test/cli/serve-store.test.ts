import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { plain, run, tempDir } from './helpers/run';

const MB = 1024 * 1024;
const OWN_NAME = /^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z-\d+-[0-9a-f]{6}\.jsonl$/;

/** One OTLP/JSON request of `n` spans, each with a 10 KB attribute. */
function request(batch: number, n: number): string {
  const hex = (v: number, width: number): string => v.toString(16).padStart(width, '0');
  const spans = Array.from({ length: n }, (_, i) => ({
    traceId: hex(batch + 1, 32),
    spanId: hex(batch * 100 + i + 1, 16),
    name: `span-${batch}-${i}`,
    kind: 1,
    startTimeUnixNano: '1748768400000000000',
    endTimeUnixNano: '1748768400250000000',
    attributes: [{ key: 'input.value', value: { stringValue: 'x'.repeat(10 * 1024) } }],
  }));
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'cap-test' } }] }, scopeSpans: [{ scope: { name: 't' }, spans }] }] });
}

/** Runs `serve` in-process until `work` is done with its traces URL. */
async function serveWhile(args: string[], env: Record<string, string>, work: (url: string) => Promise<void>): Promise<{ code: number; stdout: string; stderr: string }> {
  const ac = new AbortController();
  let listening!: (url: string) => void;
  const ready = new Promise<string>((resolve) => (listening = resolve));
  let out = '';
  const done = run(['serve', '--port', '0', ...args], {
    env,
    signal: ac.signal,
    onOut: (s) => {
      out += s;
      const m = /listening on (http:\/\/\S+\/v1\/traces)/.exec(out);
      if (m && out.includes('Ctrl-C')) listening(m[1]!);
    },
  });
  try {
    await work(await ready);
  } finally {
    ac.abort();
  }
  return done;
}

describe('serve writes the same capped store as the agent', () => {
  it('honours CATALYST_STORE_MAX_MB: files rotate, its oldest are pruned with one note, foreign files stay', async () => {
    const t = tempDir('catalyst-serve-cap-');
    try {
      const foreign = Buffer.from(`${'{"prompt":"keep me"}\n'.repeat(40_000)}`);
      writeFileSync(join(t.dir, 'eval-results.jsonl'), foreign);
      let sent = 0;
      const r = await serveWhile(['--dir', t.dir], { CATALYST_STORE_MAX_MB: '1' }, async (url) => {
        // ~3.6 MB of spans in 120 requests.
        for (let b = 0; b < 120; b++) {
          const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: request(b, 3) });
          expect(res.status).toBe(200);
          await res.arrayBuffer();
          sent += 3;
        }
      });
      expect(r.code).toBe(0);
      expect(plain(r.stdout).at(-2)).toMatch(new RegExp(`^stopped; ${sent} spans written to `));
      expect(readFileSync(join(t.dir, 'eval-results.jsonl')).equals(foreign)).toBe(true);
      const own = readdirSync(t.dir).filter((n) => OWN_NAME.test(n));
      expect(own.length).toBeGreaterThan(1);
      const total = own.reduce((sum, n) => sum + statSync(join(t.dir, n)).size, 0);
      expect(total).toBeGreaterThan(0.5 * MB);
      expect(total).toBeLessThanOrEqual(1.25 * MB + 64 * 1024);
      for (const n of own) expect(readFileSync(join(t.dir, n), 'utf8').split('\n', 1)[0]).toBe('{"catalystTraceStore":1,"writer":"serve"}');
      const notes = plain(r.stderr).filter((l) => l !== '');
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatch(new RegExp(`^note: the local trace store at ${t.dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is over its cap of 1 MB \\(CATALYST_STORE_MAX_MB\\): its oldest files are removed \\(\\d+ now, [\\d.]+ MB\\); only files the store wrote are ever removed$`));
    } finally {
      t.cleanup();
    }
  });

  it('a bad CATALYST_STORE_MAX_MB is one line naming it, and the default cap is used', async () => {
    const t = tempDir('catalyst-serve-cap-');
    try {
      const r = await serveWhile(['--dir', t.dir], { CATALYST_STORE_MAX_MB: '1MB' }, async () => undefined);
      expect(r.code).toBe(0);
      expect(plain(r.stderr)).toEqual(['warning: CATALYST_STORE_MAX_MB="1MB" is invalid: expected a whole number from 1 to 1000000; using 100', '']);
    } finally {
      t.cleanup();
    }
  });

  it.skipIf(process.platform === 'win32')('creates its folder 0700 and its files 0600', async () => {
    const t = tempDir('catalyst-serve-mode-');
    try {
      const dir = join(t.dir, 'traces');
      await serveWhile(['--dir', dir], {}, async (url) => {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: request(0, 1) });
        expect(res.status).toBe(200);
      });
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      const files = readdirSync(dir);
      expect(files).toHaveLength(1);
      expect(statSync(join(dir, files[0]!)).mode & 0o777).toBe(0o600);
    } finally {
      t.cleanup();
    }
  });
});
