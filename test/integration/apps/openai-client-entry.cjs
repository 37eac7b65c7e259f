// CJS app that requires the client from the `openai/client` subpath only (never the main entry).
'use strict';
const { OpenAI } = require('openai/client');
const scenario = require('./openai-scenario.cjs');

scenario.run(OpenAI, { only: process.env.ONLY ? process.env.ONLY.split(',') : undefined });
