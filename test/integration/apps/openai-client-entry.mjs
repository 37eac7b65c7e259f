// ESM app that imports the client from the `openai/client` subpath only (never the main entry).
import { OpenAI } from 'openai/client';
import scenario from './openai-scenario.cjs';

await scenario.run(OpenAI, { only: process.env.ONLY ? process.env.ONLY.split(',') : undefined });
