// LangChain and LangGraph scenarios, shared by the ESM and CJS apps: each app
// hands over the classes it imported (so each build of @langchain/core is
// exercised), each scenario runs inside an agentSpan named after it and prints
// `result <name> <json>` so a test can compare a traced run with an untraced one.
'use strict';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A chat model that replays scripted AIMessages: tool calls and usage without a network. */
function scriptedModel(lc, replies) {
  class ScriptedChatModel extends lc.BaseChatModel {
    constructor() {
      super({});
      this.i = 0;
    }
    _llmType() {
      return 'scripted';
    }
    bindTools() {
      return this;
    }
    async _generate() {
      const message = replies[this.i++ % replies.length]();
      return { generations: [{ text: typeof message.content === 'string' ? message.content : '', message }] };
    }
  }
  return new ScriptedChatModel();
}

function weatherTool(lc) {
  return lc.tool(async ({ city }) => `sunny and 21C in ${city}`, {
    name: 'get_weather',
    description: 'Current weather for a city',
    schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  });
}

function toolCallReply(lc) {
  return () =>
    new lc.AIMessage({
      content: '',
      tool_calls: [{ id: 'call_paris_1', name: 'get_weather', args: { city: 'Paris' } }],
      usage_metadata: { input_tokens: 120, output_tokens: 18, total_tokens: 138, input_token_details: { cache_read: 64 }, output_token_details: { reasoning: 8 } },
    });
}
const finalReply = (lc) => () => new lc.AIMessage({ content: 'It is sunny and 21C in Paris.', usage_metadata: { input_tokens: 150, output_tokens: 9, total_tokens: 159 } });

class ScenarioError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ScenarioError';
  }
}

/** A callback handler of the app's own: it must keep receiving every event. */
function userHandler() {
  const seen = { chainStart: 0, chainEnd: 0, llmStart: 0, llmEnd: 0, toolStart: 0, toolEnd: 0 };
  return {
    seen,
    handler: {
      handleChainStart: () => void seen.chainStart++,
      handleChainEnd: () => void seen.chainEnd++,
      handleChatModelStart: () => void seen.llmStart++,
      handleLLMEnd: () => void seen.llmEnd++,
      handleToolStart: () => void seen.toolStart++,
      handleToolEnd: () => void seen.toolEnd++,
    },
  };
}

