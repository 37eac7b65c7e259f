// CJS app: OpenAI calls whose messages run app code when read (accessors-scenario.cjs).
'use strict';
const OpenAI = require('openai');
const scenario = require('./accessors-scenario.cjs');

scenario.openai(OpenAI).catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
