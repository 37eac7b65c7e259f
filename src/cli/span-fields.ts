import type { StoredAttributeValue, StoredSpan } from '../store/format';
import { K } from './keys';

/** Reading common facts off a stored span. */

export function str(v: StoredAttributeValue | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export function num(v: StoredAttributeValue | undefined): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** The OpenInference kind (LLM, TOOL, ...), else the OTel kind (SERVER, CLIENT, INTERNAL, ...). */
export function spanKind(span: StoredSpan): string {
  const oi = str(span.attributes[K.SPAN_KIND]);
  return oi ? oi.toUpperCase() : span.kind || 'INTERNAL';
}

export function isOpenInferenceKind(span: StoredSpan): boolean {
  return str(span.attributes[K.SPAN_KIND]) !== undefined;
}

export function duration(span: StoredSpan): number {
  return Math.max(0, span.endTime - span.startTime);
}

export function modelName(span: StoredSpan): string | undefined {
  const a = span.attributes;
  return str(a[K.LLM_MODEL_NAME]) ?? str(a[K.LLM_RESPONSE_MODEL_NAME]) ?? str(a[K.LLM_REQUEST_MODEL_NAME]) ?? str(a[K.EMBEDDING_MODEL_NAME]) ?? str(a[K.RERANKER_MODEL_NAME]);
}

export interface Tokens {
  prompt?: number;
  completion?: number;
  total?: number;
}

export function tokens(span: StoredSpan): Tokens {
  const a = span.attributes;
  const prompt = num(a[K.TOKENS_PROMPT]);
  const completion = num(a[K.TOKENS_COMPLETION]);
  let total = num(a[K.TOKENS_TOTAL]);
  if (total === undefined && (prompt !== undefined || completion !== undefined)) total = (prompt ?? 0) + (completion ?? 0);
  return { prompt, completion, total };
}

export function isError(span: StoredSpan): boolean {
  return span.status.code === 'ERROR';
}

/** The status message, else the first exception event's message. */
export function errorMessage(span: StoredSpan): string | undefined {
  if (span.status.message) return span.status.message;
  for (const e of span.events ?? []) {
    if (e.name === 'exception') {
      const type = str(e.attributes?.['exception.type']);
      const message = str(e.attributes?.['exception.message']);
      if (type || message) return [type, message].filter(Boolean).join(': ');
    }
  }
  return undefined;
}

export function serviceName(span: StoredSpan): string | undefined {
  return str(span.resource[K.SERVICE_NAME]);
}

export function agentLabel(span: StoredSpan): string | undefined {
  return str(span.attributes[K.AGENT_NAME]) ?? str(span.attributes[K.AGENT_ID]);
}
