// No preload: `@catalyst/tracing/anthropic`'s instrumentAnthropic() on the module the app required.
'use strict';
const Anthropic = require('@anthropic-ai/sdk');
const scenario = require('./anthropic-scenario.cjs');
const { instrumentAnthropic } = require(scenario.dist('anthropic.js'));

const traced = instrumentAnthropic(Anthropic);
const client = new Anthropic({ baseURL: process.env.FAKE_BASE_URL });
client.messages
  .create({ model: scenario.MODEL, max_tokens: 64, messages: [{ role: 'user', content: '[subpath] Capital of France?' }] })
  .then((message) => process.stdout.write(`RESULT ${JSON.stringify({ traced, text: message.content[0].text })}\n`));
