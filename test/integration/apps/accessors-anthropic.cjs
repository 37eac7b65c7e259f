// CJS app: Anthropic calls whose messages run app code when read (accessors-scenario.cjs).
'use strict';
const Anthropic = require('@anthropic-ai/sdk');
const scenario = require('./accessors-scenario.cjs');

scenario.anthropic(Anthropic.default ?? Anthropic).catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
