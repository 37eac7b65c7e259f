import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_STORE, plain, run, tempDir } from './helpers/run';
import { FIXTURE_IDS, REDACTED, span, truncated } from './helpers/store-gen.mjs';

const dir = ['--dir', FIXTURE_STORE];
const sid = (trace: string, name: string): string => FIXTURE_IDS.span(trace, name);

describe('span list', () => {
  it('lists spans newest first with kind, name, duration, model, tokens and status', async () => {
    const r = await run(['span', 'list', ...dir]);
    expect(r.code).toBe(0);
    const lines = plain(r.stdout).filter(Boolean);
    expect(lines[0]).toMatch(/^TRACE\s+SPAN\s+KIND\s+NAME\s+START\s+DURATION\s+MODEL\s+TOKENS\s+STATUS$/);
    expect(lines).toHaveLength(1 + 17);
    expect(lines[1]).toMatch(new RegExp(`^${FIXTURE_IDS.main.slice(0, 8)}\\s+${sid('main', 'llm2').slice(0, 8)}\\s+LLM\\s+openai\\.chat\\.completions\\s+.*1\\.08s\\s+gpt-4o-mini\\s+1,533\\s+ok$`));
    expect(r.stderr).toContain('skipped 2 corrupt lines');
  });

  it('filters by kind (OpenInference or OTel), trace and text; sorts and orders; limits', async () => {
    const spans = async (...args: string[]): Promise<Array<{ spanId: string; name: string }>> => {
      const r = await run(['span', 'list', '--json', ...dir, ...args]);
      expect(r.code).toBe(0);
      return JSON.parse(r.stdout) as Array<{ spanId: string; name: string }>;
    };
    expect((await spans('--kind', 'llm')).length).toBe(6);
    expect((await spans('--kind', 'TOOL')).map((s) => s.name)).toEqual(['search_flights', 'search_flights', 'get_weather']);
    expect((await spans('--kind', 'SERVER')).map((s) => s.name)).toEqual(['POST /v1/chat']);
    expect((await spans('--kind', 'LLM', '--sort', 'total_tokens', '--limit', '2')).map((s) => s.spanId)).toEqual([sid('privacy', 'llm'), sid('main', 'llm2')]);
    expect((await spans('--kind', 'LLM', '--sort', 'total_tokens', '--order', 'asc', '--limit', '1')).map((s) => s.spanId)).toEqual([sid('ratelimit', 'llm')]);
    expect((await spans('--sort', 'duration', '--limit', '1')).map((s) => s.spanId)).toEqual([sid('main', 'agent')]);
    expect((await spans('--trace-id', FIXTURE_IDS.support)).map((s) => s.name)).toEqual(['anthropic.messages.create', 'kb.search', 'support-bot']);
    expect((await spans('--trace-id', 'last', '--kind', 'tool', '--order', 'asc')).map((s) => s.spanId)).toEqual([sid('main', 'weather'), sid('main', 'flights1'), sid('main', 'flights2')]);
    // Text: name, attribute values and status messages, any case.
    expect((await spans('--text', 'REFUND')).map((s) => s.name)).toEqual(['anthropic.messages.create', 'kb.search', 'support-bot']);
    expect((await spans('--text', 'did not answer')).map((s) => s.spanId)).toEqual([sid('main', 'flights1')]);
    expect((await spans('--text', '"city":"Lisbon"')).map((s) => s.name)).toEqual(['openai.chat.completions', 'get_weather', 'openai.chat.completions']);
    expect((await spans('--text', '18–27 °C')).map((s) => s.spanId)).toEqual([sid('main', 'llm2'), sid('main', 'agent')]);
    const r = await run(['span', 'list', '--limit', '3', ...dir]);
    expect(plain(r.stdout).at(-2)).toBe('showing 3 of 17 spans; --limit N for more');
  });

  it('rejects bad flags in one line', async () => {
    expect(await run(['span', 'list', '--sort', 'name', ...dir])).toMatchObject({ code: 2, stderr: "catalyst-tracing: invalid --sort 'name': use one of start_time, duration, total_tokens\n" });
    expect(await run(['span', 'list', '--order', 'up', ...dir])).toMatchObject({ code: 2, stderr: "catalyst-tracing: invalid --order 'up': use one of asc, desc\n" });
    expect(await run(['span', 'list', '--limit', 'ten', ...dir])).toMatchObject({ code: 2, stderr: "catalyst-tracing: invalid --limit 'ten': use a whole number of 1 or more\n" });
    expect(await run(['span', 'list', '--view', 'io', ...dir])).toMatchObject({ code: 2, stderr: "catalyst-tracing: --view is not an option of 'span list' (see catalyst-tracing span list --help)\n" });
    expect(await run(['span', 'list', '--trace-id', 'feedface', ...dir])).toMatchObject({ code: 1, stderr: `catalyst-tracing: no trace starting with 'feedface' in ${FIXTURE_STORE}\n` });
  });
});

