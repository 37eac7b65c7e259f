import { SpanStatusCode, type Span } from '@opentelemetry/api';
import { getState } from '../state';
import { safely } from './safe';

/**
 * Ending a span from the patched call path: each function ends a span at most
 * once and never throws, whatever the error or the span's state.
 */
export function endWithError(span: Span, error: unknown): void {
  safely('span.end', () => {
    if (!span.isRecording()) return;
    const err = error instanceof Error ? error : new Error(String(error));
    span.recordException(err);
    span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
    span.end();
  });
}

/** Success is stated (status OK), as OpenInference instrumentations do, so viewers can tell it from "unknown". */
export function endOk(span: Span): void {
  safely('span.end', () => {
    if (!span.isRecording()) return;
    span.setStatus({ code: SpanStatusCode.OK });
    span.end();
  });
}

/**
 * Registers a span that ends on a later event (a stream being consumed), so the
 * exit path can end it if the app never finished reading. Returns the release
 * function to call once the span has ended normally.
 */
export function trackOpenSpan(span: Span): () => void {
  const entry = {
    end(reason: string) {
      safely('span.end', () => {
        if (!span.isRecording()) return;
        span.addEvent('incomplete', { reason });
        span.end();
      });
    },
  };
  const open = getState().openSpans;
  open.add(entry);
  return () => open.delete(entry);
}
