import { getState } from '../state';
import { debug, reportInternalError } from '../diagnostics/report';
import type { BuiltPipeline } from './pipeline';

/**
 * Nothing lost at exit, and exit never held hostage by a dead endpoint. One
 * budget, `flushTimeoutMs`, starts at the first sign of exit and bounds all of
 * what follows, so the exit delay never exceeds it (plus a few ms):
 * - beforeExit (a script ran to its end): flush asynchronously; if the budget
 *   runs out, exit with the code the app would have exited with.
 * - SIGTERM/SIGINT with no handler of the app's: flush, then raise the signal
 *   again with our handler removed, so the process ends exactly as it would
 *   have (killed by that signal). If the app has handlers, they own the signal:
 *   we do nothing, and whichever way the app then ends is covered here.
 * - exit (process.exit, an uncaught exception, an unhandled rejection, or the
 *   end of a flush out of time): only synchronous code runs, so what is still
 *   queued or in flight is sent synchronously (see exit-sender.ts), or written
 *   to the local store, within what is left of the budget.
 */
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
      // This timer is ref'd on purpose: it is what keeps a finished script alive while the flush runs.
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

  let flushedAtExit = false;
  process.on('beforeExit', () => {
    if (flushedAtExit) return;
    flushedAtExit = true;
    void flushBounded().then((done) => {
      if (!done) {
        debug(`flush did not finish within ${flushTimeoutMs} ms; exiting without it`);
        // The loop is kept alive only by our flush; the app was already done.
        process.exit(process.exitCode);
      }
    });
  });

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
      // Out of time: what is still pending is counted (and reported once) before the signal ends the process.
      if (!done) safely(() => pipeline.otlp?.exportAtExit(pipeline.batch.takeQueued(), 0, flushTimeoutMs));
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
      const budget = remaining();
      endOpenSpans(crash && code !== 0 ? `process crashed: ${crash.message}` : 'process exiting');
      const queued = pipeline.batch.takeQueued();
      if (pipeline.localStore) {
        if (queued.length > 0) pipeline.localStore.write(queued);
        return;
      }
      pipeline.otlp?.exportAtExit(queued, budget, flushTimeoutMs);
    } catch (error) {
      reportInternalError('exit', error);
    }
  });
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch (error) {
    reportInternalError('exit', error);
  }
}

/** Streams the app never finished reading, and agent spans still running, end with what is known. */
function endOpenSpans(reason: string): void {
  const open = getState().openSpans;
  for (const s of [...open]) s.end(reason);
  open.clear();
}
