import { type Tracer } from '@opentelemetry/api';
import { Attr, SpanKindValues, type SpanKindValue } from '../semconv/attr';
import { writeAttributes } from '../trace/write';
import { safely } from '../instrumentation/safe';
import { isTracer, resolveTracer } from '../trace/tracer';
import { runInSpan } from './run-in-span';
import { spanName } from '../trace/span-name';
import { inputAttributes } from './agent-span';
import type { SpanHandle } from './span-handle';
import { parentContext } from '../trace/parent-context';

export interface ManualSpanOptions {
  spanName?: string;
  /** Alias of spanName. */
  name?: string;
  /** Any SpanKindValues value; default CHAIN. */
  spanKind?: SpanKindValue;
  input?: unknown;
  metadata?: Record<string, unknown>;
  tags?: string[];
  /** For TOOL spans. */
  toolName?: string;
  toolCallId?: string;
}

/**
 * A span for a step of your own (a tool, a retrieval, a guardrail), nested
 * under whatever is active and carrying the enclosing agent's identity. The span
 * ends when `fn` settles.
 */
export function manualSpan<T>(options: ManualSpanOptions, fn: (span: SpanHandle) => T): T;
export function manualSpan<T>(tracer: Tracer, options: ManualSpanOptions, fn: (span: SpanHandle) => T): T;
export function manualSpan<T>(...args: [ManualSpanOptions, (span: SpanHandle) => T] | [Tracer, ManualSpanOptions, (span: SpanHandle) => T]): T {
  const [tracer, options, fn] = isTracer(args[0])
    ? (args as [Tracer, ManualSpanOptions, (span: SpanHandle) => T])
    : ([resolveTracer(), ...(args as [ManualSpanOptions, (span: SpanHandle) => T])] as const);
  const opts = options ?? {};
  // A kind that is not text (a typo'd variable, an object) falls back to the default rather than becoming JSON.
  const kind = typeof opts.spanKind === 'string' && opts.spanKind.trim() !== '' ? opts.spanKind : SpanKindValues.CHAIN;
  const parent = parentContext('api');
  const span = tracer.startSpan(spanName(opts.spanName ?? opts.name ?? opts.toolName ?? kind.toLowerCase()), undefined, parent);
  safely('manualSpan', () => {
    writeAttributes(span, {
      [Attr.SPAN_KIND]: kind,
      [Attr.METADATA]: opts.metadata,
      [Attr.TAGS]: opts.tags,
      [Attr.TOOL_NAME]: opts.toolName,
      [Attr.TOOL_CALL_ID]: opts.toolCallId,
    });
    if (opts.input !== undefined) writeAttributes(span, inputAttributes(opts.input));
  });
  return runInSpan(span, parent, fn);
}
