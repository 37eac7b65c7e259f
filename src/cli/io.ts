/**
 * What a command may touch of the outside world, so that tests can run the CLI
 * in-process with captured output, a fixed clock and their own environment.
 */
export interface CliIo {
  /** Writes text as given (callers add the newline). */
  out(text: string): void;
  err(text: string): void;
  /** Whether stdout is a terminal: colour and terminal width only apply then. */
  isTTY: boolean;
  /** The terminal's width when known. */
  columns?: number;
  env: Record<string, string | undefined>;
  cwd: string;
  now(): number;
  /** Aborting it stops a running `serve`. */
  signal?: AbortSignal;
}

export function processIo(): CliIo {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    isTTY: Boolean(process.stdout.isTTY),
    columns: process.stdout.isTTY ? process.stdout.columns : undefined,
    env: process.env,
    cwd: process.cwd(),
    now: () => Date.now(),
  };
}

/** An expected failure: printed as one line, never with a stack. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Bad flags or arguments: exit code 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}
