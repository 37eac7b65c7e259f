// No preload: `@catalyst/tracing/openai-agents`'s instrumentOpenAIAgents, given the SDK's CJS module.
'use strict';
const agents = require('@openai/agents');
const OpenAI = require('openai');
const { z } = require('zod');
const scenario = require('./openai-agents-scenario.cjs');

const { instrumentOpenAIAgents } = require(scenario.dist('openai-agents.js'));
process.stdout.write(`INSTRUMENTED ${JSON.stringify(instrumentOpenAIAgents(agents))}\n`);
scenario.run({ agents, OpenAI: OpenAI.default ?? OpenAI, z });
