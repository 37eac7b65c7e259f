// CommonJS app: the Agents SDK's CJS build (agents-core index.js), which holds objects of its own.
'use strict';
const agents = require('@openai/agents');
const OpenAI = require('openai');
const { z } = require('zod');
const scenario = require('./openai-agents-scenario.cjs');

const { agentSpan, manualSpan } = process.env.CATALYST_DIST ? require(scenario.dist('index.js')) : {};
scenario.run({ agents, OpenAI: OpenAI.default ?? OpenAI, z, agentSpan, manualSpan });
