import type { AttributeValue, Span } from '@opentelemetry/api';
import { getState } from '../state';
import { envPrivacy } from '../config/privacy';
import type { PrivacyConfig } from '../config/types';
import { debug } from '../diagnostics/report';
import { applyPrivacy } from './privacy';
import { dateText, describeBinary, isBinary, isDate, safeJson } from './encode';

/**
 * The one path by which our code writes attributes: privacy rules and the size
 * cap are applied here, undefined values are skipped, and values OTel cannot
 * hold (objects, BigInt) are JSON-encoded. A span that has ended ignores it.
 * It never throws, whatever the app handed over.
 */
export function writeAttributes(span: Span, attributes: Record<string, unknown>): void {
  try {
    if (!span.isRecording()) return;
    // Only a plain object of attributes makes sense; an array or a string handed to setAttributes() is ignored.
    if (!attributes || typeof attributes !== 'object' || Array.isArray(attributes) || isBinary(attributes)) return;
    const privacy = currentPrivacy();
    // One setAttribute per key, as the SDK's setAttributes does itself: no copy of the object to hand it.
    for (const key of Object.keys(attributes)) {
      const value = toAttributeValue(attributes[key], privacy.maxAttributeLength);
      if (value !== undefined) span.setAttribute(key, applyPrivacy(key, value, privacy));
    }
  } catch (error) {
    // Something like a revoked proxy as the attributes object: the app's value, not our bug; what was read before it stays written.
    debug(`attributes not written: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** toAttributeValue, then the privacy rules and size cap for `key`: for values kept outside a span (identity in the context). */
export function cappedAttributeValue(key: string, value: unknown): AttributeValue | undefined {
  const privacy = currentPrivacy();
  const encoded = toAttributeValue(value, privacy.maxAttributeLength);
  return encoded === undefined ? undefined : applyPrivacy(key, encoded, privacy);
}

let fromEnv: PrivacyConfig | undefined;
/** Without a running agent (spans on a user's own tracer) the OPENINFERENCE_HIDE_* variables still apply. */
function currentPrivacy(): PrivacyConfig {
  return getState().config?.privacy ?? (fromEnv ??= envPrivacy());
}

/**
 * An OTel attribute value for anything: primitives as they are (non-finite
 * numbers, BigInt and symbols as text), Dates as ISO text, binary data as a
 * size, homogeneous arrays of strings or numbers as arrays, the rest as JSON.
 * Never throws.
 */
export function toAttributeValue(value: unknown, maxLength?: number): AttributeValue | undefined {
  try {
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
        if (isDate(value)) return dateText(value);
        if (isBinary(value)) return describeBinary(value);
        if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
        if (Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isFinite(v))) return value as number[];
        return safeJson(value, maxLength);
    }
  } catch (error) {
    return `[unreadable value: ${error instanceof Error ? error.message : 'unknown error'}]`;
  }
}
