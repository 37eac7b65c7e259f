import { getState } from '../state';
import { debug, reportInternalError, warnOnce } from '../diagnostics/report';
import { describeLosses } from './loss-report';
import type { BuiltPipeline } from './pipeline';

/**
 * Nothing lost at exit, and exit never held hostage by a dead endpoint. One
 * budget, `flushTimeoutMs`, starts at the first sign of exit and bounds all of
 * the agent's work after it:
 * - A script ran to its end: nothing happens at 'beforeExit'. Whatever the
 *   agent kept running then would keep the loop alive, and Node would fire
 *   'beforeExit' again afterwards: the app's listeners would run once more
 *   than untraced, and an agent that cut that short with process.exit() would
 *   cut short the app's own work in them. So the app's 'beforeExit' rounds
 *   run exactly as untraced (their spans queue as usual), and the process
 *   reaches 'exit' when it would have; the agent never calls process.exit().
 * - exit (that natural end, process.exit, an uncaught exception, an unhandled
 *   rejection): only synchronous code runs, so what is still queued or in
 *   flight is sent synchronously (see exit-sender.ts), or written to the local
 *   store, until the budget's deadline.
 * - SIGTERM/SIGINT with no handler of the app's: flush, then raise the signal
 *   again with our handler removed, so the process ends exactly as it would
 *   have (killed by that signal). If the app has handlers, they own the signal:
 *   we do nothing, and whichever way the app then ends is covered here.
 * Whichever way it ends, one line then counts the spans lost or unconfirmed,
 * if any were.
 */
/**
 * Kept back from the budget at 'exit' for what still follows the agent's work
 * there: ending the exit sender's thread and Node's teardown of it (20-40 ms
 * measured on a loaded 2-core machine), so the whole exit path fits the budget.
 */
const TEARDOWN_RESERVE_MS = 50;

export function installLifecycle(pipeline: BuiltPipeline, flushTimeoutMs: number): void {
  let deadline: number | undefined;
  const startBudget = (): number => {
    if (deadline === undefined) {
      deadline = Date.now() + flushTimeoutMs;
      pipeline.beginExit();
    }
    return deadline;
  };
  const remaining = (): number => startBudget() - Date.now();

  let flushing: Promise<boolean> | undefined;
  const flushBounded = (): Promise<boolean> => {
    flushing ??= new Promise<boolean>((resolve) => {
      endOpenSpans('process exiting');
      // Ref'd on purpose: a signal is being handled, and the process must live until the flush ends or the budget does.
      const timer = setTimeout(() => resolve(false), Math.max(0, remaining()));
      pipeline.forceFlush().then(
        () => {
          clearTimeout(timer);
          resolve(true);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reportInternalError('flush', error);
          resolve(true);
        },
      );
    });
    return flushing;
  };

  const reportLosses = lossReporter(pipeline, flushTimeoutMs);

  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    const appHandlers = (): unknown[] => process.listeners(signal).filter((l) => l !== onSignal);
    // The app handles this signal: its handler runs right after this one and decides what happens.
    if (appHandlers().length > 0) return;
    const reraise = (): void => {
      process.removeListener(signal, onSignal);
      if (appHandlers().length > 0) return; // the app started handling it meanwhile
      process.kill(process.pid, signal);
    };
    if (signalled) {
      // A second Ctrl-C while flushing: the user wants out now.
      reraise();
      return;
    }
    signalled = true;
    void flushBounded().then((done) => {
      // Out of time: what is still pending is counted (the deadline has passed, so nothing is sent).
      const fault = done ? undefined : safely(() => pipeline.otlp?.exportAtExit(pipeline.batch.takeQueued(), startBudget()));
      safely(() => reportLosses(fault));
      reraise();
    });
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, onSignal);

  // Remembered for the exit line of spans left open by a crash; a monitor changes nothing about the crash itself.
  let crash: Error | undefined;
  process.on('uncaughtExceptionMonitor', (error) => {
    crash = error instanceof Error ? error : new Error(String(error));
  });

  process.on('exit', (code) => {
    try {
      const until = startBudget();
      endOpenSpans(crash && code !== 0 ? `process crashed: ${crash.message}` : 'process exiting');
      reportLosses(sendAtExit(pipeline, until));
      debug(`exit path took ${flushTimeoutMs - (until - Date.now())} ms of its ${flushTimeoutMs} ms budget`);
    } catch (error) {
      reportInternalError('exit', error);
    }
  });
}

function safely<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    reportInternalError('exit', error);
    return undefined;
  }
}

/** Streams the app never finished reading, and agent spans still running, end with what is known. */
function endOpenSpans(reason: string): void {
  const open = getState().openSpans;
  for (const s of [...open]) s.end(reason);
  open.clear();
}

/** A kind of export fault first seen at exit, for the exit line. */
type ExitFault = { key: string; message: string };

/**
 * The synchronous end of a pipeline, at 'exit': what is still queued is
 * written to the local store, or sent by the exit sender until `until` (less
 * what an export holding the loop for its answer already took, and the
 * sender's teardown). Returns a fault first seen there. Shared by the agent's
 * lifecycle and hosts that end a pipeline themselves (the OpenCode plugin).
 */
export function sendAtExit(pipeline: BuiltPipeline, until: number): ExitFault | undefined {
  const queued = pipeline.batch.takeQueued();
  if (pipeline.localStore) {
    if (queued.length > 0 && !pipeline.localStore.write(queued)) pipeline.batch.failed += queued.length;
    return undefined;
  }
  // A request that held the loop for its answer until just now may have delayed this exit already.
  const held = pipeline.otlp?.heldBeforeExit() ?? 0;
  return pipeline.otlp?.exportAtExit(queued, until - held - TEARDOWN_RESERVE_MS);
}

/** The exit line, once; `fault` is a kind of fault first seen by the exit send, told in the same line. */
export function lossReporter(pipeline: BuiltPipeline, flushTimeoutMs: number): (fault?: ExitFault) => void {
  let reported = false;
  return (fault) => {
    if (reported) return;
    reported = true;
    const losses = describeLosses(pipeline.stats(), { ...pipeline.lossContext, flushTimeoutMs });
    if (fault) warnOnce(`export:${fault.key}`, losses ? `${fault.message} ${losses.charAt(0).toUpperCase()}${losses.slice(1)}` : fault.message);
    else if (losses) warnOnce('exit-losses', losses);
  };
}
