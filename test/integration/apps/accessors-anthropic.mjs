// ESM app: Anthropic calls whose messages run app code when read (accessors-scenario.cjs).
import Anthropic from '@anthropic-ai/sdk';
import scenario from './accessors-scenario.cjs';

await scenario.anthropic(Anthropic);
