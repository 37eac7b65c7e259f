import type { Attributes, AttributeValue, Span } from '@opentelemetry/api';
import { getState } from '../state';
import { resolveConfig } from '../config/config';
import type { PrivacyConfig } from '../config/types';
import { applyPrivacy } from './privacy';
import { safeJson } from './encode';

/**
 * The one path by which our code writes attributes: privacy rules and the size
 * cap are applied here, undefined values are skipped, and values OTel cannot
 * hold (objects, BigInt) are JSON-encoded. A span that has ended ignores it.
 */
export function writeAttributes(span: Span, attributes: Record<string, unknown>): void {
  if (!span.isRecording()) return;
  const privacy = getState().config?.privacy ?? envPrivacy();
  const out: Attributes = {};
  for (const key in attributes) {
    const value = toAttributeValue(attributes[key]);
    if (value !== undefined) out[key] = applyPrivacy(key, value, privacy);
  }
  span.setAttributes(out);
}

export function toAttributeValue(value: unknown): AttributeValue | undefined {
  if (value === undefined || value === null) return undefined;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
    case 'symbol':
      return value.toString();
    case 'function':
      return `[Function ${value.name || 'anonymous'}]`;
    default:
      if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
      if (Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isFinite(v))) return value as number[];
      return safeJson(value);
  }
}

let fromEnv: PrivacyConfig | undefined;
/** Without a running agent (spans on a user's own tracer) the OPENINFERENCE_HIDE_* variables still apply. */
function envPrivacy(): PrivacyConfig {
  return (fromEnv ??= resolveConfig({}).config.privacy);
}
