// A store file with what the viewer must survive: span content that looks like
// markup, a span whose parent is missing, a trace of 5,000 spans, a 1 MB prompt,
// and corrupt lines (one half-written in the middle, one cut off at the end).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SemanticConventions as SC } from '@arizeai/openinference-semantic-conventions';
import { hexId, span } from '../cli/helpers/store-gen.mjs';

export const BAD = {
  xss: hexId('ui-xss', 16),
  orphan: hexId('ui-orphan', 16),
  big: hexId('ui-big', 16),
  prompt: hexId('ui-prompt', 16),
  xssLlm: hexId('ui-xss-llm', 8),
  promptLlm: hexId('ui-prompt-llm', 8),
  SCRIPT: '<script>window.__xss = 1</script>',
  IMG: '<img src=x onerror="window.__xss = 2">',
  LINK: '[docs](javascript:window.__xss=3) <a href="javascript:window.__xss=4">click</a>',
  BIG_SPANS: 5000,
  PROMPT_CHARS: 1 << 20,
};

export function writeBadStore(dir, now = Date.now()) {
  const resource = { 'service.name': 'bad-input' };
  const t0 = now - 60_000;
  const lines = [];
  const add = (fields) => lines.push(JSON.stringify(span({ resource, ...fields })));

  const xssRoot = hexId('ui-xss-root', 8);
  add({ traceId: BAD.xss, spanId: xssRoot, name: 'xss-agent', start: t0, end: t0 + 500, attributes: { [SC.OPENINFERENCE_SPAN_KIND]: 'AGENT', [SC.AGENT_NAME]: 'xss-agent', [SC.SESSION_ID]: 'session-xss', [SC.INPUT_VALUE]: BAD.SCRIPT, [SC.OUTPUT_VALUE]: BAD.LINK } });
  add({
    traceId: BAD.xss,
    spanId: BAD.xssLlm,
    parentSpanId: xssRoot,
    name: 'chat <b>bold</b>',
    start: t0 + 10,
    end: t0 + 400,
    attributes: {
      [SC.OPENINFERENCE_SPAN_KIND]: 'LLM',
      [SC.LLM_MODEL_NAME]: 'gpt-<i>4</i>',
      'llm.input_messages.0.message.role': 'user',
      'llm.input_messages.0.message.content': BAD.IMG,
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.content': BAD.LINK,
      'llm.output_messages.0.message.contents.0.message_content.image.image.url': 'javascript:window.__xss=5',
      [SC.LLM_INVOCATION_PARAMETERS]: JSON.stringify({ temperature: 0.2, note: BAD.SCRIPT }),
      'llm.input_messages.1.message.role': 'system',
      'llm.input_messages.1.message.content': '__REDACTED__',
    },
  });

  add({ traceId: BAD.orphan, spanId: hexId('ui-orphan-span', 8), parentSpanId: hexId('missing-parent', 8), name: 'orphan-step', start: t0 + 1000, end: t0 + 1100, attributes: { [SC.OPENINFERENCE_SPAN_KIND]: 'TOOL' } });
  lines.push('{"traceId":"' + BAD.orphan + '","spanId":"half-writ'); // a half-written line in the middle

  const bigRoot = hexId('ui-big-root', 8);
  add({ traceId: BAD.big, spanId: bigRoot, name: 'big-trace', start: t0 + 2000, end: t0 + 2000 + BAD.BIG_SPANS, attributes: { [SC.OPENINFERENCE_SPAN_KIND]: 'CHAIN' } });
  for (let i = 1; i < BAD.BIG_SPANS; i++) {
    const parent = i % 10 === 0 || i < 10 ? bigRoot : hexId(`ui-big-${i - (i % 10)}`, 8);
    add({ traceId: BAD.big, spanId: hexId(`ui-big-${i}`, 8), parentSpanId: parent, name: `step-${i}`, start: t0 + 2000 + i, end: t0 + 2000 + i + 5, attributes: { [SC.OPENINFERENCE_SPAN_KIND]: i % 3 ? 'TOOL' : 'LLM' } });
  }

  add({
    traceId: BAD.prompt,
    spanId: BAD.promptLlm,
    name: 'huge-prompt',
    start: t0 + 9000,
    end: t0 + 9500,
    attributes: { [SC.OPENINFERENCE_SPAN_KIND]: 'LLM', 'llm.input_messages.0.message.role': 'user', 'llm.input_messages.0.message.content': `BIG-PROMPT ${'x'.repeat(BAD.PROMPT_CHARS - 11)}` },
  });
  const name = `${new Date(t0).toISOString().replace(/:/g, '-')}-4242-abcdef.jsonl`;
  // The last line is cut off: a process killed while writing it.
  writeFileSync(join(dir, name), `{"catalystTraceStore":1,"writer":"agent"}\n${lines.join('\n')}\n{"traceId":"${BAD.orphan}","spanId":"cut`, { mode: 0o600 });
}
