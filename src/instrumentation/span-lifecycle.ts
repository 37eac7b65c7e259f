import { context, trace, SpanStatusCode, type Context, type Span } from '@opentelemetry/api';
import { getState } from '../state';
import { scrubSecrets } from '../diagnostics/secrets';
import { safely } from './safe';
import { markTracedCall } from '../trace/traced-call';

/**
 * Ending a span from the patched call path: each function ends a span at most
 * once and never throws, whatever the error or the span's state.
 */
export function endWithError(span: Span, error: unknown): void {
  safely('span.end', () => {
    if (!span.isRecording()) return;
    const err = error instanceof Error ? error : new Error(String(error));
    // Providers quote the API key back in authentication errors ("Incorrect API key provided: sk-..."):
    // what is recorded is scrubbed; the error the app gets is never touched.
    const message = recorded(err.message);
    // Given the error itself, OTel names the type after `error.code` when there is one, so an
    // OpenAI BadRequestError became "empty_array". The class is what a reader looks for.
    span.recordException({ name: exceptionType(err), message, stack: recorded(err.stack) });
    span.setStatus({ code: SpanStatusCode.ERROR, message });
    span.end();
  });
}

function recorded<T>(text: T): T | string {
  return typeof text === 'string' ? scrubSecrets(text) : text;
}

/**
 * Calls `fn` with `span` current (a child of `parent`), in a context marked as
 * a traced call (trace/traced-call.ts). A synchronous throw
 * ends the span with the error and is rethrown unchanged; what `fn` returns
 * (a promise, a stream) is the caller's to observe.
 */
export function callInSpan<T>(span: Span, parent: Context, fn: () => T): T {
  try {
    return context.with(markTracedCall(trace.setSpan(parent, span)), fn);
  } catch (error) {
    endWithError(span, error);
    throw error;
  }
}

/**
 * `exception.type`: the error's own name when it has one (AbortError,
 * BadRequestError on Anthropic's errors), else its class (OpenAI's errors keep
 * `name` "Error"), else a string code (ECONNREFUSED), else "Error".
 */
export function exceptionType(err: Error): string {
  if (err.name && err.name !== 'Error') return err.name;
  const ctor = (err as { constructor?: { name?: unknown } }).constructor?.name;
  if (typeof ctor === 'string' && ctor !== '' && ctor !== 'Error') return ctor;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && code !== '') return code;
  return err.name || 'Error';
}

/** Success is stated (status OK), as OpenInference instrumentations do, so viewers can tell it from "unknown". */
export function endOk(span: Span): void {
  safely('span.end', () => {
    if (!span.isRecording()) return;
    span.setStatus({ code: SpanStatusCode.OK });
    span.end();
  });
}

/** Ends a span whose end never came (a stream left unread, the process exiting), saying why. */
export function endIncomplete(span: Span, reason: string): void {
  safely('span.end', () => {
    if (!span.isRecording()) return;
    // The reason may quote a crash's message, which may quote a key.
    span.addEvent('incomplete', { reason: scrubSecrets(reason) });
    span.end();
  });
}

/**
 * Registers work that ends on a later event (a stream being consumed), so the
 * exit path can end it if the app never finished: `end` is called with the
 * reason. Returns the release function to call once it has ended normally.
 */
export function trackOpen(end: (reason: string) => void): () => void {
  const entry = { end };
  const open = getState().openSpans;
  open.add(entry);
  return () => open.delete(entry);
}

/** trackOpen for one span, ended with endIncomplete. */
export function trackOpenSpan(span: Span): () => void {
  return trackOpen((reason) => endIncomplete(span, reason));
}
