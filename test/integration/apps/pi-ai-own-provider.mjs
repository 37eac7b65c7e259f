// No preload: an app with its own tracer provider and OpenTelemetry's ESM
// hook (import-in-the-middle) installs installPiAiInstrumentation(provider),
// then imports pi-ai, and reads its spans back.
import { register } from 'node:module';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { context } from '@opentelemetry/api';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const { installPiAiInstrumentation } = await import(`${process.env.CATALYST_DIST}/esm/pi-ai.mjs`);
installPiAiInstrumentation(provider);

const pi = await import('@mariozechner/pi-ai');
const { short } = await import('./pi-ai-scenario.mjs');
const out = await short(pi, 'own');
const spans = exporter.getFinishedSpans().map((s) => `${s.attributes['openinference.span.kind']} ${s.name} ${s.attributes['llm.model_name']}`).sort();
process.stdout.write(`RESULT ${JSON.stringify({ text: out.plain.content[0].text, spans })}\n`);
