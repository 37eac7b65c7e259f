// ESM app: AI SDK calls whose messages run app code when read (accessors-scenario.cjs).
import { generateText, streamText } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import scenario from './accessors-scenario.cjs';

await scenario.aiSdk({ generateText, streamText, MockLanguageModelV4 });
