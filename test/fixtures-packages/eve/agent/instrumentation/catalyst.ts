import { defineCatalystEveInstrumentation } from "@catalyst/tracing/eve";

// The one-file set-up docs/integrations/eve.md describes, with every option the
// test checks. EVE_FIXTURE_NO_CATALYST leaves it out (the preload-alone run).
export default process.env.EVE_FIXTURE_NO_CATALYST
  ? { [Symbol.for("eve.instrumentation.provider")]: true }
  : defineCatalystEveInstrumentation({
      metadata: { team: "weather" },
      functionId: "weather-turn",
      environment: process.env.EVE_FIXTURE_ENVIRONMENT,
    });
