// No preload: a CJS app starts tracing in code and hands the SDK class over.
'use strict';
const OpenAI = require('openai');
const scenario = require('./openai-scenario.cjs');

(async () => {
  const { setup } = require(scenario.dist('index.js'));
  const handle = await setup({ modules: { openai: OpenAI } });
  const client = new OpenAI({ baseURL: process.env.FAKE_BASE_URL, maxRetries: 0 });
  const completion = await client.chat.completions.create({ model: scenario.MODEL, messages: [{ role: 'user', content: '[setup] What is the capital of France?' }] });
  process.stdout.write(`RESULT ${JSON.stringify({ text: completion.choices[0].message.content, install: handle.installResults.find((r) => r.name === 'openai') })}\n`);
})();
