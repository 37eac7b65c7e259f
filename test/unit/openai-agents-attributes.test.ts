import { describe, expect, it } from 'vitest';
import { AgentsAttr, contentSwitches, endAttributes, errorOf, mappingOf, spanKindOf, spanNameOf, startAttributes, traceAttributes } from '../../src/integrations/openai-agents/attributes';

const HIDE_ALL = { hideModelData: true, hideToolData: true };

describe('OpenAI Agents span types', () => {
  it('maps each SDK span type to a kind; task and turn are transparent; unknown types stay visible as CHAIN', () => {
    const kinds = Object.fromEntries(
      ['agent', 'response', 'generation', 'function', 'handoff', 'guardrail', 'custom', 'mcp_tools', 'transcription', 'speech', 'speech_group', 'task', 'turn', 'future_type'].map((type) => [type, spanKindOf({ type }) ?? null]),
    );
    expect(kinds).toEqual({
      agent: 'AGENT',
      response: 'LLM',
      generation: 'LLM',
      function: 'TOOL',
      handoff: 'CHAIN',
      guardrail: 'CHAIN',
      custom: 'CHAIN',
      mcp_tools: 'CHAIN',
      transcription: 'LLM',
      speech: 'LLM',
      speech_group: 'CHAIN',
      task: null,
      turn: null,
      future_type: 'CHAIN',
    });
    expect(mappingOf({ type: 'turn' })).toBe('transparent');
    expect(mappingOf(undefined)).toBe('chain');
  });

  it('names spans after what a reader looks for', () => {
    expect(spanNameOf({ type: 'agent', name: 'triage' })).toBe('triage');
    expect(spanNameOf({ type: 'function', name: 'get_weather' })).toBe('get_weather');
    expect(spanNameOf({ type: 'guardrail', name: 'no_homework', triggered: false })).toBe('no_homework');
    expect(spanNameOf({ type: 'handoff', from_agent: 'triage' })).toBe('handoff');
    expect(spanNameOf({ type: 'handoff', from_agent: 'triage', to_agent: 'billing' })).toBe('handoff to billing');
    expect(spanNameOf({ type: 'response' })).toBe('OpenAI Responses');
    expect(spanNameOf({ type: 'generation' })).toBe('OpenAI Chat Completions');
    expect(spanNameOf({ type: 'mcp_tools', server: 'files' })).toBe('mcp list tools files');
    expect(spanNameOf(null)).toBe('openai_agents span');
  });
});

