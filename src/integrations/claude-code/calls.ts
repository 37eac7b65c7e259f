import { context, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { traceparentOf } from '../../trace/traceparent';
import { parentContext } from '../../trace/parent-context';
import { spanName } from '../../trace/span-name';
import { writeAttributes } from '../../trace/write';
import { safely } from '../../instrumentation/safe';
import { endOk, endWithError, trackOpenSpan } from '../../instrumentation/span-lifecycle';
import { Attr } from '../../semconv/attr';
import { AGENT_NAME, SPAN_NAME, invocationStartAttributes, lastLine, outcomeOf } from './attributes';
import type { ClaudeCommand, CliRequest, SpawnKind } from './command';

/**
 * One `claude -p` run as an AGENT span: started at the call, ended when the
 * process closes, with what it printed. The app's arguments, streams and exit
 * code are its own: output is observed as the child's streams receive it
 * (their `push`, so no reader is added and no stream is switched to flowing),
 * the end through the child's `emit` (no listener is added, so an unhandled
 * 'error' still throws as it would). Only the options object is copied, to add
 * TRACEPARENT to the child's environment (unless the app set one) so the CLI's
 * own spans, when its telemetry is on, join this trace.
 */
export interface Invocation {
  kind: SpawnKind;
  original: (this: unknown, ...args: unknown[]) => unknown;
  thisArg: unknown;
  args: unknown[];
  command: ClaudeCommand;
  request: CliRequest;
  /** The promisified form: the call returns a promise whose `child` is the process. */
  promised: boolean;
  getTracer(): Tracer;
}

/** Enough of a run's output for the result line and the final text; beyond it the output is not kept. */
const MAX_KEPT = 4 * 1024 * 1024;
const STDERR_KEPT = 4096;

type ExitListener = (code: number | null, signal: string | null) => void;

export function traceInvocation(inv: Invocation): unknown {
  return runInvocation(
    inv,
    ({ span, annotateOnly }, error) => {
      if (!annotateOnly) endWithError(span, error);
    },
    ({ span, annotateOnly }, returned) => {
      const child = inv.promised ? (returned as { child?: unknown } | undefined)?.child : returned;
      safely('claude-code.observe', () => observe(child, span, inv.request, annotateOnly));
    },
  );
}

type Started = ReturnType<typeof start>;

/**
 * One invocation, traced: the span started, the original called in its
 * context with the arguments start() gave (TRACEPARENT added), `onThrow` for a
 * synchronous throw (rethrown unchanged), `onReturn` for what it returned.
 * If starting fails, the call goes through untouched.
 */
function runInvocation(inv: Invocation, onThrow: (s: Started, error: unknown) => void, onReturn: (s: Started, returned: unknown) => void): unknown {
  const started = safely('claude-code.start', () => start(inv));
  if (!started) return inv.original.apply(inv.thisArg, inv.args);
  let returned: unknown;
  try {
    returned = context.with(started.ctx, () => inv.original.apply(inv.thisArg, started.args));
  } catch (error) {
    onThrow(started, error);
    throw error;
  }
  onReturn(started, returned);
  return returned;
}

function start(inv: Invocation): { span: Span; ctx: Context; args: unknown[]; annotateOnly: boolean } {
  const parent = parentContext('api');
  const current = trace.getSpan(parent) as (Span & { name?: string; attributes?: Record<string, unknown> }) | undefined;
  // The documented explicit pattern (an agentSpan named claude-code.invocation around the call) is the span
  // already: it gets the run's output, not a second AGENT span.
  const explicit = !!current && current.isRecording() && (current.name === SPAN_NAME || current.attributes?.[Attr.AGENT_NAME] === AGENT_NAME);
  const span = explicit ? current : inv.getTracer().startSpan(spanName(SPAN_NAME), { attributes: invocationStartAttributes(inv.request) as never }, parent);
  const ctx = explicit ? parent : trace.setSpan(parent, span);
  if (explicit && current.attributes?.[Attr.INPUT_VALUE] === undefined) {
    const { [Attr.INPUT_VALUE]: input, [Attr.INPUT_MIME_TYPE]: mime, [Attr.LLM_REQUEST_MODEL_NAME]: model } = invocationStartAttributes(inv.request);
    writeAttributes(span, { [Attr.INPUT_VALUE]: input, [Attr.INPUT_MIME_TYPE]: mime, [Attr.LLM_REQUEST_MODEL_NAME]: model });
  }
  return { span, ctx, args: withTraceparent(inv, ctx), annotateOnly: explicit };
}

/** The call's arguments with TRACEPARENT in the child's environment; the app's objects are left as they are. */
function withTraceparent(inv: Invocation, ctx: Context): unknown[] {
  const traceparent = traceparentOf(ctx);
  const { options, optionsIndex } = inv.command;
  const env = (options?.env as Record<string, string | undefined> | undefined) ?? process.env;
  if (!traceparent || env.TRACEPARENT !== undefined) return inv.args;
  const args = inv.args.slice();
  const newOptions = { ...options, env: { ...env, TRACEPARENT: traceparent } };
  if (options) args[optionsIndex] = newOptions;
  // No options object: it goes where child_process looks for one, before a callback.
  else if (args.length <= optionsIndex || args[optionsIndex] === undefined || args[optionsIndex] === null) args[optionsIndex] = newOptions;
  else if (typeof args[optionsIndex] === 'function') args.splice(optionsIndex, 0, newOptions);
  else return inv.args;
  return args;
}

interface Readableish {
  push?: (chunk: unknown, encoding?: unknown) => boolean;
}

function tap(stream: unknown, onChunk: (text: string) => void): void {
  const s = stream as Readableish | null | undefined;
  if (!s || typeof s.push !== 'function') return;
  const push = s.push;
  Object.defineProperty(s, 'push', {
    value: function (this: unknown, chunk: unknown, encoding?: unknown) {
      if (chunk !== null && chunk !== undefined) safely('claude-code.output', () => onChunk(typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk)));
      // eslint-disable-next-line prefer-rest-params
      return push.apply(this, arguments as unknown as [unknown, unknown]);
    },
    writable: true,
    configurable: true,
    enumerable: false,
  });
}

