// Peak memory of `catalyst-tracing serve` under a flood of compression bombs:
// N concurrent POSTs of a ~64 KB gzip body that inflates to ~63 MB each. Spawns
// the built CLI (dist/cli.js, or the folder CATALYST_TEST_DIST names), reads the
// server's peak RSS (VmHWM) and its RSS a second after the flood from /proc
// (Linux only), and prints the replies' status codes.
//
//   node bench/serve-flood.mjs [--requests 20] [--mb 63] [--type json|protobuf]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const requests = Number(arg('requests', '20'));
const mb = Number(arg('mb', '63'));
const type = arg('type', 'json') === 'json' ? 'application/json' : 'application/x-protobuf';
const cli = join(process.env.CATALYST_TEST_DIST ?? join(root, 'dist'), 'cli.js');

/** @param {number} pid @param {string} field */
const procKiB = (pid, field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);

// Whitespace then a valid empty request: JSON that a reader has to take in whole before it can parse it.
const raw = Buffer.alloc(mb * 1024 * 1024, 0x20);
raw.write('{}', raw.length - 2);
const body = gzipSync(raw, { level: 9 });

const dir = mkdtempSync(join(tmpdir(), 'serve-flood-'));
const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
try {
  const url = await new Promise((res, rej) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) res(m[1]);
    });
    child.once('exit', (code) => rej(new Error(`serve exited with ${code}`)));
  });
  const idle = procKiB(child.pid, 'VmRSS');
  const t0 = performance.now();
  const statuses = await Promise.all(
    Array.from(
      { length: requests },
      () =>
        new Promise((res) => {
          const req = request(url, { method: 'POST', headers: { 'content-type': type, 'content-encoding': 'gzip', 'content-length': body.length } }, (r) => {
            r.resume();
            r.on('end', () => res(r.statusCode));
          });
          req.on('error', (e) => res(e.code ?? e.message));
          req.end(body);
        }),
    ),
  );
  const ms = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 1000));
  const counts = {};
  for (const s of statuses) counts[s] = (counts[s] ?? 0) + 1;
  console.log(
    JSON.stringify({
      requests,
      bodyBytes: body.length,
      inflatedMiB: mb,
      type,
      statuses: counts,
      ms: Math.round(ms),
      idleRssMiB: Math.round(idle / 1024),
      peakRssMiB: Math.round(procKiB(child.pid, 'VmHWM') / 1024),
      rssAfterMiB: Math.round(procKiB(child.pid, 'VmRSS') / 1024),
    }),
  );
} finally {
  child.kill();
  rmSync(dir, { recursive: true, force: true });
}
