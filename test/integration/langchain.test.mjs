// The LangChain and LangGraph integrations end to end: spawned ESM and CJS apps
// under the preload run real LangChain / LangGraph code (the framework's own fake
// models, a scripted tool-calling model, and ChatOpenAI against the fake
// provider on Node >= 22); every assertion is on spans the collector received.
import { beforeAll, describe, expect, it } from 'vitest';
import { spanTree, useAppHarness } from '../harness/app-harness.mjs';

const h = useAppHarness({ name: 'langchain' });
const KIND = 'openinference.span.kind';

/** The spans of the trace whose root is the agentSpan `scenario-<name>`. */
function scenario(spans, name) {
  const root = spans.find((s) => s.name === `scenario-${name}`);
  if (!root) throw new Error(`no scenario-${name} span in:\n${spanTree(spans)}`);
  const trace = spans.filter((s) => s.traceId === root.traceId);
  return {
    root,
    spans: trace,
    tree: spanTree(trace),
    one: (/** @type {string} */ spanName) => {
      const found = trace.filter((s) => s.name === spanName);
      if (found.length !== 1) throw new Error(`${found.length} spans named ${spanName} in:\n${spanTree(trace)}`);
      return found[0];
    },
    all: (/** @type {string} */ spanName) => trace.filter((s) => s.name === spanName),
    parentOf: (/** @type {any} */ span) => trace.find((s) => s.spanId === span.parentSpanId),
  };
}

const resultLines = (/** @type {string} */ stdout) => stdout.split('\n').filter((l) => l.startsWith('result ')).sort();
const durationMs = (/** @type {any} */ s) => Number(BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano)) / 1e6;

