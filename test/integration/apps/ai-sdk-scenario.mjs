// Every traced AI SDK path, offline: the SDK's mock models (ai/test) and an
// OpenAI-compatible provider pointed at the fake provider. Each call names
// itself with `telemetry.functionId` (or an agent id) so the test can find its
// operation span. run() returns what the SDK gave back, normalised (ids and
// timings the SDK makes up are left out): the test compares it with a run
// without the agent, so tracing must leave results, streams and errors as
// they were.
import { MockEmbeddingModelV4, MockLanguageModelV4, MockRerankingModelV4 } from 'ai/test';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { createOpenAI } from '@ai-sdk/openai';
import OpenAI from 'openai';
import { z } from 'zod';

export const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
export const KEY = 'sk-test-ai-sdk-secret-0123456789';

const usage = (input = 10, output = 5) => ({
  inputTokens: { total: input, noCache: input - 2, cacheRead: 2, cacheWrite: undefined },
  outputTokens: { total: output, text: output - 1, reasoning: 1 },
});
const finish = (unified, raw = unified) => ({ unified, raw });
const text = (t, extra = {}) => ({ content: [{ type: 'text', text: t }], finishReason: finish('stop'), usage: usage(), warnings: [], ...extra });
const toolCall = (id, name, input) => ({ content: [{ type: 'tool-call', toolCallId: id, toolName: name, input: JSON.stringify(input) }], finishReason: finish('tool-calls', 'tool_calls'), usage: usage(12, 6), warnings: [] });

/** A mock model answering each call with the next of `results`. */
function scripted(modelId, results) {
  let i = 0;
  return new MockLanguageModelV4({ provider: 'mock.chat', modelId, doGenerate: async () => results[Math.min(i++, results.length - 1)] });
}

/** A mock streaming model: the given parts, each after `delayMs`, honouring the abort signal. */
function streaming(modelId, parts, delayMs = 0) {
  return new MockLanguageModelV4({
    provider: 'mock.chat',
    modelId,
    doStream: async ({ abortSignal }) => ({
      stream: new ReadableStream({
        async start(controller) {
          for (const p of parts) {
            if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
            if (abortSignal?.aborted) return;
            controller.enqueue(p);
          }
          controller.close();
        },
      }),
    }),
  });
}
const streamParts = (words, extra = []) => [
  { type: 'stream-start', warnings: [] },
  { type: 'response-metadata', id: 'resp-1', modelId: 'mock-stream-2026' },
  { type: 'text-start', id: 't1' },
  ...words.map((w) => ({ type: 'text-delta', id: 't1', delta: w })),
  { type: 'text-end', id: 't1' },
  ...extra,
  { type: 'finish', finishReason: finish('stop'), usage: usage(20, words.length) },
];

/** A part of a stream as it reaches the app, without the ids and timings the SDK makes up. */
function chunk(p) {
  const keep = { type: p.type };
  for (const k of ['text', 'delta', 'toolName', 'input', 'output', 'finishReason']) if (p[k] !== undefined) keep[k] = p[k];
  if (p.usage) keep.usage = p.usage;
  if (p.error) keep.error = p.error?.constructor?.name;
  return keep;
}

async function settle(fn) {
  try {
    return { ok: await fn() };
  } catch (error) {
    return { error: error?.constructor?.name, name: error?.name, message: String(error?.message).slice(0, 80) };
  }
}

const textResult = (r) => ({ text: r.text, finishReason: r.finishReason, usage: r.usage, steps: r.steps.length, toolResults: r.toolResults.map((t) => ({ toolName: t.toolName, output: t.output })) });

/** Picks the fake provider's fixture by conversation state: a tool call first, the answer once a tool result is in. */
function fetchByTurn(url, init) {
  const body = JSON.parse(init.body);
  const answered = Array.isArray(body.messages) && body.messages.some((m) => m.role === 'tool');
  const headers = new Headers(init.headers);
  // The recorded answer after the tool has no streamed form; ai-sdk-after-tool.sse is its streamed twin.
  const after = body.stream ? 'openai/ai-sdk-after-tool' : 'openai/chat-after-tool';
  if (!headers.has('x-fixture') && String(url).endsWith('/chat/completions')) headers.set('x-fixture', answered ? after : 'openai/chat-tool-call');
  return fetch(url, { ...init, headers });
}

