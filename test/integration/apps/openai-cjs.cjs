// CJS app: require('openai'), the client class off the exports.
'use strict';
const OpenAI = require('openai');
const scenario = require('./openai-scenario.cjs');

scenario.run(OpenAI, { only: process.env.ONLY ? process.env.ONLY.split(',') : undefined });
