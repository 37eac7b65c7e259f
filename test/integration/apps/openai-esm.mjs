// ESM app: the SDK imported in the form IMPORT_FORM names (default, named, namespace).
import OpenAIDefault from 'openai';
import { OpenAI as OpenAINamed } from 'openai';
import * as ns from 'openai';
import scenario from './openai-scenario.cjs';

const form = process.env.IMPORT_FORM ?? 'default';
const OpenAI = form === 'named' ? OpenAINamed : form === 'namespace' ? ns.OpenAI : OpenAIDefault;
await scenario.run(OpenAI, { only: process.env.ONLY ? process.env.ONLY.split(',') : undefined });