export async function run(ai, { helpers } = {}) {
  const { generateText, streamText, generateObject, streamObject, embed, embedMany, rerank, tool, ToolLoopAgent, Output, isStepCount } = ai;
  const out = {};
  const weather = tool({ description: 'Current weather for a city', inputSchema: z.object({ location: z.string() }), execute: async ({ location }) => ({ location, celsius: 18 }) });

  // ---- mock models ----
  out.text = await settle(async () =>
    textResult(
      await generateText({
        model: scripted('mock-text-1', [text('Paris.')]),
        system: 'You are terse.',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Capital of France?' }, { type: 'file', data: PNG, mediaType: 'image/png' }] }],
        temperature: 0.2,
        maxOutputTokens: 64,
        telemetry: { functionId: 'mock-text' },
      }),
    ),
  );

  out.tools = await settle(async () =>
    textResult(
      await generateText({
        model: scripted('mock-tools-1', [toolCall('call_1', 'weather', { location: 'Paris' }), text('18 degrees in Paris.')]),
        prompt: 'Weather in Paris?',
        tools: { weather },
        stopWhen: isStepCount(4),
        telemetry: { functionId: 'mock-tools' },
      }),
    ),
  );

  out.toolError = await settle(async () => {
    const broken = tool({ description: 'Always fails', inputSchema: z.object({ q: z.string() }), execute: async () => { throw new Error('tool exploded'); } });
    const r = await generateText({
      model: scripted('mock-tool-error-1', [toolCall('call_bad', 'broken', { q: 'x' }), text('The tool failed.')]),
      prompt: 'Use the tool.',
      tools: { broken },
      stopWhen: isStepCount(3),
      telemetry: { functionId: 'mock-tool-error' },
    });
    return { text: r.text, errors: r.steps[0].content.filter((c) => c.type === 'tool-error').map((c) => String(c.error?.message)) };
  });

  out.stream = await settle(async () => {
    const r = streamText({ model: streaming('mock-stream-1', streamParts(['Hel', 'lo', ' world'])), prompt: 'Say hello.', telemetry: { functionId: 'mock-stream' } });
    const parts = [];
    for await (const p of r.stream) parts.push(chunk(p));
    return { parts, text: await r.text, usage: await r.usage };
  });

  out.streamText = await settle(async () => {
    const r = streamText({ model: streaming('mock-stream-1', streamParts(['a', 'b'])), prompt: 'Letters.', telemetry: { functionId: 'mock-text-stream' } });
    let t = '';
    for await (const d of r.textStream) t += d;
    return t;
  });

  out.abort = await settle(async () => {
    const controller = new AbortController();
    const r = streamText({ model: streaming('mock-abort-1', streamParts(['one', ' two', ' three', ' four']), 30), prompt: 'Count.', abortSignal: controller.signal, telemetry: { functionId: 'mock-abort' } });
    const seen = [];
    try {
      for await (const d of r.textStream) {
        seen.push(d);
        controller.abort();
      }
    } catch (error) {
      seen.push(`thrown:${error?.name}`);
    }
    return seen;
  });

  out.streamError = await settle(async () => {
    const errors = [];
    const parts = [{ type: 'stream-start', warnings: [] }, { type: 'text-start', id: 't1' }, { type: 'text-delta', id: 't1', delta: 'partial' }, { type: 'error', error: new Error('model stream broke') }];
    const r = streamText({ model: streaming('mock-stream-error-1', parts), prompt: 'Break.', onError: ({ error }) => errors.push(error.message), telemetry: { functionId: 'mock-stream-error' } });
    let t = '';
    for await (const d of r.textStream) t += d;
    return { text: t, errors };
  });

  out.error = await settle(() =>
    generateText({
      model: new MockLanguageModelV4({ provider: 'mock.chat', modelId: 'mock-error-1', doGenerate: async () => { throw new ai.APICallError({ message: 'upstream 500', url: 'http://mock', requestBodyValues: {}, statusCode: 500, isRetryable: false }); } }),
      prompt: 'Fail.',
      maxRetries: 0,
      telemetry: { functionId: 'mock-error' },
    }),
  );
  out.errorClass = await settle(async () => {
    try {
      await generateText({ model: new MockLanguageModelV4({ doGenerate: async () => { throw new ai.APICallError({ message: 'x', url: 'u', requestBodyValues: {}, statusCode: 400 }); } }), prompt: 'x', maxRetries: 0, telemetry: { isEnabled: false } });
    } catch (error) {
      return error instanceof ai.APICallError && ai.APICallError.isInstance(error);
    }
  });

  out.output = await settle(async () => {
    const r = await generateText({
      model: scripted('mock-output-1', [text('{"name":"Ann","age":31}')]),
      prompt: 'A person.',
      output: Output.object({ schema: z.object({ name: z.string(), age: z.number() }) }),
      telemetry: { functionId: 'mock-output' },
    });
    return r.output;
  });

  out.object = await settle(async () => {
    const r = await generateObject({ model: scripted('mock-object-1', [text('{"city":"Paris"}')]), prompt: 'A city.', schema: z.object({ city: z.string() }), schemaName: 'City', telemetry: { functionId: 'mock-object' } });
    return r.object;
  });

  out.streamObject = await settle(async () => {
    const r = streamObject({ model: streaming('mock-stream-object-1', streamParts(['{"city":', '"Rome"}'])), prompt: 'A city.', schema: z.object({ city: z.string() }), telemetry: { functionId: 'mock-stream-object' } });
    const partials = [];
    for await (const p of r.partialObjectStream) partials.push(p);
    return { partials, object: await r.object };
  });

  out.embed = await settle(async () => {
    const model = new MockEmbeddingModelV4({ provider: 'mock.embedding', modelId: 'mock-embed-1', maxEmbeddingsPerCall: 2, doEmbed: async ({ values }) => ({ embeddings: values.map((v) => [v.length, 0.5, 0.25]), usage: { tokens: values.length * 3 }, warnings: [] }) });
    const one = await embed({ model, value: 'sunny day', telemetry: { functionId: 'mock-embed' } });
    const many = await embedMany({ model, values: ['a', 'bb', 'ccc'], telemetry: { functionId: 'mock-embed-many' } });
    return { one: one.embedding, many: many.embeddings, usage: many.usage };
  });

  out.rerank = await settle(async () => {
    const model = new MockRerankingModelV4({ provider: 'mock.rerank', modelId: 'mock-rerank-1', doRerank: async () => ({ ranking: [{ index: 1, relevanceScore: 0.9 }, { index: 0, relevanceScore: 0.2 }], warnings: [] }) });
    const r = await rerank({ model, query: 'sunny?', documents: ['rainy', 'sunny'], topN: 2, telemetry: { functionId: 'mock-rerank' } });
    return r.ranking;
  });

  out.agent = await settle(async () => {
    const agent = new ToolLoopAgent({
      id: 'weather-agent',
      model: scripted('mock-agent-1', [toolCall('call_a', 'weather', { location: 'Oslo' }), text('Cold in Oslo.')]),
      instructions: 'You report the weather.',
      tools: { weather },
    });
    const r = await agent.generate({ prompt: 'Weather in Oslo?' });
    return textResult(r);
  });

  out.agentStream = await settle(async () => {
    const agent = new ToolLoopAgent({ id: 'stream-agent', model: streaming('mock-agent-stream-1', streamParts(['Streaming', ' agent'])), instructions: 'Be brief.' });
    const r = await agent.stream({ prompt: 'Hi.' });
    const parts = [];
    for await (const p of r.stream) parts.push(chunk(p));
    return { parts, text: await r.text };
  });

  out.nested = await settle(async () => {
    // A tool that itself calls generateText: the inner call nests under the TOOL span.
    const ask = tool({
      description: 'Ask a sub-model',
      inputSchema: z.object({ q: z.string() }),
      execute: async ({ q }) => (await generateText({ model: scripted('mock-inner-1', [text(`inner: ${q}`)]), prompt: q, telemetry: { functionId: 'mock-inner' } })).text,
    });
    const r = await generateText({ model: scripted('mock-outer-1', [toolCall('call_n', 'ask', { q: 'why?' }), text('done')]), prompt: 'Delegate.', tools: { ask }, stopWhen: isStepCount(3), telemetry: { functionId: 'mock-outer' } });
    return textResult(r);
  });

  out.optOut = await settle(async () => (await generateText({ model: scripted('mock-optout-1', [text('hidden')]), prompt: 'optout-secret', telemetry: { isEnabled: false, functionId: 'mock-optout' } })).text);
  out.noInputs = await settle(async () => (await generateText({ model: scripted('mock-noinputs-1', [text('visible answer')]), prompt: 'noinputs-secret', telemetry: { recordInputs: false, functionId: 'mock-noinputs' } })).text);

  out.noOutputs = await settle(async () => (await generateText({ model: scripted('mock-nooutputs-1', [text('nooutputs-secret')]), prompt: 'Visible question.', telemetry: { recordOutputs: false, functionId: 'mock-nooutputs' } })).text);
  out.legacyName = await settle(async () => (await generateText({ model: scripted('mock-legacy-1', [text('legacy')]), prompt: 'Old option name.', experimental_telemetry: { functionId: 'mock-legacy' } })).text);

  out.uiStream = await settle(async () => {
    const r = streamText({ model: streaming('mock-ui-1', streamParts(['UI', ' stream'])), prompt: 'UI.', telemetry: { functionId: 'mock-ui' } });
    const chunks = [];
    for await (const c of r.toUIMessageStream()) chunks.push({ type: c.type, delta: c.delta });
    return chunks;
  });

  if (helpers?.agentSpan) {
    out.inAgentSpan = await settle(() =>
      helpers.agentSpan({ agentName: 'support-bot', sessionId: 'session-9', userId: 'user-3' }, async () => (await generateText({ model: scripted('mock-in-agent-1', [text('ok')]), prompt: 'Hi.', telemetry: { functionId: 'mock-in-agent' } })).text),
    );
  }
  if (helpers?.createAISdkTelemetrySettings) {
    out.helper = await settle(async () =>
      (await generateText({ model: scripted('mock-helper-1', [text('helped')]), prompt: 'Help.', telemetry: helpers.createAISdkTelemetrySettings({ functionId: 'mock-helper', metadata: { tenant: 'acme' } }) })).text,
    );
  }

  // ---- OpenAI-compatible provider against the fake ----
  const fake = createOpenAICompatible({ baseURL: `${process.env.FAKE_BASE_URL}/v1`, name: 'fake', apiKey: KEY, includeUsage: true, fetch: fetchByTurn });
  const fx = (name) => ({ 'x-fixture': `openai/${name}` });

  out.providerText = await settle(async () => textResult(await generateText({ model: fake('gpt-4o-mini'), prompt: 'Capital of France?', headers: fx('chat-basic'), telemetry: { functionId: 'prov-text' } })));

  out.providerStream = await settle(async () => {
    const r = streamText({ model: fake('gpt-4o-mini'), prompt: 'Capital of France?', headers: fx('chat-basic'), telemetry: { functionId: 'prov-stream' } });
    const parts = [];
    for await (const p of r.stream) parts.push(chunk(p));
    return { parts, usage: await r.usage };
  });

  out.providerTools = await settle(async () =>
    textResult(await generateText({ model: fake('gpt-4o-mini'), prompt: 'Weather in Paris?', tools: { get_weather: weather }, stopWhen: isStepCount(4), telemetry: { functionId: 'prov-tools' } })),
  );

  out.providerToolsStream = await settle(async () => {
    const r = streamText({ model: fake('gpt-4o-mini'), prompt: 'Weather in Paris?', tools: { get_weather: weather }, stopWhen: isStepCount(4), telemetry: { functionId: 'prov-tools-stream' } });
    const parts = [];
    for await (const p of r.stream) parts.push(chunk(p));
    return { parts: parts.filter((p) => !p.type.startsWith('tool-input')), text: await r.text };
  });

  out.providerError = await settle(() => generateText({ model: fake('gpt-4o-mini'), prompt: 'Fail.', headers: fx('error-400'), maxRetries: 0, telemetry: { functionId: 'prov-error' } }));

  out.providerAbort = await settle(async () => {
    const controller = new AbortController();
    const r = streamText({ model: fake('gpt-4o-mini'), prompt: 'Long story.', headers: { ...fx('chat-long'), 'x-fixture-delay-ms': '20' }, abortSignal: controller.signal, telemetry: { functionId: 'prov-abort' } });
    let deltas = 0;
    try {
      for await (const d of r.textStream) {
        if (d && ++deltas === 2) controller.abort();
      }
    } catch (error) {
      return { deltas, thrown: error?.name };
    }
    return { deltas };
  });

  // A model built on the `openai` package (as some community providers are): the openai patch sees its
  // request too, and folds it into the AI SDK's LLM span instead of adding a second one.
  out.fold = await settle(async () => {
    const client = new OpenAI({ baseURL: `${process.env.FAKE_BASE_URL}/v1`, apiKey: KEY, maxRetries: 0 });
    const model = new MockLanguageModelV4({
      provider: 'community.openai',
      modelId: 'gpt-4o-mini',
      doGenerate: async ({ prompt }) => {
        const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: JSON.stringify(prompt).slice(0, 40) }] });
        return text(completion.choices[0].message.content);
      },
    });
    const folded = (await generateText({ model, prompt: 'Capital of France?', telemetry: { functionId: 'prov-fold' } })).text;
    // The same client outside the AI SDK: the openai patch's own span, proving the patch is active here.
    const direct = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: '[direct] Capital of France?' }] });
    return { folded, direct: direct.choices[0].message.content };
  });

  // @ai-sdk/openai calls the API with fetch, not through the `openai` package: one span per call.
  const openai = createOpenAI({ baseURL: `${process.env.FAKE_BASE_URL}/v1`, apiKey: KEY });
  out.openaiChat = await settle(async () => (await generateText({ model: openai.chat('gpt-4o-mini'), prompt: 'Capital of France?', headers: fx('chat-basic'), telemetry: { functionId: 'prov-openai-chat' } })).text);
  out.openaiResponses = await settle(async () => (await generateText({ model: openai.responses('gpt-4o-mini'), prompt: 'Capital of France?', headers: fx('responses-basic'), telemetry: { functionId: 'prov-openai-responses' } })).text);

  out.providerEmbed = await settle(async () => {
    const r = await embed({ model: fake.embeddingModel('text-embedding-3-small'), value: 'sunny day', telemetry: { functionId: 'prov-embed' } });
    return { dims: r.embedding.length, usage: r.usage };
  });

  return out;
}
