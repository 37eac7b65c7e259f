import { getState } from '../state';
import { debug } from '../diagnostics/report';
import type { BuiltPipeline } from './pipeline';

/**
 * Nothing lost at exit, and exit never held hostage by a dead endpoint.
 * - beforeExit (a script ran to its end): flush, bounded; if the bound passes,
 *   exit with the code the app would have exited with.
 * - SIGTERM/SIGINT: flush, bounded, then do what the signal would have done:
 *   if the app has handlers of its own they keep control; otherwise the signal
 *   is raised again with our handler removed, so the exit status is unchanged.
 * - exit (process.exit or a crash): only synchronous code runs there, so the
 *   local store writes what is still queued; the network path cannot.
 */
export function installLifecycle(pipeline: BuiltPipeline, flushTimeoutMs: number): void {
  let flushing: Promise<boolean> | undefined;

  const flushBounded = (): Promise<boolean> => {
    flushing ??= new Promise<boolean>((resolve) => {
      endOpenSpans('process exiting');
      const timer = setTimeout(() => resolve(false), flushTimeoutMs);
      pipeline.forceFlush().then(
        () => {
          clearTimeout(timer);
          resolve(true);
        },
        () => {
          clearTimeout(timer);
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
        // The loop is kept alive only by our export request; the app was already done.
        process.exit(process.exitCode);
      }
    });
  });

  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    const appHandlers = (): unknown[] => process.listeners(signal).filter((l) => l !== onSignal);
    if (signalled && appHandlers().length === 0) {
      // A second Ctrl-C while flushing: the user wants out now.
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
      return;
    }
    signalled = true;
    void flushBounded().then(() => {
      if (appHandlers().length > 0) return; // the app owns this signal
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    });
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, onSignal);

  process.on('exit', () => {
    if (!pipeline.localStore) return;
    endOpenSpans('process exiting');
    const queue = (pipeline.batch.inner as unknown as { _finishedSpans?: unknown[] })._finishedSpans;
    if (Array.isArray(queue) && queue.length > 0) {
      pipeline.localStore.write(queue.splice(0) as Parameters<typeof pipeline.localStore.write>[0]);
    }
  });
}

/** Streams the app never finished reading still get a span, marked as such. */
function endOpenSpans(reason: string): void {
  const open = getState().openSpans;
  for (const s of [...open]) s.end(reason);
  open.clear();
}
