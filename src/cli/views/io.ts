import type { StoredSpan } from '../../store/format';
import { kindPaint, type Style } from '../colors';
import type { Ctx } from '../context';
import { K } from '../keys';
import { isRedacted, splitTruncated } from '../markers';
import { duration, errorMessage, isError, modelName, spanKind, str, tokens } from '../span-fields';
import { formatDuration, formatInt, terminalSafe, wrapText } from '../text';
import { forTerminal } from './terminal-safe-span';
import { readIndexed, readMessages, type Message, type ToolCall } from './messages';

/**
 * `span get --view io`: what went in and what came out, as a conversation.
 * LLM spans show their messages (role, text, tool calls with arguments, tool
 * results); other spans show input.value and output.value, pretty-printed when
 * they are JSON. Values the agent hid or cut are marked as such.
 */
export function renderIo(ctx: Ctx, stored: StoredSpan): string[] {
  const { style, width } = ctx;
  const span = forTerminal(stored);
  const a = span.attributes;
  const kind = spanKind(span);
  const lines: string[] = [];

  const t = tokens(span);
  const head = [
    kindPaint(style, kind)(kind) + ' ' + style.bold(terminalSafe(span.name) || '(unnamed)'),
    modelName(span) ? terminalSafe(modelName(span)!) : undefined,
    formatDuration(duration(span)),
    t.total !== undefined
      ? `${formatInt(t.total)} tokens${t.prompt !== undefined || t.completion !== undefined ? ` (${formatInt(t.prompt ?? 0)} in, ${formatInt(t.completion ?? 0)} out)` : ''}`
      : undefined,
    isError(span) ? style.red('error') : undefined,
  ].filter((x): x is string => x !== undefined);
  lines.push(head.join(style.dim(' · ')));
  lines.push(style.dim(`span ${span.spanId} · trace ${span.traceId}`));
  const tool = str(a[K.TOOL_NAME]);
  if (tool && kind === 'TOOL' && tool !== span.name) lines.push(style.dim(`tool ${terminalSafe(tool)}`));

  const section = (title: string): void => {
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    lines.push('');
    lines.push(style.bold(`── ${title} ${'─'.repeat(Math.max(0, Math.min(width, 60) - title.length - 4))}`));
  };

  const input = readMessages(a, K.INPUT_MESSAGES);
  const output = readMessages(a, K.OUTPUT_MESSAGES);
  const docs = readIndexed(a, K.RETRIEVAL_DOCUMENTS);
  const embeddings = readIndexed(a, K.EMBEDDING_EMBEDDINGS);

  section('Input');
  const before = lines.length;
  if (input.length) for (const m of input) pushMessage(lines, m, style, width);
  else if (embeddings.length) embeddings.forEach((e, i) => pushBlock(lines, `text ${i + 1}`, e[K.EMBEDDING_TEXT], style, width));
  else if (a[K.INPUT_VALUE] !== undefined) pushValue(lines, a[K.INPUT_VALUE]!, str(a[K.INPUT_MIME_TYPE]), style, width, '  ');
  if (lines.length === before) lines.push(style.dim('  (none recorded)'));

  section('Output');
  const beforeOut = lines.length;
  if (output.length) for (const m of output) pushMessage(lines, m, style, width);
  else if (docs.length) {
    docs.forEach((d, i) => {
      const score = d[K.DOCUMENT_SCORE] !== undefined ? ` score ${d[K.DOCUMENT_SCORE]}` : '';
      const id = d[K.DOCUMENT_ID] !== undefined ? ` ${terminalSafe(d[K.DOCUMENT_ID]!)}` : '';
      pushBlock(lines, `document ${i + 1}${id}${score}`, d[K.DOCUMENT_CONTENT], style, width);
    });
  } else if (a[K.OUTPUT_VALUE] !== undefined) pushValue(lines, a[K.OUTPUT_VALUE]!, str(a[K.OUTPUT_MIME_TYPE]), style, width, '  ');
  if (lines.length === beforeOut) lines.push(style.dim(isError(span) ? '  (none: the span failed)' : '  (none recorded)'));

  if (isError(span)) {
    section('Error');
    for (const l of wrapText(errorMessage(span) ?? 'failed, no message recorded', width - 2)) lines.push(`  ${style.red(l)}`);
    const trace = span.events?.find((e) => e.name === 'exception')?.attributes?.['exception.stacktrace'];
    if (typeof trace === 'string') {
      const stack = trace.split('\n').slice(1, 6);
      for (const l of stack) lines.push(style.dim(`  ${terminalSafe(l.trim())}`));
    }
  }
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

const ROLE_PAINT: Record<string, keyof Style> = { system: 'gray', developer: 'gray', user: 'green', assistant: 'cyan', tool: 'yellow', function: 'yellow' };

function pushMessage(lines: string[], m: Message, style: Style, width: number): void {
  const role = terminalSafe(m.role ?? 'message');
  const paint = style[ROLE_PAINT[role.toLowerCase()] ?? 'bold'] as (s: string) => string;
  const extra = [
    m.name ? terminalSafe(m.name) : undefined,
    m.toolCallId ? `result of ${terminalSafe(m.toolCallId)}` : undefined,
  ].filter(Boolean);
  lines.push(`  ${paint(style.bold(role))}${extra.length ? style.dim(` (${extra.join(', ')})`) : ''}`);
  const body = lines.length;
  if (m.content !== undefined) pushValue(lines, m.content, undefined, style, width, '    ');
  for (const part of m.contents) {
    if (part.text !== undefined) pushValue(lines, part.text, undefined, style, width, '    ');
    else if (part.imageUrl !== undefined) lines.push(`    ${style.dim('[image]')} ${describeImage(part.imageUrl, style)}`);
    else if (part.type) lines.push(`    ${style.dim(`[${terminalSafe(part.type)}]`)}`);
  }
  for (const call of [...(m.functionCall ? [m.functionCall] : []), ...m.toolCalls]) pushToolCall(lines, call, style, width);
  if (lines.length === body) lines.push(`    ${style.dim('(empty)')}`);
  lines.push('');
}

function pushToolCall(lines: string[], call: ToolCall, style: Style, width: number): void {
  const name = call.name === undefined ? '(unnamed tool)' : isRedacted(call.name) ? hiddenMark(style) : terminalSafe(call.name);
  lines.push(`    ${style.yellow('→ tool call')} ${style.bold(name)}${call.id ? style.dim(`  id ${terminalSafe(call.id)}`) : ''}`);
  if (call.arguments !== undefined) pushValue(lines, call.arguments, 'application/json', style, width, '      ');
}

function pushBlock(lines: string[], title: string, value: string | undefined, style: Style, width: number): void {
  lines.push(`  ${style.bold(terminalSafe(title))}`);
  if (value !== undefined) pushValue(lines, value, undefined, style, width, '    ');
  lines.push('');
}

function hiddenMark(style: Style): string {
  return style.yellow('[hidden]');
}

function describeImage(url: string, style: Style): string {
  if (isRedacted(url)) return hiddenMark(style);
  if (url.startsWith('data:')) return `${terminalSafe(url.slice(0, url.indexOf(',') > 0 ? url.indexOf(',') : 40))} (${formatInt(url.length)} chars inline)`;
  return terminalSafe(url);
}

/** A value: hidden → a marker; cut → the kept text and a marker; JSON → indented. */
function pushValue(lines: string[], value: unknown, mime: string | undefined, style: Style, width: number, indent: string): void {
  if (isRedacted(value)) {
    lines.push(`${indent}${hiddenMark(style)}`);
    return;
  }
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  let removed: number | undefined;
  const cut = splitTruncated(text);
  if (cut) {
    text = cut.text;
    removed = cut.removed;
  }
  if (removed === undefined) text = prettyJson(text, mime, width - indent.length) ?? text;
  // Again here: pretty-printing parses JSON, which turns \u001b in the text back into the character.
  for (const l of wrapText(terminalSafe(text, { multiline: true }), width - indent.length)) lines.push(`${indent}${l}`);
  if (removed !== undefined) lines.push(`${indent}${style.yellow(`[truncated: ${formatInt(removed)} more chars not stored]`)}`);
}

function prettyJson(text: string, mime: string | undefined, width: number): string | undefined {
  const t = text.trim();
  const looksJson = (t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'));
  if (!looksJson && !(mime ?? '').includes('json')) return undefined;
  try {
    const parsed = JSON.parse(t) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const compact = JSON.stringify(parsed);
    return compact.length <= width ? compact : JSON.stringify(parsed, null, 2);
  } catch {
    return undefined;
  }
}