describe('OpenAI Agents attributes', () => {
  it('records the SDK ids at start, with agent and tool names', () => {
    const a = startAttributes({ spanId: 'span_1', traceId: 'trace_1', spanData: { type: 'agent', name: 'triage', handoffs: [] } });
    expect(a).toMatchObject({ 'openinference.span.kind': 'AGENT', 'agent.name': 'triage', [AgentsAttr.SPAN_ID]: 'span_1', [AgentsAttr.TRACE_ID]: 'trace_1', [AgentsAttr.SPAN_TYPE]: 'agent' });
    expect(startAttributes({ spanId: 's', traceId: 't', spanData: { type: 'function', name: 'get_weather', input: '', output: '' } })['tool.name']).toBe('get_weather');
  });

  it('maps the trace: ids, group and metadata', () => {
    expect(traceAttributes({ traceId: 'trace_1', name: 'flow', groupId: 'conv-9', metadata: { tier: 'gold' } })).toEqual({
      [AgentsAttr.TRACE_ID]: 'trace_1',
      [AgentsAttr.GROUP_ID]: 'conv-9',
      metadata: '{"tier":"gold"}',
    });
    expect(traceAttributes({ traceId: 'trace_1', groupId: null, metadata: {} })).toEqual({ [AgentsAttr.TRACE_ID]: 'trace_1', [AgentsAttr.GROUP_ID]: undefined });
  });

  it('maps an agent: tools, handoffs, output type', () => {
    expect(endAttributes({ type: 'agent', name: 'triage', handoffs: ['billing'], tools: ['lookup'], output_type: 'text' })).toEqual({
      'agent.name': 'triage',
      [AgentsAttr.AGENT_TOOLS]: ['lookup'],
      [AgentsAttr.AGENT_HANDOFFS]: ['billing'],
      [AgentsAttr.AGENT_OUTPUT_TYPE]: 'text',
    });
  });

  it('maps a function tool: JSON arguments, text result; hides both when tool data is off', () => {
    const data = { type: 'function', name: 'get_weather', input: '{"city":"Paris"}', output: 'sunny' };
    expect(endAttributes(data)).toEqual({
      'tool.name': 'get_weather',
      'input.value': '{"city":"Paris"}',
      'input.mime_type': 'application/json',
      'output.value': 'sunny',
      'output.mime_type': 'text/plain',
    });
    const hidden = endAttributes(data, HIDE_ALL);
    expect(hidden['input.value']).toBe('__REDACTED__');
    expect(hidden['output.value']).toBe('__REDACTED__');
    // Without sensitive data the SDK leaves both empty: nothing is written, not an empty string.
    expect(endAttributes({ type: 'function', name: 'f', input: '', output: '' })).toEqual({ 'tool.name': 'f' });
  });

  it('maps handoffs and guardrails (the trip recorded)', () => {
    expect(endAttributes({ type: 'handoff', from_agent: 'triage', to_agent: 'billing' })).toMatchObject({
      [AgentsAttr.HANDOFF_FROM]: 'triage',
      [AgentsAttr.HANDOFF_TO]: 'billing',
      'input.value': 'triage',
      'output.value': 'billing',
    });
    const g = endAttributes({ type: 'guardrail', name: 'no_homework', triggered: true });
    expect(g[AgentsAttr.GUARDRAIL_TRIGGERED]).toBe(true);
    expect(JSON.parse(g['output.value'] as string)).toEqual({ guardrail: 'no_homework', triggered: true });
    expect(endAttributes({ type: 'guardrail', name: 'x', triggered: false })[AgentsAttr.GUARDRAIL_TRIGGERED]).toBe(false);
  });

  it('maps custom spans and MCP tool listings', () => {
    expect(endAttributes({ type: 'custom', name: 'step', data: { k: 1 } })).toEqual({ 'input.value': '{"k":1}', 'input.mime_type': 'application/json' });
    expect(endAttributes({ type: 'mcp_tools', server: 'files', result: ['read', 'write'] })).toEqual({
      [AgentsAttr.MCP_SERVER]: 'files',
      'output.value': '["read","write"]',
      'output.mime_type': 'application/json',
    });
  });

  const response = {
    id: 'resp_1',
    model: 'gpt-4o-mini-2024-07-18',
    instructions: 'Be brief.',
    status: 'completed',
    output: [{ type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
    tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object' } }],
    usage: { input_tokens: 30, input_tokens_details: { cached_tokens: 10 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 2 }, total_tokens: 35 },
  };

  it('maps a response span: instructions and input items as messages, tools, tool calls, usage', () => {
    const a = endAttributes({ type: 'response', response_id: 'resp_1', _input: [{ type: 'message', role: 'user', content: 'Weather in Paris?' }], _response: response });
    expect(a).toMatchObject({
      'openinference.span.kind': 'LLM',
      'llm.system': 'openai',
      'llm.model_name': 'gpt-4o-mini-2024-07-18',
      'llm.input_messages.0.message.role': 'system',
      'llm.input_messages.0.message.content': 'Be brief.',
      'llm.input_messages.1.message.role': 'user',
      'llm.input_messages.1.message.content': 'Weather in Paris?',
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.tool_calls.0.tool_call.id': 'call_1',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'get_weather',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': '{"city":"Paris"}',
      'llm.finish_reason': 'completed',
      'llm.token_count.prompt': 30,
      'llm.token_count.completion': 5,
      'llm.token_count.total': 35,
      'llm.token_count.prompt_details.cache_read': 10,
      'llm.token_count.completion_details.reasoning': 2,
      'input.mime_type': 'application/json',
      [AgentsAttr.RESPONSE_ID]: 'resp_1',
    });
    expect(JSON.parse(a['llm.tools.0.tool.json_schema'] as string).name).toBe('get_weather');
  });

  it('keeps model and usage but no content for a response span when model data is off', () => {
    const a = endAttributes({ type: 'response', _input: [{ role: 'user', content: 'secret question' }], _response: response }, HIDE_ALL);
    expect(a['llm.model_name']).toBe('gpt-4o-mini-2024-07-18');
    expect(a['llm.token_count.total']).toBe(35);
    expect(a['input.value']).toBe('__REDACTED__');
    expect(a['output.value']).toBe('__REDACTED__');
    expect(JSON.stringify(a)).not.toContain('secret question');
    expect(Object.keys(a).some((k) => k.startsWith('llm.input_messages') || k.startsWith('llm.output_messages'))).toBe(false);
  });

  it('maps a generation span (chat completions): messages, settings, completion, usage', () => {
    const a = endAttributes({
      type: 'generation',
      model: 'gpt-4o-mini',
      model_config: { temperature: 0.2, top_p: undefined, base_url: 'http://x' },
      input: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Paris?' },
      ],
      output: [
        {
          object: 'chat.completion',
          model: 'gpt-4o-mini-2024-07-18',
          choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] } }],
          usage: { prompt_tokens: 20, completion_tokens: 4, total_tokens: 24 },
        },
      ],
    });
    expect(a).toMatchObject({
      'llm.request.model_name': 'gpt-4o-mini',
      'llm.model_name': 'gpt-4o-mini-2024-07-18',
      'llm.input_messages.0.message.role': 'system',
      'llm.input_messages.1.message.content': 'Weather in Paris?',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'get_weather',
      'llm.finish_reason': 'tool_calls',
      'llm.token_count.prompt': 20,
      'llm.token_count.total': 24,
    });
    expect(JSON.parse(a['llm.invocation_parameters'] as string)).toEqual({ temperature: 0.2, base_url: 'http://x' });
  });

  it('reads usage recorded on the generation span itself (a failed or truncated call)', () => {
    const a = endAttributes({ type: 'generation', model: 'm', usage: { input_tokens: 7, output_tokens: 0 } });
    expect(a['llm.token_count.prompt']).toBe(7);
    expect(a['llm.token_count.total']).toBe(7);
  });

  it('reads the error type from the SDK error detail', () => {
    expect(errorOf({ message: 'Error in agent run', data: { error: 'InputGuardrailTripwireTriggered: Input guardrail triggered' } })).toEqual({
      type: 'InputGuardrailTripwireTriggered',
      message: 'Error in agent run: Input guardrail triggered',
    });
    expect(errorOf({ message: '500 server error' })).toEqual({ type: 'Error', message: '500 server error' });
    expect(errorOf(null)).toBeUndefined();
  });
});

describe('OpenAI Agents content switches', () => {
  it('hide only when set explicitly, as the SDK spells true', () => {
    expect(contentSwitches({})).toEqual({ hideModelData: false, hideToolData: false });
    expect(contentSwitches({ OPENAI_AGENTS_DONT_LOG_MODEL_DATA: '1', OPENAI_AGENTS_DONT_LOG_TOOL_DATA: 'true' })).toEqual({ hideModelData: true, hideToolData: true });
    expect(contentSwitches({ OPENAI_AGENTS_DONT_LOG_MODEL_DATA: 'false', OPENAI_AGENTS_DONT_LOG_TOOL_DATA: 'yes' })).toEqual({ hideModelData: false, hideToolData: false });
  });
});
