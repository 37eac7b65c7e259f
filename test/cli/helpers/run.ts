import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';

export const REPO = resolve(__dirname, '../../..');
export const FIXTURE_STORE = join(REPO, 'fixtures/store');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  isTTY?: boolean;
  columns?: number;
  now?: number;
  signal?: AbortSignal;
  /** Called with each stdout write, e.g. to wait for `serve` to listen. */
  onOut?: (text: string) => void;
}

/** Runs the CLI in-process with captured output; never touches the real stdout. */
export async function run(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    out: (t) => {
      stdout += t;
      opts.onOut?.(t);
    },
    err: (t) => void (stderr += t),
    isTTY: opts.isTTY ?? false,
    columns: opts.columns,
    env: { COLUMNS: undefined, ...opts.env },
    cwd: REPO,
    now: () => opts.now ?? Date.now(),
    signal: opts.signal,
  };
  const t0 = performance.now();
  const code = await main(argv, io);
  return { code, stdout, stderr, ms: performance.now() - t0 };
}

export function tempDir(prefix = 'catalyst-cli-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Lines of output without ANSI colour. */
export function plain(text: string): string[] {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '').split('\n');
}
