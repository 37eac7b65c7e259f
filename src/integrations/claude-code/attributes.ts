import { Attr, MimeTypes, SpanKindValues } from '../../semconv/attr';
import { normalizeUsage, usageAttributes } from '../../semconv/usage';
import { isObj, str, type Attrs, type Obj } from '../shape';
import type { CliRequest } from './command';

/** The explicit pattern's names (docs/integrations/claude-code.md), which the zero-code span shares. */
export const AGENT_NAME = 'ClaudeCode';
export const SPAN_NAME = 'claude-code.invocation';

export function invocationStartAttributes(request: CliRequest): Attrs {
  const out: Attrs = { [Attr.SPAN_KIND]: SpanKindValues.AGENT, [Attr.AGENT_NAME]: AGENT_NAME, [Attr.LLM_SYSTEM]: 'anthropic', [Attr.LLM_PROVIDER]: 'anthropic' };
  if (request.prompt !== undefined) Object.assign(out, { [Attr.INPUT_VALUE]: request.prompt, [Attr.INPUT_MIME_TYPE]: MimeTypes.TEXT });
  if (request.model) out[Attr.LLM_REQUEST_MODEL_NAME] = request.model;
  return out;
}

/** What the CLI printed, by output format: the result text (never the raw JSON), session, model, usage and cost. */
export interface CliOutcome {
  attributes: Attrs;
  /** The result said it failed (`is_error`, an error subtype). */
  error?: string;
}

function fromResult(result: Obj, out: Attrs): string | undefined {
  if (str(result.session_id)) out[Attr.SESSION_ID] = result.session_id;
  if (typeof result.result === 'string') Object.assign(out, { [Attr.OUTPUT_VALUE]: result.result, [Attr.OUTPUT_MIME_TYPE]: MimeTypes.TEXT });
  usageAttributes(normalizeUsage(result.usage), out);
  if (typeof result.total_cost_usd === 'number' && Number.isFinite(result.total_cost_usd)) out[Attr.LLM_COST_TOTAL] = result.total_cost_usd;
  if (isObj(result.modelUsage) && out[Attr.LLM_MODEL_NAME] === undefined) {
    const models = Object.keys(result.modelUsage);
    if (models.length === 1) out[Attr.LLM_MODEL_NAME] = models[0];
  }
  const subtype = str(result.subtype);
  if (result.is_error !== true && (subtype === undefined || subtype === 'success')) return undefined;
  const reason = typeof result.result === 'string' && result.result !== '' ? result.result : Array.isArray(result.errors) ? result.errors.join('; ') : undefined;
  return [subtype && subtype !== 'success' ? subtype : undefined, reason].filter(Boolean).join(': ') || 'the CLI reported an error';
}

function parse(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

export function outcomeOf(format: CliRequest['outputFormat'], stdout: string): CliOutcome {
  const attributes: Attrs = {};
  if (format === 'text') {
    const text = stdout.replace(/\n$/, '');
    if (text !== '') Object.assign(attributes, { [Attr.OUTPUT_VALUE]: text, [Attr.OUTPUT_MIME_TYPE]: MimeTypes.TEXT });
    return { attributes };
  }
  if (format === 'json') {
    const parsed = parse(stdout.trim());
    const result = Array.isArray(parsed) ? parsed.filter(isObj).find((m) => m.type === 'result') : parsed;
    const init = Array.isArray(parsed) ? parsed.filter(isObj).find((m) => m.type === 'system' && m.subtype === 'init') : undefined;
    if (init && str(init.model)) attributes[Attr.LLM_MODEL_NAME] = init.model;
    return isObj(result) ? { attributes, error: fromResult(result, attributes) } : { attributes };
  }
  let error: string | undefined;
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') continue;
    const m = parse(line);
    if (!isObj(m)) continue;
    if (m.type === 'system' && m.subtype === 'init') {
      if (str(m.model)) attributes[Attr.LLM_MODEL_NAME] = m.model;
      if (str(m.session_id)) attributes[Attr.SESSION_ID] = m.session_id;
    } else if (m.type === 'result') error = fromResult(m, attributes);
  }
  return { attributes, error };
}

/** The last non-empty line of stderr: the reason a failed run gives. */
export function lastLine(text: string): string | undefined {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1];
}