for (const app of ['langchain-esm.mjs', 'langchain-cjs.cjs']) {
  describe(`LangChain and LangGraph (${app.endsWith('.mjs') ? 'ESM' : 'CJS'})`, () => {
    /** @type {Awaited<ReturnType<typeof h.runApp>>} */
    let run;
    beforeAll(async () => {
      run = await h.runApp(app, { spans: 68, timeoutMs: 30_000 });
    }, 40_000);

    it('leaves results, errors and the app’s own callbacks exactly as without tracing', async () => {
      const untraced = await h.runApp(app, { preload: 'none' });
      expect(resultLines(run.stdout)).toEqual(resultLines(untraced.stdout));
      expect(resultLines(run.stdout)).toHaveLength(8);
      // The app's handler saw every run (prompt, model, parser, sequence) with ours added beside it.
      expect(run.line('result chain').seen).toEqual({ chainStart: 3, chainEnd: 3, llmStart: 1, llmEnd: 1, toolStart: 0, toolEnd: 0 });
      expect(run.stderr).not.toMatch(/internal error|Error in handler/i);
    });

    it('a chain: one span per run, nested as LangChain runs are, under the agentSpan with its identity', () => {
      const s = scenario(run.spans, 'chain');
      expect(s.tree).toBe(['scenario-chain [AGENT]', '  RunnableSequence [CHAIN]', '    ChatPromptTemplate [CHAIN]', '    FakeListChatModel [LLM]', '    StrOutputParser [CHAIN]'].join('\n'));
      const llm = s.one('FakeListChatModel');
      expect(llm.attributes).toMatchObject({
        'llm.input_messages.0.message.role': 'system',
        'llm.input_messages.0.message.content': 'You answer in one word.',
        'llm.input_messages.1.message.role': 'user',
        'llm.input_messages.1.message.content': 'Capital of France?',
        'llm.output_messages.0.message.role': 'assistant',
        'llm.output_messages.0.message.content': 'Paris',
        'output.value': 'Paris',
        // Identity set once on the agentSpan reaches every LangChain span.
        'agent.name': 'scenario-chain',
        'session.id': 'session-chain',
        'user.id': 'user-7',
      });
      expect(s.one('RunnableSequence').attributes).toMatchObject({ 'input.value': '{"question":"Capital of France?"}', 'input.mime_type': 'application/json', 'output.value': 'Paris', 'output.mime_type': 'text/plain' });
      expect(s.spans.every((sp) => sp.status.code === 1)).toBe(true);
    });

    it('a tool-calling agent: LLM spans with tool calls and token details, a TOOL span with call id, arguments and result', () => {
      const s = scenario(run.spans, 'toolAgent');
      expect(s.tree).toBe(['scenario-toolAgent [AGENT]', '  tool_agent [CHAIN]', '    ScriptedChatModel [LLM]', '    get_weather [TOOL]', '    ScriptedChatModel [LLM]'].join('\n'));
      const [first, second] = s.all('ScriptedChatModel').sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1));
      expect(first.attributes).toMatchObject({
        'llm.output_messages.0.message.tool_calls.0.tool_call.id': 'call_paris_1',
        'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'get_weather',
        'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': '{"city":"Paris"}',
        'llm.token_count.prompt': 120,
        'llm.token_count.completion': 18,
        'llm.token_count.total': 138,
        'llm.token_count.prompt_details.cache_read': 64,
        'llm.token_count.completion_details.reasoning': 8,
      });
      expect(second.attributes).toMatchObject({
        'llm.input_messages.2.message.role': 'tool',
        'llm.input_messages.2.message.tool_call_id': 'call_paris_1',
        'llm.input_messages.2.message.content': 'sunny and 21C in Paris',
        'llm.output_messages.0.message.content': 'It is sunny and 21C in Paris.',
      });
      expect(s.one('get_weather').attributes).toMatchObject({
        [KIND]: 'TOOL',
        'tool.name': 'get_weather',
        'tool_call.id': 'call_paris_1',
        'input.value': '{"city":"Paris"}',
        'output.value': 'sunny and 21C in Paris',
      });
    });

    it('a retriever chain: a RETRIEVER span with the query and each document’s id, content, score and metadata', () => {
      const s = scenario(run.spans, 'retriever');
      const retriever = s.one('FakeRetriever');
      expect(retriever.attributes).toMatchObject({
        [KIND]: 'RETRIEVER',
        'input.value': 'What is the capital of France?',
        'retrieval.documents.0.document.id': 'doc-1',
        'retrieval.documents.0.document.content': 'Paris is the capital of France.',
        'retrieval.documents.0.document.score': 0.92,
        'retrieval.documents.1.document.id': 'doc-2',
        'retrieval.documents.1.document.content': 'France is in Europe.',
      });
      expect(JSON.parse(retriever.attributes['retrieval.documents.0.document.metadata'])).toEqual({ source: 'atlas.md', score: 0.92 });
      // The retriever sits in the map step of the outer sequence, which also holds the prompt and the model.
      expect(s.parentOf(s.parentOf(s.parentOf(retriever))).name).toBe('RunnableSequence');
      expect(s.one('FakeListChatModel').attributes['llm.input_messages.0.message.content']).toBe('Context: Paris is the capital of France.\nFrance is in Europe.');
    });

    it('a StateGraph with two nodes and a conditional edge: node spans named after the nodes, with LangGraph’s metadata', () => {
      const s = scenario(run.spans, 'graph');
      expect(s.tree).toBe(
        ['scenario-graph [AGENT]', '  planner_graph [CHAIN]', '    __start__ [CHAIN]', '    plan [CHAIN]', '      FakeListChatModel [LLM]', '      RunnableLambda [CHAIN]', '    review [CHAIN]'].join('\n'),
      );
      // The conditional edge runs as a lambda inside the node it leaves; its output is the branch taken.
      expect(s.one('RunnableLambda').attributes['output.value']).toBe('review');
      expect(s.one('plan').attributes).toMatchObject({
        langgraph_node: 'plan',
        langgraph_step: 1,
        langgraph_triggers: ['branch:to:plan'],
        langgraph_path: ['__pregel_pull', 'plan'],
        'graph.node.id': 'plan',
        'graph.node.parent_id': 'planner_graph',
        'output.value': '{"steps":"A plan in three steps."}',
      });
      expect(s.one('review').attributes).toMatchObject({ langgraph_node: 'review', langgraph_step: 2, 'graph.node.parent_id': 'planner_graph' });
      expect(s.one('planner_graph').attributes).toMatchObject({ 'graph.node.id': 'planner_graph', 'output.value': '{"question":"How do I bake bread?","steps":"A plan in three steps.","done":true}' });
      // The model call inside a node carries no node metadata of its own.
      expect(s.one('FakeListChatModel').attributes.langgraph_node).toBeUndefined();
    });

    it('the prebuilt ReAct agent: an AGENT span for the graph, TOOL spans under the ToolNode, a fresh agent scope', () => {
      const s = scenario(run.spans, 'reactAgent');
      const agent = s.one('weather_agent');
      expect(agent.attributes).toMatchObject({ [KIND]: 'AGENT', 'agent.name': 'weather_agent', 'session.id': 'session-reactAgent', 'user.id': 'user-7' });
      expect(s.parentOf(agent).name).toBe('scenario-reactAgent');
      const tool = s.one('get_weather');
      expect(s.parentOf(tool).name).toBe('tools');
      expect(s.parentOf(tool).attributes[KIND]).toBe('CHAIN');
      expect(tool.attributes).toMatchObject({ 'tool_call.id': 'call_paris_1', 'agent.name': 'weather_agent', 'session.id': 'session-reactAgent' });
      expect(s.all('ScriptedChatModel')).toHaveLength(2);
      expect(s.all('agent').map((n) => n.attributes.langgraph_step).sort()).toEqual([1, 3]);
    });

    it('langchain’s createAgent: an AGENT span named after the agent', () => {
      const s = scenario(run.spans, 'createAgent');
      expect(s.one('support_agent').attributes).toMatchObject({ [KIND]: 'AGENT', 'agent.name': 'support_agent' });
      expect(s.parentOf(s.one('get_weather')).name).toBe('tools');
      expect(s.all('model_request')).toHaveLength(2);
    });

    it('streaming: stream(), streamEvents() and a graph stream are traced until consumed', () => {
      const s = scenario(run.spans, 'streaming');
      const chain = s.one('stream_chain');
      // The app waits 5 ms after each of the 11 chunks: the span lasts until the last one was read.
      expect(durationMs(chain)).toBeGreaterThanOrEqual(50);
      expect(chain.attributes['output.value']).toBe('Hello there');
      const streamed = s.all('FakeListChatModel').find((l) => s.parentOf(l).name === 'stream_chain');
      expect(streamed.attributes['llm.output_messages.0.message.content']).toBe('Hello there');
      expect(s.parentOf(s.all('FakeListChatModel').find((l) => l !== streamed)).name).toBe('events_chain');
      expect(s.one('events_chain').status.code).toBe(1);
      expect(s.parentOf(s.one('shout')).name).toBe('stream_graph');
      expect(s.one('shout').attributes['output.value']).toBe('{"text":"QUIET"}');
    });

    it('an error: the failing run and the runs it escapes are ERROR with the exception; the app gets its own error', () => {
      const s = scenario(run.spans, 'error');
      expect(s.tree).toBe(['scenario-error [AGENT]', '  error_chain [CHAIN]', '    prepare [CHAIN]', '    failing_step [CHAIN]'].join('\n'));
      for (const name of ['failing_step', 'error_chain']) {
        const span = s.one(name);
        expect(span.status).toEqual({ code: 2, message: 'the lookup failed' });
        expect(span.events.find((e) => e.name === 'exception').attributes).toMatchObject({ 'exception.type': 'ScenarioError', 'exception.message': 'the lookup failed' });
      }
      expect(s.one('prepare').status.code).toBe(1);
      expect(run.line('result error')).toEqual({ threw: true, name: 'ScenarioError', message: 'the lookup failed', sameClass: true });
    });
  });
}