function observe(child: unknown, span: Span, request: CliRequest, annotateOnly: boolean): void {
  const c = child as { stdout?: unknown; stderr?: unknown; emit?: (event: string, ...a: unknown[]) => boolean } | undefined;
  if (!c || typeof c.emit !== 'function') return;
  const release = annotateOnly ? () => {} : trackOpenSpan(span);
  let stdout = '';
  let stderr = '';
  tap(c.stdout, (text) => {
    if (stdout.length < MAX_KEPT) stdout += text;
  });
  tap(c.stderr, (text) => {
    stderr = (stderr + text).slice(-STDERR_KEPT);
  });
  let ended = false;
  const finish: ExitListener = (code, signal) => {
    if (ended) return;
    ended = true;
    release();
    endRun(span, request, annotateOnly, { code, signal, stdout, stderr });
  };
  const emit = c.emit;
  Object.defineProperty(c, 'emit', {
    value: function (this: unknown, event: string, ...rest: unknown[]) {
      if (event === 'close') safely('claude-code.close', () => finish(rest[0] as number | null, rest[1] as string | null));
      else if (event === 'error' && !ended && !annotateOnly) {
        ended = true;
        release();
        endWithError(span, rest[0]);
      }
      // eslint-disable-next-line prefer-rest-params
      return emit.apply(this, arguments as unknown as [string]);
    },
    writable: true,
    configurable: true,
    enumerable: false,
  });
}

interface RunEnd {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** The span's end: what the run printed, and ERROR for a non-zero exit, a signal or a failed result. */
function endRun(span: Span, request: CliRequest, annotateOnly: boolean, run: RunEnd): void {
  const outcome = outcomeOf(request.outputFormat, run.stdout);
  writeAttributes(span, outcome.attributes);
  if (annotateOnly) return;
  if (run.code !== 0) {
    const reason = lastLine(run.stderr) ?? outcome.error;
    endWithError(span, new ClaudeCodeExit(`claude exited with ${run.code === null ? `signal ${run.signal}` : `code ${run.code}`}${reason ? `: ${reason}` : ''}`));
  } else if (outcome.error) endWithError(span, new ClaudeCodeExit(outcome.error));
  else endOk(span);
}

const text = (v: unknown): string => (typeof v === 'string' ? v : Buffer.isBuffer(v) ? v.toString('utf8') : '');

/**
 * spawnSync, execFileSync, execSync: the span ends when the call returns
 * (spawnSync's result, or exec*Sync's stdout) or throws (the error carries
 * status, stdout and stderr), which reach the app unchanged.
 */
export function traceSyncInvocation(inv: Invocation): unknown {
  return runInvocation(inv, ({ span, annotateOnly }, error) => {
    safely('claude-code.end', () => {
      const e = error as { status?: unknown; signal?: unknown; stdout?: unknown; stderr?: unknown };
      if (typeof e?.status === 'number' || typeof e?.signal === 'string') {
        endRun(span, inv.request, annotateOnly, { code: typeof e.status === 'number' ? e.status : null, signal: typeof e.signal === 'string' ? e.signal : null, stdout: text(e.stdout), stderr: text(e.stderr) });
      } else if (!annotateOnly) endWithError(span, error);
    });
  }, ({ span, annotateOnly }, returned) => {
    safely('claude-code.end', () => {
      if (inv.kind === 'spawnSync') {
        const r = returned as { status?: number | null; signal?: string | null; stdout?: unknown; stderr?: unknown; error?: unknown };
        if (r?.error && !annotateOnly) endWithError(span, r.error);
        else endRun(span, inv.request, annotateOnly, { code: r?.status ?? null, signal: r?.signal ?? null, stdout: text(r?.stdout), stderr: text(r?.stderr) });
      } else endRun(span, inv.request, annotateOnly, { code: 0, signal: null, stdout: text(returned), stderr: '' });
    });
  });
}

/** A run that failed: a non-zero exit, a signal, or a result that reports an error. */
class ClaudeCodeExit extends Error {
  override name = 'ClaudeCodeExit';
}
