import { createContextKey, type Attributes, type Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Attr, SpanKindValues } from '../semconv/attr';
import { cappedAttributeValue } from './write';

const AGENT_KEYS = new Set<string>([Attr.AGENT_ID, Attr.AGENT_NAME, Attr.AGENT_ROLE]);

/**
 * Identity (agent, session, user, metadata, tags) set once on an agent span or
 * by withSession()/withUser()/withMetadata() is carried in the OTel context and
 * copied onto every span started inside it, automatic SDK spans included. This
 * processor is the one place that copies it.
 */
const IDENTITY_KEY = createContextKey('@catalyst/tracing.identity');

export function getIdentity(ctx: Context): Attributes | undefined {
  return ctx.getValue(IDENTITY_KEY) as Attributes | undefined;
}

/** A context whose identity is the parent's, with `attributes` layered on top. */
export function withIdentity(ctx: Context, attributes: Attributes): Context {
  const current = getIdentity(ctx);
  return ctx.setValue(IDENTITY_KEY, current ? { ...current, ...attributes } : attributes);
}

/** Identity keys a nested agent keeps from the scope around it unless it sets its own. */
const KEPT_ACROSS_AGENTS = [Attr.SESSION_ID, Attr.USER_ID, Attr.METADATA, Attr.TAGS];

/**
 * A new agent scope (an agentSpan, a framework's agent): the identity is
 * replaced, not layered, so the outer agent's id and name stop here; session,
 * user, metadata and tags are kept unless `values` sets them. Each value is
 * capped like any attribute, since it is copied onto every span inside;
 * undefined values are left out.
 */
export function withAgentScope(ctx: Context, values: Record<string, unknown>): Context {
  const current = getIdentity(ctx);
  const scope: Attributes = {};
  if (current) for (const k of KEPT_ACROSS_AGENTS) if (current[k] !== undefined) scope[k] = current[k];
  for (const [k, v] of Object.entries(values)) {
    const capped = cappedAttributeValue(k, v);
    if (capped !== undefined) scope[k] = capped;
  }
  return ctx.setValue(IDENTITY_KEY, scope);
}

export class IdentitySpanProcessor implements SpanProcessor {
  onStart(span: Span, parentContext: Context): void {
    const identity = getIdentity(parentContext);
    if (!identity) return;
    // A nested agent span is a new agent: it must not inherit the outer agent's id, name or role.
    const isAgent = span.attributes[Attr.SPAN_KIND] === SpanKindValues.AGENT;
    for (const key in identity) {
      if (isAgent && AGENT_KEYS.has(key)) continue;
      // A span's own value wins: the agent span itself, or an SDK span that set a key on purpose.
      if (span.attributes[key] === undefined) span.setAttribute(key, identity[key]!);
    }
  }
  onEnd(_span: ReadableSpan): void {}
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
