// No preload: LangChain and LangGraph traced the explicit ways. MODE picks one:
//   setup      setup({ modules: { langchain, langgraph } }) after both were required
//   subpath    instrumentLangChain() / instrumentLangGraph() from the subpath modules
//   provider   installLangChainInstrumentation(provider) / installLangGraphInstrumentation(provider)
//              under the app's own tracer provider, before LangChain is required; prints the span names
'use strict';
const dist = (file) => `${process.env.CATALYST_DIST}/${file}`;
const mode = process.env.MODE;

async function main() {
  let exporter;
  if (mode === 'provider') {
    const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
    const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
    require('@opentelemetry/api').context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    require(dist('langchain.js')).installLangChainInstrumentation(provider);
    require(dist('langgraph.js')).installLangGraphInstrumentation(provider);
  }
  const manager = require('@langchain/core/callbacks/manager');
  const langgraph = require('@langchain/langgraph');
  const { FakeListChatModel } = require('@langchain/core/utils/testing');
  const { ChatPromptTemplate } = require('@langchain/core/prompts');
  const { tool } = require('@langchain/core/tools');
  const { AIMessage } = require('@langchain/core/messages');
  const { ToolNode } = require('@langchain/langgraph/prebuilt');

  let traced;
  if (mode === 'setup') {
    const handle = await require(dist('index.js')).setup({ modules: { langchain: manager, langgraph } });
    traced = handle.installResults.filter((r) => ['langchain', 'langgraph'].includes(r.name)).map((r) => `${r.name}:${r.status}`).sort();
  } else if (mode === 'subpath') {
    traced = [require(dist('langchain.js')).instrumentLangChain(manager), require(dist('langgraph.js')).instrumentLangGraph(langgraph)];
  }

  const chain = ChatPromptTemplate.fromMessages([['human', '{q}']]).pipe(new FakeListChatModel({ responses: ['Paris'] }));
  const answer = (await chain.invoke({ q: 'Capital of France?' })).content;
  const echo = tool(async ({ text }) => text, { name: 'echo', description: 'echo', schema: { type: 'object', properties: { text: { type: 'string' } } } });
  const graph = new langgraph.StateGraph(langgraph.MessagesAnnotation)
    .addNode('tools', new ToolNode([echo]))
    .addEdge(langgraph.START, 'tools')
    .compile({ name: 'echo_graph' });
  await graph.invoke({ messages: [new AIMessage({ content: '', tool_calls: [{ id: 'c1', name: 'echo', args: { text: 'hi' } }] })] });
  const spans = exporter ? exporter.getFinishedSpans().map((s) => `${s.name}:${s.attributes['openinference.span.kind']}`) : undefined;
  console.log(`result explicit ${JSON.stringify({ traced, answer, spans })}`);
}
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
