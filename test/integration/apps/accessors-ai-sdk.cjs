// CJS app: AI SDK calls whose messages run app code when read (accessors-scenario.cjs).
'use strict';
const { generateText, streamText } = require('ai');
const { MockLanguageModelV4 } = require('ai/test');
const scenario = require('./accessors-scenario.cjs');

scenario.aiSdk({ generateText, streamText, MockLanguageModelV4 }).catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