const scenarios = {
  async chain(lc) {
    const prompt = lc.ChatPromptTemplate.fromMessages([['system', 'You answer in one word.'], ['human', '{question}']]);
    const model = new lc.FakeListChatModel({ responses: ['Paris'] });
    const chain = prompt.pipe(model).pipe(new lc.StringOutputParser());
    const user = userHandler();
    const answer = await chain.invoke({ question: 'Capital of France?' }, { callbacks: [user.handler], metadata: { request: 'r-1' } });
    return { answer, seen: user.seen };
  },

  async toolAgent(lc) {
    const model = scriptedModel(lc, [toolCallReply(lc), finalReply(lc)]);
    const weather = weatherTool(lc);
    const agent = lc.RunnableLambda.from(async (question) => {
      const messages = [new lc.HumanMessage(question)];
      const first = await model.bindTools([weather]).invoke(messages);
      messages.push(first);
      for (const call of first.tool_calls) messages.push(await weather.invoke({ ...call, type: 'tool_call' }));
      const final = await model.invoke(messages);
      return final.content;
    }).withConfig({ runName: 'tool_agent' });
    return { answer: await agent.invoke('Weather in Paris?') };
  },

  async retriever(lc) {
    const docs = [
      new lc.Document({ pageContent: 'Paris is the capital of France.', metadata: { source: 'atlas.md', score: 0.92 }, id: 'doc-1' }),
      new lc.Document({ pageContent: 'France is in Europe.', metadata: { source: 'geo.md', score: 0.71 }, id: 'doc-2' }),
    ];
    const retriever = new lc.FakeRetriever({ output: docs });
    const prompt = lc.ChatPromptTemplate.fromMessages([['system', 'Context: {context}'], ['human', '{question}']]);
    const model = new lc.FakeListChatModel({ responses: ['Paris, per the atlas.'] });
    const chain = lc.RunnableSequence.from([
      { context: retriever.pipe((d) => d.map((x) => x.pageContent).join('\n')), question: new lc.RunnablePassthrough() },
      prompt,
      model,
      new lc.StringOutputParser(),
    ]);
    return { answer: await chain.invoke('What is the capital of France?') };
  },

  async graph(lc) {
    const model = new lc.FakeListChatModel({ responses: ['A plan in three steps.'] });
    const State = lc.Annotation.Root({ question: lc.Annotation(), steps: lc.Annotation(), done: lc.Annotation() });
    const graph = new lc.StateGraph(State)
      .addNode('plan', async (s) => ({ steps: (await model.invoke(s.question)).content }))
      .addNode('review', async (s) => ({ done: s.steps.length > 5 }))
      .addEdge(lc.START, 'plan')
      .addConditionalEdges('plan', function route(s) { return s.steps ? 'review' : lc.END; }, ['review', lc.END])
      .addEdge('review', lc.END)
      .compile({ name: 'planner_graph' });
    const out = await graph.invoke({ question: 'How do I bake bread?' });
    return { steps: out.steps, done: out.done };
  },

  async reactAgent(lc) {
    const agent = lc.createReactAgent({ llm: scriptedModel(lc, [toolCallReply(lc), finalReply(lc)]), tools: [weatherTool(lc)], name: 'weather_agent' });
    const out = await agent.invoke({ messages: [new lc.HumanMessage('Weather in Paris?')] });
    return { messages: out.messages.map((m) => [m.getType(), m.content]) };
  },

  async createAgent(lc) {
    if (!lc.createAgent) return { skipped: true };
    const agent = lc.createAgent({ model: scriptedModel(lc, [toolCallReply(lc), finalReply(lc)]), tools: [weatherTool(lc)], name: 'support_agent' });
    const out = await agent.invoke({ messages: [new lc.HumanMessage('Weather in Paris?')] });
    return { messages: out.messages.map((m) => [m.getType(), m.content]) };
  },

  async streaming(lc) {
    const prompt = lc.ChatPromptTemplate.fromMessages([['human', '{question}']]);
    const chain = prompt.pipe(new lc.FakeListChatModel({ responses: ['Hello there'] })).pipe(new lc.StringOutputParser()).withConfig({ runName: 'stream_chain' });
    const chunks = [];
    for await (const chunk of await chain.stream({ question: 'hi' })) {
      chunks.push(chunk);
      await sleep(5);
    }
    const events = [];
    const eventChain = prompt.pipe(new lc.FakeListChatModel({ responses: ['Yo'] })).withConfig({ runName: 'events_chain' });
    for await (const event of eventChain.streamEvents({ question: 'hey' }, { version: 'v2' })) events.push(event.event);
    const State = lc.Annotation.Root({ text: lc.Annotation() });
    const graph = new lc.StateGraph(State)
      .addNode('shout', async (s) => ({ text: s.text.toUpperCase() }))
      .addEdge(lc.START, 'shout')
      .addEdge('shout', lc.END)
      .compile({ name: 'stream_graph' });
    const updates = [];
    for await (const update of await graph.stream({ text: 'quiet' }, { streamMode: 'updates' })) updates.push(update);
    return { chunks, events: [...new Set(events)].sort(), updates };
  },

  async error(lc) {
    const failing = lc.RunnableLambda.from(async () => {
      throw new ScenarioError('the lookup failed');
    }).withConfig({ runName: 'failing_step' });
    const chain = lc.RunnableSequence.from([lc.RunnableLambda.from((x) => x).withConfig({ runName: 'prepare' }), failing]).withConfig({ runName: 'error_chain' });
    try {
      await chain.invoke('x');
      return { threw: false };
    } catch (error) {
      return { threw: true, name: error.name, message: error.message, sameClass: error instanceof ScenarioError };
    }
  },
};

async function run(lc, { agentSpan, only } = {}) {
  const names = only ?? Object.keys(scenarios);
  for (const name of names) {
    const fn = () => scenarios[name](lc);
    const result = agentSpan ? await agentSpan({ agentName: `scenario-${name}`, sessionId: `session-${name}`, userId: 'user-7' }, fn) : await fn();
    console.log(`result ${name} ${JSON.stringify(result)}`);
  }
}

module.exports = { run, scenarios };
