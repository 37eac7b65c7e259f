import { SpanStatusCode } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/sdk-trace-base';
import { writeAttributes } from '../../trace/write';
import { takeAttributes } from '../../trace/scope-intake';
import { runAttributes } from './attributes';
import { isFolded } from './context';

/** Keys LangSmith writes on a run's span; none is kept once converted. */
const isLangSmithKey = (key: string): boolean => key.startsWith('langsmith.') || key.startsWith('gen_ai.');

/**
 * The intake rule for the `langsmith` scope, run as each run's span ends
 * (LangSmith ends it when its client flushes the run): a folded wrapper run
 * is dropped; any other run is rewritten as OpenInference, through
 * writeAttributes so the privacy rules and size caps apply to its inputs and
 * outputs like to any span of ours.
 *
 * A failed run: LangSmith sets OK when the run starts and ERROR when it ends
 * with an error, but OTel keeps an OK status final, so the span would say OK
 * beside its exception event. The exception LangSmith recorded decides.
 */
export function convertRunSpan(span: Span): 'keep' | 'drop' {
  if (isFolded(span)) return 'drop';
  const own = takeAttributes(span, isLangSmithKey);
  writeAttributes(span, runAttributes(span.name, own));
  const exception = span.events.find((e) => e.name === 'exception');
  if (exception) {
    const message = exception.attributes?.['exception.message'];
    // The SDK span's status is a plain field; setStatus() would refuse to leave OK.
    (span as { status: { code: SpanStatusCode; message?: string } }).status = { code: SpanStatusCode.ERROR, message: typeof message === 'string' ? message : undefined };
  }
  return 'keep';
}
