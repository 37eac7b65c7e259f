// CommonJS app: the SDK's CJS build, which holds class objects of its own.
'use strict';
const Anthropic = require('@anthropic-ai/sdk');
const { betaTool } = require('@anthropic-ai/sdk/helpers/beta/json-schema');
const scenario = require('./anthropic-scenario.cjs');

const { agentSpan } = process.env.CATALYST_DIST ? require(scenario.dist('index.js')) : {};
scenario.run(Anthropic, { agentSpan, betaTool });
