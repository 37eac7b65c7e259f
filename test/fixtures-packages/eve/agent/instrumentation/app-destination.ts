import { appendFileSync } from "node:fs";
import { otelIntegration } from "eve/instrumentation/otel";

// The app's own OpenTelemetry destination: every span Eve hands it, as Eve made
// it, one JSON line each in the file EVE_FIXTURE_APP_SPANS names.
const file = process.env.EVE_FIXTURE_APP_SPANS;

export default otelIntegration({
  spanProcessors: [
    {
      onStart() {},
      onEnd(span: any) {
        if (!file) return;
        const context = span.spanContext();
        appendFileSync(file, JSON.stringify({
          name: span.name,
          scope: span.instrumentationScope?.name,
          traceId: context.traceId,
          spanId: context.spanId,
          parentSpanId: span.parentSpanContext?.spanId,
          attributes: span.attributes,
        }) + "\n");
      },
      forceFlush: async () => {},
      shutdown: async () => {},
    },
  ],
});
