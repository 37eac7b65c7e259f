import type { Span } from '@opentelemetry/api';
import type { PatchContext } from '../types';
import { callInSpan, endIncomplete, endOk, trackOpenSpan } from '../../instrumentation/span-lifecycle';
import { safely } from '../../instrumentation/safe';
import { scrubSecrets } from '../../diagnostics/secrets';
import { parentContext } from '../../trace/parent-context';
import { writeAttributes } from '../../trace/write';
import { dataSnapshot } from '../../trace/encode';
import { spanName } from '../../trace/span-name';
import { SpanStatusCode } from '@opentelemetry/api';
import { turnEndAttributes, turnFailure, turnSpanName, turnStartAttributes } from './attributes';
import { markTurn } from './context';
import type { TurnMethod } from './patch';

/**
 * What a traced provider `stream`/`streamSimple` does, per turn: one LLM span,
 * started before the provider runs and ended with the turn's final message.
 * patch.ts loads this file at the first turn (see instrumentation/deferred.ts).
 *
 * Every pi-ai provider returns an event stream whose `result()` promise
 * resolves with the final `AssistantMessage` once the turn is done, failed or
 * aborted (it never rejects: pi-ai reports failure in the message). The span
 * ends from that promise, so it ends whether the app iterates the events,
 * awaits `result()`, both or neither; the events themselves are not touched,
 * so they reach the app unchanged and at the provider's pace.
 */
export function tracedTurn(method: TurnMethod, ctx: PatchContext, original: (...args: any[]) => any, self: unknown, args: any[]): unknown {
  // The model, context and options are the app's objects: read through copies of their plain data, so a
  // getter or toJSON of the app's runs only as often as pi-ai itself runs it (a value behind a getter is left out).
  const model = safely('pi-ai.model', () => dataSnapshot(args[0]));
  // Resolved once, so the span and the provider call it wraps share one parent.
  const parent = parentContext('provider');
  const span = safely('pi-ai.start', () => ctx.getTracer().startSpan(spanName(turnSpanName(model)), undefined, parent));
  if (!span) return original.apply(self, args);
  safely('pi-ai.request', () => writeAttributes(span, turnStartAttributes(model, dataSnapshot(args[1]), dataSnapshot(args[2]))));
  // The provider runs in the turn span, marked as a turn: the openai / anthropic patches fold into it (context.ts).
  const returned = callInSpan(span, markTurn(parent), () => original.apply(self, args));
  safely('pi-ai.observe', () => observeTurn(span, returned, method));
  return returned;
}

function observeTurn(span: Span, returned: unknown, method: TurnMethod): void {
  const result = (returned as { result?: unknown } | null | undefined)?.result;
  if (typeof result !== 'function') {
    endIncomplete(span, `the provider's ${method} returned no event stream`);
    return;
  }
  // `then` on the stream's own promise: the app's `result()` gets the same promise, untouched.
  let final: Promise<unknown>;
  try {
    final = Promise.resolve(result.call(returned));
  } catch (error) {
    endIncomplete(span, `the provider's event stream has no result: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  const release = trackOpenSpan(span);
  final.then(
    (message: unknown) => {
      release();
      endTurn(span, message);
    },
    (error: unknown) => {
      release();
      endIncomplete(span, error instanceof Error ? error.message : String(error));
    },
  );
}

function endTurn(span: Span, message: unknown): void {
  safely('pi-ai.end', () => {
    writeAttributes(span, turnEndAttributes(message));
    const failure = turnFailure(message);
    if (!failure) return endOk(span);
    if (!span.isRecording()) return;
    // pi-ai reports a failed or aborted turn in the message instead of throwing; the app sees it so.
    const text = scrubSecrets(failure.message);
    span.recordException({ name: failure.reason === 'aborted' ? 'AbortError' : 'PiAiError', message: text });
    span.setStatus({ code: SpanStatusCode.ERROR, message: text });
    span.end();
  });
}
