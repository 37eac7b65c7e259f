import { context } from '@opentelemetry/api';
import { livePipeline } from '../state';
import { Attr } from '../semconv/attr';
import { withIdentity } from '../trace/identity';
import { cappedAttributeValue } from '../trace/write';

/**
 * Identity without an agent span, e.g. in a server handler: every span started
 * inside `fn` carries the value, exactly as under agentSpan. Returns what `fn` returns.
 */
export function withSession<T>(sessionId: string, fn: () => T): T {
  return withValue(Attr.SESSION_ID, sessionId, fn);
}

export function withUser<T>(userId: string, fn: () => T): T {
  return withValue(Attr.USER_ID, userId, fn);
}

export function withMetadata<T>(metadata: Record<string, unknown>, fn: () => T): T {
  return withValue(Attr.METADATA, metadata, fn);
}

function withValue<T>(key: string, value: unknown, fn: () => T): T {
  const encoded = cappedAttributeValue(key, value);
  if (encoded === undefined) return fn();
  // The context manager starts with the pipeline; without it context.with() would carry nothing.
  livePipeline();
  return context.with(withIdentity(context.active(), { [key]: encoded }), fn);
}