describe('span get', () => {
  it('--view io (the default) renders an LLM call as a conversation with tool calls and tool results', async () => {
    const r = await run(['span', 'get', 'last', sid('main', 'llm2').slice(0, 6), ...dir], { env: { COLUMNS: '200' } });
    expect(r.code).toBe(0);
    const text = plain(r.stdout).join('\n').trimEnd();
    expect(text).toContain('LLM openai.chat.completions · gpt-4o-mini · 1.08s · 1,533 tokens (1,321 in, 212 out)');
    expect(text).toContain(`span ${sid('main', 'llm2')} · trace ${FIXTURE_IDS.main}`);
    expect(text).toMatch(/── Input ─+\n {2}system\n {4}You are a travel planner\. Use the tools to check the weather and find flights, then answer briefly\.\n\n {2}user\n {4}Plan a weekend in Lisbon/);
    expect(text).toContain('  assistant\n    → tool call get_weather  id call_W1x9\n      {"city":"Lisbon","from":"2025-06-14","to":"2025-06-16"}\n    → tool call search_flights  id call_F7k2\n');
    expect(text).toContain('  tool (result of call_W1x9)\n    {"forecast":"sunny","high_c":27,"low_c":18}');
    expect(text).toContain('  tool (result of call_F7k2)\n');
    expect(text).toMatch(/── Output ─+\n {2}assistant\n {4}Lisbon looks sunny \(18–27 °C\)\. Cheapest flight: FR at 10:40 for €142 per person; TP at 07:05 is €189\. Want me to hold seats\?$/);
  });

  it('marks hidden and truncated values as such', async () => {
    const r = await run(['span', 'get', FIXTURE_IDS.privacy, sid('privacy', 'llm'), ...dir]);
    const text = plain(r.stdout).join('\n');
    expect(text).toContain('  system\n    [hidden]\n\n  user\n    [hidden]');
    expect(text).toContain('  assistant\n    Day 1: arrive at 10:40, check in near Baixa, lunch at Time Out Market, walk up to the Miradouro de Santa Luzia\n    [truncated: 18,211 more chars not stored]');
    expect(text).not.toContain(REDACTED);
    const agent = plain((await run(['span', 'get', FIXTURE_IDS.privacy, sid('privacy', 'agent'), ...dir])).stdout).join('\n');
    expect(agent).toMatch(/── Input ─+\n {2}\[hidden\]/);
    expect(agent).toContain('[truncated: 18,211 more chars not stored]');
    const attrs = plain((await run(['span', 'get', FIXTURE_IDS.privacy, sid('privacy', 'llm'), '--view', 'attributes', ...dir])).stdout).join('\n');
    expect(attrs).toMatch(/llm\.input_messages\.0\.message\.content\s+\[hidden\]/);
    expect(attrs).toMatch(/llm\.output_messages\.0\.message\.content\s+Day 1: .* \[truncated: 18,211 more chars not stored\]/);
  });

  it('shows tool input/output as JSON, documents of a retriever, and the error of a failed span', async () => {
    const tool = plain((await run(['span', 'get', 'last', sid('main', 'weather'), ...dir])).stdout).join('\n').trimEnd();
    expect(tool).toMatch(/── Input ─+\n {2}\{"city":"Lisbon","from":"2025-06-14","to":"2025-06-16"\}\n\n── Output ─+\n {2}\{"forecast":"sunny","high_c":27,"low_c":18\}$/);
    const kb = plain((await run(['span', 'get', FIXTURE_IDS.support, sid('support', 'kb'), ...dir])).stdout).join('\n');
    expect(kb).toContain('  document 1 kb-112 score 0.91\n    Refunds are issued to the original payment method within 5 business days.');
    expect(kb).toContain('  document 2 kb-087 score 0.84\n');
    const failed = plain((await run(['span', 'get', 'last', sid('main', 'flights1'), ...dir])).stdout).join('\n');
    expect(failed).toMatch(/── Output ─+\n {2}\(none: the span failed\)\n\n── Error ─+\n {2}TimeoutError: flights API did not answer within 2000ms\n {2}at searchFlights/);
  });

  it('--view attributes lists attributes in natural order, the resource and the events', async () => {
    const r = await run(['span', 'get', 'last', sid('main', 'llm2'), '--view', 'attributes', ...dir]);
    const lines = plain(r.stdout);
    const keys = lines.filter((l) => l.startsWith('  llm.input_messages.')).map((l) => l.trim().split(/\s+/)[0]!);
    expect(keys.indexOf('llm.input_messages.4.message.role')).toBeGreaterThan(keys.indexOf('llm.input_messages.2.message.tool_calls.1.tool_call.id'));
    expect(lines).toContain('Resource');
    expect(lines.some((l) => /^ {2}service\.name\s+travel-assistant$/.test(l))).toBe(true);
    const failed = plain((await run(['span', 'get', 'last', sid('main', 'flights1'), '--view', 'attributes', ...dir])).stdout);
    expect(failed).toContain('Events');
    expect(failed.some((l) => /^status {3}ERROR: TimeoutError: flights API/.test(l))).toBe(true);
  });

  it('--view json prints the stored span', async () => {
    const r = await run(['span', 'get', FIXTURE_IDS.gateway, sid('gateway', 'http'), '--json', ...dir]);
    expect(JSON.parse(r.stdout)).toMatchObject({ traceId: FIXTURE_IDS.gateway, spanId: sid('gateway', 'http'), kind: 'SERVER', resource: { 'service.name': 'gateway' } });
  });

  it('says clearly when a span is unknown, ambiguous or missing', async () => {
    expect(await run(['span', 'get', 'last', 'ffffffff', ...dir])).toMatchObject({ code: 1, stderr: `catalyst-tracing: no span starting with 'ffffffff' in trace ${FIXTURE_IDS.main}\n` });
    expect(await run(['span', 'get', 'last', 'xyz', ...dir])).toMatchObject({ code: 2, stderr: "catalyst-tracing: invalid span id 'xyz': give a hex span id or a prefix of one\n" });
    expect(await run(['span', 'get', 'last', ...dir])).toMatchObject({ code: 2, stderr: "catalyst-tracing: 'span get' needs <span> (see catalyst-tracing span get --help)\n" });
    expect(await run(['span', 'get', 'last', 'ab', '--view', 'tree', ...dir])).toMatchObject({ code: 2, stderr: "catalyst-tracing: invalid --view 'tree': use one of io, attributes, json\n" });
  });

  it('keeps stored text from driving the terminal, and shows multimodal parts and legacy function calls', async () => {
    const t = tempDir();
    try {
      const traceId = 'c'.repeat(32);
      const s = span({
        traceId,
        spanId: 'd'.repeat(16),
        name: 'evil\u001b[2J name',
        start: 1e12,
        end: 1e12 + 10,
        resource: {},
        attributes: {
          'openinference.span.kind': 'LLM',
          'llm.input_messages.0.message.role': 'user',
          'llm.input_messages.0.message.contents.0.message_content.type': 'text',
          'llm.input_messages.0.message.contents.0.message_content.text': 'What is in this picture?\u001b]0;pwned\u0007',
          'llm.input_messages.0.message.contents.1.message_content.type': 'image',
          'llm.input_messages.0.message.contents.1.message_content.image.image.url': `data:image/png;base64,${'A'.repeat(500)}`,
          'llm.output_messages.0.message.role': 'assistant',
          'llm.output_messages.0.message.function_call_name': 'describe',
          'llm.output_messages.0.message.function_call_arguments_json': '{"detail":"high"}',
          'llm.output_messages.1.message.role': 'assistant',
          'llm.output_messages.1.message.content': truncated('A cat', 3),
        },
      });
      writeFileSync(join(t.dir, 's.jsonl'), `${JSON.stringify(s)}\n`);
      const r = await run(['span', 'get', traceId, 'dd', '--dir', t.dir]);
      expect(r.code).toBe(0);
      expect(r.stdout).not.toContain('\u001b');
      expect(r.stdout).not.toContain('\u0007');
      expect(r.stdout).toContain('LLM evil\\x1b[2J name');
      expect(r.stdout).toContain('    What is in this picture?\\x1b]0;pwned\\x07');
      expect(r.stdout).toContain('    [image] data:image/png;base64 (522 chars inline)');
      expect(r.stdout).toContain('    → tool call describe\n      {"detail":"high"}');
      expect(r.stdout).toContain('    A cat\n    [truncated: 3 more chars not stored]');
    } finally {
      t.cleanup();
    }
  });
});
