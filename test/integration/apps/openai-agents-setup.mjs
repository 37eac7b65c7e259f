// No preload: setup({ modules }) hands the SDK modules over (the bundled-app path), under the alias `openaiAgents`.
import * as agents from '@openai/agents';
import OpenAI from 'openai';
import { z } from 'zod';
import scenario from './openai-agents-scenario.cjs';

const { setup, agentSpan, manualSpan } = await import(scenario.dist('esm/index.mjs'));
const handle = await setup({ modules: { openai: OpenAI, openaiAgents: agents } });
const status = Object.fromEntries(handle.installResults.map((r) => [r.name, r.status]));
process.stdout.write(`INSTALL ${JSON.stringify(status)}\n`);
await scenario.run({ agents, OpenAI, z, agentSpan, manualSpan });
