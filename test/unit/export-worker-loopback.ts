import { Worker } from 'node:worker_threads';
import type { IncomingHttpHeaders } from 'node:http';
import { spanNamesIn } from './export-loopback';

/**
 * A loopback OTLP endpoint on a thread of its own, for the exit path: its
 * sender blocks this thread in Atomics.wait, so an endpoint served here could
 * not answer. Answers are given up front: by request index (the last one
 * repeats), and `tooLargeOver` refuses bodies over that many bytes with 413.
 */
export type WorkerAnswer = { status: number; headers?: Record<string, string> } | 'hang' | 'break';

export interface WorkerLoopback {
  url: string;
  /** Span names per request, in order of arrival (as reported so far). */
  requests: string[][];
  /** Waits (really: the thread is free meanwhile) until `n` requests were reported, or `ms` passed. */
  waitFor(n: number, ms?: number): Promise<void>;
  close(): Promise<void>;
}

const SERVER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { answers, tooLargeOver } = workerData;
let index = 0;
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    parentPort.postMessage({ body, headers: req.headers });
    const a = tooLargeOver !== undefined && body.length > tooLargeOver ? { status: 413 } : answers[Math.min(index, answers.length - 1)];
    index++;
    if (a === 'hang') return;
    if (a === 'break') {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{');
      setTimeout(() => req.socket.destroy(), 20);
      return;
    }
    res.writeHead(a.status, { 'content-type': 'application/json', ...(a.headers || {}) });
    res.end('{}');
  });
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (m) => { if (m === 'close') { server.closeAllConnections(); server.close(() => process.exit(0)); } });
`;

export async function startWorkerLoopback(answers: WorkerAnswer[] = [{ status: 200 }], tooLargeOver?: number): Promise<WorkerLoopback> {
  const worker = new Worker(SERVER, { eval: true, workerData: { answers, tooLargeOver } });
  const requests: string[][] = [];
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (m: { port?: number; body?: Uint8Array; headers?: IncomingHttpHeaders }) => {
      if (m.port !== undefined) resolve(m.port);
      else requests.push(spanNamesIn(Buffer.from(m.body!), m.headers!));
    });
  });
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    requests,
    async waitFor(n, ms = 5000) {
      const until = Date.now() + ms;
      while (requests.length < n && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    },
    close: async () => {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.postMessage('close');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 1000))]);
      await worker.terminate();
    },
  };
}
