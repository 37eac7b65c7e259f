// ESM app: OpenAI calls whose messages run app code when read (accessors-scenario.cjs).
import OpenAI from 'openai';
import scenario from './accessors-scenario.cjs';

await scenario.openai(OpenAI);
