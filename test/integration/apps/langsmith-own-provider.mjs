// ESM app that sets up LangSmith's OTel mode itself, as LangSmith documents:
// initializeOTEL() registers LangSmith's own global tracer provider, which
// exports the runs to LANGSMITH_ENDPOINT. It keeps that set-up under the preload.
import { initializeOTEL } from 'langsmith/experimental/otel/setup';
import { traceable } from 'langsmith/traceable';
import { wrapOpenAI } from 'langsmith/wrappers/openai';
import { Client } from 'langsmith';
import OpenAI from 'openai';
import scenario from './langsmith-scenario.cjs';

const { DEFAULT_LANGSMITH_TRACER_PROVIDER } = initializeOTEL();
await scenario.run({ traceable, wrapOpenAI, Client, OpenAI });
await DEFAULT_LANGSMITH_TRACER_PROVIDER.forceFlush();