describe('LangChain settings and neighbours', () => {
  it('keeps LangChain’s own verbose tracing working, and hides content under CATALYST_REDACT_CONTENT', async () => {
    const { spans, stdout } = await h.runApp('langchain-cjs.cjs', { spans: 15, env: { ONLY: 'chain,retriever', LANGCHAIN_VERBOSE: 'true', CATALYST_REDACT_CONTENT: 'true' } });
    // LangChain's console handler still prints every run, beside ours.
    expect(stdout).toMatch(/\[chain\/start\]/);
    expect(stdout).toMatch(/\[llm\/end\]/);
    const llm = scenario(spans, 'chain').one('FakeListChatModel');
    expect(llm.attributes).toMatchObject({
      'llm.input_messages.1.message.role': 'user',
      'llm.input_messages.1.message.content': '__REDACTED__',
      'llm.output_messages.0.message.content': '__REDACTED__',
      'input.value': '__REDACTED__',
      'output.value': '__REDACTED__',
    });
    const retriever = scenario(spans, 'retriever').one('FakeRetriever');
    expect(retriever.attributes['retrieval.documents.0.document.content']).toBe('__REDACTED__');
    expect(retriever.attributes['retrieval.documents.0.document.id']).toBe('doc-1');
  });
});

describe('LangChain and LangGraph without the preload', () => {
  const EXPLICIT_TREE = ['RunnableSequence [CHAIN]', '  ChatPromptTemplate [CHAIN]', '  FakeListChatModel [LLM]', 'echo_graph [AGENT]', '  __start__ [CHAIN]', '  tools [CHAIN]', '    echo [TOOL]'].join('\n');

  it('setup({ modules: { langchain, langgraph } }) patches modules the app already loaded', async () => {
    const { spans, line } = await h.runApp('langchain-explicit.cjs', { preload: 'none', spans: 7, env: { MODE: 'setup' } });
    expect(line('result explicit')).toMatchObject({ traced: ['langchain:patched', 'langgraph:patched'], answer: 'Paris' });
    expect(spanTree(spans)).toBe(EXPLICIT_TREE);
  });

  it('instrumentLangChain() / instrumentLangGraph() from the subpath modules', async () => {
    const { spans, line } = await h.runApp('langchain-explicit.cjs', { preload: 'none', spans: 7, env: { MODE: 'subpath' } });
    expect(line('result explicit').traced).toEqual([true, true]);
    expect(spanTree(spans)).toBe(EXPLICIT_TREE);
  });

  it('installLangChainInstrumentation(provider) sends the spans to the app’s own provider', async () => {
    const { spans, line } = await h.runApp('langchain-explicit.cjs', { preload: 'none', env: { MODE: 'provider' } });
    expect(spans).toHaveLength(0);
    expect(line('result explicit').spans.sort()).toEqual(
      ['ChatPromptTemplate:CHAIN', 'FakeListChatModel:LLM', 'RunnableSequence:CHAIN', '__start__:CHAIN', 'echo:TOOL', 'tools:CHAIN', 'echo_graph:AGENT'].sort(),
    );
  });
});

