import { reportInternalError } from '../diagnostics/report';

/**
 * Per-call code, loaded at the first call rather than when the SDK loads.
 *
 * An integration's patch runs while the app is still starting (its SDK is
 * being imported), but all it must do then is wrap a few methods. The code
 * those wrappers run (span set-up, attribute mapping, stream handling, the
 * OTel API and the semantic conventions) lives in the integration's
 * `calls.ts`, which the build puts in a file of its own; compiling it at
 * import time cost ~10 ms of an `openai` app's start-up on Node 24.
 *
 * Returns a getter: the module, or undefined if it cannot load (reported once;
 * the wrappers then call straight through).
 */
export function deferred<T>(where: string, load: () => T): () => T | undefined {
  let loaded: T | undefined;
  let failed = false;
  return () => {
    if (loaded !== undefined || failed) return loaded;
    try {
      loaded = load();
    } catch (error) {
      failed = true;
      reportInternalError(where, error);
    }
    return loaded;
  };
}
