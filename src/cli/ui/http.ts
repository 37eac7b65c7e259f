import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { Api } from './api';
import { TraceIndex } from './trace-index';

/**
 * The viewer over HTTP: the page and its two assets (built into dist/ui by
 * scripts/build.mjs, nothing fetched from elsewhere) and the JSON API. Used
 * by `catalyst-tracing ui` and, beside /v1/traces, by `catalyst-tracing serve`.
 *
 * The page runs with a Content-Security-Policy that allows only its own script
 * and style, so even a rendering mistake could not run script from span data.
 * On a loopback address, requests must name a loopback host: a web page the
 * user visits cannot reach the traces through a DNS name rebound to 127.0.0.1.
 */
export type UiHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface UiOptions {
  dir: string;
  /** Accept only Host headers naming a loopback address (the server listens on one). */
  loopbackOnly: boolean;
  /** Where index.html, app.js and app.css are; found next to the CLI bundle when not given. */
  assetsDir?: string;
  onError?: (message: string) => void;
  /** For tests: the clock the time-range filter measures from. */
  now?: () => number;
}

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const ASSETS: Record<string, string> = {
  '/': 'text/html; charset=utf-8',
  '/app.js': 'text/javascript; charset=utf-8',
  '/app.css': 'text/css; charset=utf-8',
};
const LOOPBACK_HOST = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i;

export function findAssetsDir(): string | undefined {
  // dist/cli.js has them in dist/ui; from the sources (tests), the last build's.
  for (const candidate of [join(__dirname, 'ui'), join(__dirname, '..', '..', '..', 'dist', 'ui')]) {
    if (existsSync(join(candidate, 'index.html'))) return candidate;
  }
  return undefined;
}

export function createUiHandler(opts: UiOptions): UiHandler {
  const index = new TraceIndex(opts.dir);
  const api = new Api(index, opts.now);
  // Index the store while the user opens the page, so the first list is ready sooner.
  index.current().catch(() => undefined);
  const assetsDir = opts.assetsDir ?? findAssetsDir();
  const files = new Map<string, Buffer>();
  const asset = (path: string): Buffer | undefined => {
    if (!assetsDir) return undefined;
    let body = files.get(path);
    if (!body) {
      try {
        body = readFileSync(join(assetsDir, path === '/' ? 'index.html' : path.slice(1)));
        files.set(path, body);
      } catch {
        return undefined;
      }
    }
    return body;
  };

  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    if (opts.loopbackOnly && !LOOPBACK_HOST.test(req.headers.host ?? '')) {
      return send(res, 421, 'text/plain; charset=utf-8', 'this viewer answers only to 127.0.0.1 or localhost\n');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return send(res, 405, 'text/plain; charset=utf-8', 'the viewer is read-only: use GET\n');
    }
    if (path === '/api' || path.startsWith('/api/')) {
      api
        .handle(path, url.searchParams)
        .then((answer) => sendJson(res, answer.status, answer.body))
        .catch((error: unknown) => {
          opts.onError?.(`viewer request ${path} failed: ${(error as Error).message}`);
          sendJson(res, 500, { error: `could not read the store: ${(error as Error).message}` });
        });
      return;
    }
    const type = ASSETS[path === '/index.html' ? '/' : path];
    if (!type) return send(res, 404, 'text/plain; charset=utf-8', 'not found: the viewer is at /\n');
    const body = asset(path === '/index.html' ? '/' : path);
    if (!body) return send(res, 500, 'text/plain; charset=utf-8', 'the viewer\'s files are missing from this install (dist/ui); reinstall @catalyst/tracing or run npm run build\n');
    if (path === '/' || path === '/index.html') res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('Cache-Control', 'no-cache');
    send(res, 200, type, body, req.method === 'HEAD');
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.setHeader('Cache-Control', 'no-store');
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, headOnly = false): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': bytes.length });
  res.end(headOnly ? undefined : bytes);
}

/** Whether a --host value is this machine only. */
export function isLoopbackHost(host: string): boolean {
  return /^(localhost|127\.\d+\.\d+\.\d+|::1|\[::1\])$/i.test(host.trim());
}
