// An app that registered an OpenTelemetry integration of its own with
// registerTelemetry() (as `@ai-sdk/otel` is registered; that package is not
// installed, so a class of the same name and shape stands in for it). The
// global Catalyst integration stands down; a call given
// createAISdkTelemetrySettings() is still traced, once.
// Named imports (the scenario app uses a namespace import, the CJS app import()).
import { generateText, registerTelemetry } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { trace } from '@opentelemetry/api';

class OpenTelemetry {
  constructor() {
    this.tracer = trace.getTracer('ai');
    this.events = 0;
  }
  onStart() {
    this.events++;
  }
}
const theirs = new OpenTelemetry();
registerTelemetry(theirs);

const { createAISdkTelemetrySettings } = await import(`${process.env.CATALYST_DIST}/esm/ai-sdk.mjs`);
const model = () => new MockLanguageModelV4({ provider: 'mock.chat', modelId: 'mock-otel-1', doGenerate: async () => ({ content: [{ type: 'text', text: 'ok' }], finishReason: { unified: 'stop', raw: 'stop' }, usage: { inputTokens: { total: 1 }, outputTokens: { total: 1 } }, warnings: [] }) });
const global = await generateText({ model: model(), prompt: 'Hi.', telemetry: { functionId: 'otel-global' } });
const helper = await generateText({ model: model(), prompt: 'Hi.', telemetry: createAISdkTelemetrySettings({ functionId: 'otel-helper' }) });
process.stdout.write(`RESULT ${JSON.stringify({ global: global.text, helper: helper.text, theirEvents: theirs.events, integrations: globalThis.AI_SDK_TELEMETRY_INTEGRATIONS.length })}\n`);
