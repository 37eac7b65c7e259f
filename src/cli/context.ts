import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_STORE_SUBDIR } from '../store/format';
import type { Values } from './args';
import { colorWanted, makeStyle, type Style } from './colors';
import type { CliIo } from './io';
import { statsNotes, type ReadStats } from './store-reader';

/** What every command gets: where to read, how wide and how colourful to print. */
export interface Ctx {
  io: CliIo;
  style: Style;
  /** Columns to lay out in. */
  width: number;
  /** Columns a table may use: the width on a terminal or with $COLUMNS, unbounded into a pipe (nothing cut). */
  tableWidth: number;
  /** The store folder, absolute. */
  dir: string;
  values: Values;
  args: string[];
}

export function makeCtx(io: CliIo, values: Values, args: string[]): Ctx {
  const style = makeStyle(colorWanted({ noColor: values['no-color'] === true, isTTY: io.isTTY, env: io.env }));
  const width = terminalWidth(io);
  const bounded = io.isTTY || Number(io.env.COLUMNS) > 0;
  return { io, style, width, tableWidth: bounded ? width : Infinity, dir: storeDir(io, values.dir), values, args };
}

/** --dir (a leading ~/ expanded, as a quoted flag escapes the shell's expansion), else the folder the agent writes. */
export function storeDir(io: CliIo, flag: string | undefined): string {
  const fromFlag = flag?.trim();
  if (fromFlag) return resolve(io.cwd, fromFlag.startsWith('~/') ? join(homedir(), fromFlag.slice(2)) : fromFlag);
  // Read exactly as the agent's configuration reads it (src/config/config.ts).
  const fromEnv = io.env.CATALYST_TRACES_DIR?.trim();
  return resolve(io.cwd, fromEnv || join(homedir(), ...DEFAULT_STORE_SUBDIR));
}

/** The terminal's width; for a pipe, $COLUMNS or 120. */
export function terminalWidth(io: CliIo): number {
  const fromEnv = Number(io.env.COLUMNS);
  const w = io.isTTY && io.columns ? io.columns : Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 120;
  return Math.max(40, Math.min(w, 400));
}

export function println(ctx: Ctx, line = ''): void {
  ctx.io.out(`${line}\n`);
}

/** Notes about skipped lines go to stderr, so that --json output stays parseable. */
export function reportStats(ctx: Ctx, stats: ReadStats): void {
  for (const note of statsNotes(stats)) ctx.io.err(`${ctx.style.yellow('note:')} ${note}\n`);
}

/**
 * Resolves when a long-running command should stop: Ctrl-C or SIGTERM, or
 * the abort signal a test hands in (then no process listener is added).
 */
export function untilStopped(ctx: Ctx): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      ctx.io.signal?.removeEventListener('abort', stop);
      resolve();
    };
    if (ctx.io.signal) {
      if (ctx.io.signal.aborted) return stop();
      ctx.io.signal.addEventListener('abort', stop);
    } else {
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    }
  });
}
