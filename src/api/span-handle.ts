import type { AttributeValue, Span } from '@opentelemetry/api';
import { Attr, MimeTypes } from '../semconv/attr';
import { normalizeUsage, usageAttributes, type TokenUsage } from '../semconv/usage';
import { writeAttributes } from '../trace/write';
import { asText } from '../trace/encode';
import { debug } from '../diagnostics/report';

/** A setter given a value it cannot read (a revoked proxy, a throwing getter): the app's value, not a bug of ours; skip it quietly. */
function quietly<T>(where: string, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    debug(`${where}: value not recorded (${error instanceof Error ? error.message : String(error)})`);
    return undefined;
  }
}

export interface ToolInfo {
  name: string;
  callId?: string;
  description?: string;
  /** The tool's parameters (JSON schema), as an object or JSON text. */
  parameters?: unknown;
}

/**
 * What `agentSpan` and `manualSpan` hand to their callback. Every setter goes
 * through the same privacy and size rules as automatic spans, never throws, and
 * is ignored once the span has ended.
 */
export class SpanHandle {
  constructor(
    /** The underlying OpenTelemetry span, for anything this handle does not cover. */
    readonly raw: Span,
  ) {}

  /** Strings are kept as they are (text/plain); anything else is JSON (application/json). */
  setInput(value: unknown): this {
    if (value === undefined) return this;
    const { text, json } = asText(value);
    writeAttributes(this.raw, { [Attr.INPUT_VALUE]: text, [Attr.INPUT_MIME_TYPE]: json ? MimeTypes.JSON : MimeTypes.TEXT });
    return this;
  }

  setOutput(value: unknown): this {
    if (value === undefined) return this;
    const { text, json } = asText(value);
    writeAttributes(this.raw, { [Attr.OUTPUT_VALUE]: text, [Attr.OUTPUT_MIME_TYPE]: json ? MimeTypes.JSON : MimeTypes.TEXT });
    return this;
  }

  setModel(name: string): this {
    writeAttributes(this.raw, { [Attr.LLM_MODEL_NAME]: name });
    return this;
  }

  setTool(tool: ToolInfo): this {
    quietly('setTool', () => {
      if (!tool || typeof tool !== 'object') return;
      writeAttributes(this.raw, {
        [Attr.TOOL_NAME]: tool.name,
        [Attr.TOOL_CALL_ID]: tool.callId,
        [Attr.TOOL_DESCRIPTION]: tool.description,
        [Attr.TOOL_PARAMETERS]: tool.parameters,
      });
    });
    return this;
  }

  /** Writes only the counts given. */
  recordTokens(tokens: { prompt?: number; completion?: number; total?: number }): this {
    quietly('recordTokens', () => {
      if (!tokens || typeof tokens !== 'object') return;
      writeAttributes(this.raw, {
        [Attr.TOKEN_COUNT_PROMPT]: tokens.prompt,
        [Attr.TOKEN_COUNT_COMPLETION]: tokens.completion,
        [Attr.TOKEN_COUNT_TOTAL]: tokens.total,
      });
    });
    return this;
  }

  /**
   * Accepts OpenAI chat, OpenAI Responses, Anthropic and AI SDK usage objects;
   * writes prompt, completion, total (inferred when missing), cache read/write and
   * reasoning counts, and returns them normalised.
   */
  recordUsage(usage: unknown): TokenUsage {
    const normalised = quietly('recordUsage', () => normalizeUsage(usage)) ?? {};
    writeAttributes(this.raw, usageAttributes(normalised));
    return normalised;
  }

  /** Non-primitive values are JSON-encoded; undefined is ignored. */
  setAttribute(key: string, value: unknown): this {
    writeAttributes(this.raw, { [key]: value });
    return this;
  }

  setAttributes(attributes: Record<string, unknown>): this {
    writeAttributes(this.raw, attributes);
    return this;
  }
}

export type { TokenUsage, AttributeValue };
