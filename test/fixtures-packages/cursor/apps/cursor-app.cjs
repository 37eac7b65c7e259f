// The Cursor SDK's CommonJS build: the same runs as cursor-app.mjs. MODE (no preload) picks an explicit way in:
//   setup     setup() before the SDK is required: auto-detected and patched as it loads;
//   provider  installCursorSdkInstrumentation(provider) under the app's own tracer provider, before the SDK
//             is required; the names of the spans that provider got are printed (`appSpans`).
const dist = (file) => `${process.env.CATALYST_DIST}/${file}`;
const mode = process.env.MODE;

async function main() {
  let appSpans;
  if (mode === 'setup') {
    const handle = await require(dist('index.js')).setup();
    if (!handle.installResults.some((r) => r.name === 'cursor-sdk' && r.status === 'detected')) throw new Error('setup() did not detect @cursor/sdk');
  } else if (mode === 'provider') {
    const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    require(dist('cursor-sdk.js')).installCursorSdkInstrumentation(provider);
    appSpans = () => exporter.getFinishedSpans().map((s) => `${s.name}:${s.attributes['openinference.span.kind']}`);
  }
  const out = await require('./runs.cjs')(require('@cursor/sdk'));
  // The run's span ends as its wait() settles, a tick after the app's own await.
  if (appSpans) out.appSpans = await new Promise((resolve) => setTimeout(() => resolve(appSpans().sort()), 100));
  process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
}
main();
