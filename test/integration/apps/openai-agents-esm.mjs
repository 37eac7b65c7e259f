// ESM app: the Agents SDK's ESM build (agents-core index.mjs), `openai` 7 ESM.
import * as agents from '@openai/agents';
import OpenAI from 'openai';
import { z } from 'zod';
import scenario from './openai-agents-scenario.cjs';

const { agentSpan, manualSpan } = process.env.CATALYST_DIST ? await import(scenario.dist('esm/index.mjs')) : {};
await scenario.run({ agents, OpenAI, z, agentSpan, manualSpan });
