/**
 * The agent's only voice: every line it writes goes through here, to stderr,
 * prefixed, and at most once per kind of event unless debug is on. Tracing must
 * never flood an app's logs, and must never throw while reporting.
 */
import { scrubSecrets } from './secrets';

const PREFIX = '[catalyst-tracing]';

// Module state: every bundle of the package requires this module from dist/core.js, so one copy holds it.
const shared = { said: new Set<string>(), debug: false };
const said = shared.said;

export function setDebug(on: boolean): void {
  shared.debug = on;
}

export function isDebug(): boolean {
  return shared.debug;
}

function write(line: string): void {
  try {
    // The last guard: an error message or a stack quoted here may hold a key or a URL's credentials.
    process.stderr.write(`${PREFIX} ${scrubSecrets(line)}\n`);
  } catch {
    // stderr closed: nothing sensible left to do.
  }
}

/** One line per `key` for the life of the process. */
export function warnOnce(key: string, message: string): void {
  if (said.has(key)) return;
  said.add(key);
  write(message);
}

/** Only with CATALYST_DEBUG / setup({ debug: true }). */
export function debug(message: string): void {
  if (shared.debug) write(`debug: ${message}`);
}

/** A failure inside tracing code: reported once per place, the detail only in debug. */
export function reportInternalError(where: string, error: unknown): void {
  const detail = error instanceof Error ? error.message : String(error);
  warnOnce(`internal:${where}`, `tracing error in ${where} (the app is unaffected): ${detail}`);
  if (shared.debug && error instanceof Error && error.stack) write(`debug: ${error.stack}`);
}

/** Test seam: forget which warnings were given. */
export function resetReported(): void {
  said.clear();
}