describe('LangChain without LangGraph (ESM)', () => {
  it('is traced when the app imports only @langchain/core modules, never its callback manager', async () => {
    const { spans, stdout } = await h.runApp('langchain-esm.mjs', { spans: 5, env: { ONLY: 'chain' } });
    expect(stdout).toContain('result chain {"answer":"Paris"');
    expect(scenario(spans, 'chain').tree).toBe(['scenario-chain [AGENT]', '  RunnableSequence [CHAIN]', '    ChatPromptTemplate [CHAIN]', '    FakeListChatModel [LLM]', '    StrOutputParser [CHAIN]'].join('\n'));
  });

  it('is left alone with CATALYST_DISABLED_INSTRUMENTATIONS=langchain', async () => {
    const { spans } = await h.runApp('langchain-esm.mjs', { spans: 1, env: { ONLY: 'chain', CATALYST_DISABLED_INSTRUMENTATIONS: 'langchain' } });
    expect(spanTree(spans)).toBe('scenario-chain [AGENT]');
  });
});

describe.skipIf(Number(process.versions.node.split('.')[0]) < 22)('ChatOpenAI over the traced openai SDK (Node >= 22)', () => {
  /** @type {Awaited<ReturnType<typeof h.runApp>>} */
  let run;
  beforeAll(async () => {
    run = await h.runApp('langchain-openai.mjs', { spans: 23, timeoutMs: 30_000 });
  }, 40_000);

  it('leaves results as without tracing', async () => {
    const untraced = await h.runApp('langchain-openai.mjs', { preload: 'none' });
    expect(resultLines(run.stdout)).toEqual(resultLines(untraced.stdout));
    expect(run.line('result plain').seen).toBe(1);
    // The openai requests go out inside traced (folded) calls: never taken for untraced ones (docs/bundlers.md).
    expect(run.stderr).not.toMatch(/was not traced/);
  });

  it('folds the openai call into the LangChain LLM span: one model call, one LLM span', () => {
    const s = scenario(run.spans, 'plain');
    expect(s.tree).toBe(['scenario-plain [AGENT]', '  ChatOpenAI [LLM]'].join('\n'));
    expect(s.one('ChatOpenAI').attributes).toMatchObject({
      'llm.provider': 'openai',
      'llm.system': 'openai',
      'llm.model_name': 'gpt-4o-mini-2024-07-18',
      'llm.finish_reason': 'stop',
      'llm.output_messages.0.message.content': 'The capital of France is Paris.',
      'llm.token_count.prompt': 1342,
      'llm.token_count.completion': 7,
      'llm.token_count.total': 1349,
      'llm.token_count.prompt_details.cache_read': 1152,
      'session.id': 'session-plain',
    });
    expect(JSON.parse(s.one('ChatOpenAI').attributes['llm.invocation_parameters'])).toMatchObject({ model: 'gpt-4o-mini' });
    const streamed = scenario(run.spans, 'stream');
    expect(streamed.tree).toBe(['scenario-stream [AGENT]', '  ChatOpenAI [LLM]'].join('\n'));
    expect(streamed.one('ChatOpenAI').attributes['output.value']).toBe('The capital of France is Paris.');
  });

  it('a ReAct agent over ChatOpenAI: two LLM spans, two TOOL spans, no provider duplicates', () => {
    const s = scenario(run.spans, 'react');
    expect(s.one('weather_agent').attributes[KIND]).toBe('AGENT');
    expect(s.all('OpenAI Chat Completions')).toHaveLength(0);
    const llms = s.spans.filter((sp) => sp.attributes[KIND] === 'LLM');
    expect(llms.map((l) => l.name)).toEqual(['ChatOpenAI', 'ChatOpenAI']);
    expect(llms.map((l) => l.attributes['llm.token_count.total']).sort()).toEqual([1239, 1326]);
    expect(llms.find((l) => l.attributes['llm.finish_reason'] === 'tool_calls').attributes['llm.tools.0.tool.json_schema']).toContain('"name":"get_weather"');
    const tools = s.all('get_weather');
    expect(tools.map((t) => t.attributes['tool_call.id']).sort()).toEqual(['call_Paris4fGh7kL2mN9pQ1rS3tU', 'call_Tokyo8vWx2yZ5aB1cD4eF6gH']);
    expect(tools.every((t) => s.parentOf(t).name === 'tools')).toBe(true);
  });

  it('nests an openai call a tool makes itself under the TOOL span', () => {
    const s = scenario(run.spans, 'toolCallsOpenAI');
    expect(s.tree).toBe(['scenario-toolCallsOpenAI [AGENT]', '  summarize [TOOL]', '    OpenAI Chat Completions [LLM]'].join('\n'));
  });

  it('without the langchain integration the openai spans are there: the fold is what removes them', async () => {
    const { spans } = await h.runApp('langchain-openai.mjs', { spans: 2, env: { ONLY: 'plain', CATALYST_DISABLED_INSTRUMENTATIONS: 'langchain' } });
    expect(spanTree(spans)).toBe(['scenario-plain [AGENT]', '  OpenAI Chat Completions [LLM]'].join('\n'));
  });
});
