// No preload: an app with its own tracer provider installs the integration
// with installAISdkInstrumentation(provider) and reads its spans back.
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { context } from '@opentelemetry/api';

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const { installAISdkInstrumentation } = await import(`${process.env.CATALYST_DIST}/esm/ai-sdk.mjs`);
installAISdkInstrumentation(provider);
installAISdkInstrumentation(provider); // twice: still one integration

const ai = await import('ai');
const { MockLanguageModelV4 } = await import('ai/test');
const model = new MockLanguageModelV4({ provider: 'mock.chat', modelId: 'mock-own-1', doGenerate: async () => ({ content: [{ type: 'text', text: 'mine' }], finishReason: { unified: 'stop', raw: 'stop' }, usage: { inputTokens: { total: 1 }, outputTokens: { total: 1 } }, warnings: [] }) });
const r = await ai.generateText({ model, prompt: 'Hi.', telemetry: { functionId: 'own' } });
const spans = exporter.getFinishedSpans().map((s) => `${s.attributes['openinference.span.kind']} ${s.name}`);
process.stdout.write(`RESULT ${JSON.stringify({ text: r.text, spans, integrations: globalThis.AI_SDK_TELEMETRY_INTEGRATIONS.length })}\n`);
