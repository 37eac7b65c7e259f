import { otel } from "eve/instrumentation/otel";

// Content on Eve's spans: off by default for an anonymous (unknown-audience) channel.
export default otel({
  tracePolicy: () => ({ emit: true, recordInputs: true, recordOutputs: true }),
});
