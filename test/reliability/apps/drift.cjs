// Run from a folder whose node_modules holds one SDK in a drifted shape
// (written by the test: DRIFTED names which) and the other SDK real (linked).
// The app uses the drifted one as its authors intended; the agent must leave
// it alone, say "skipped" in installResults, and keep tracing the real one.
'use strict';
const { join } = require('node:path');
const Anthropic = require('@anthropic-ai/sdk');
const OpenAI = require('openai');
const { handle } = require(join(process.env.CATALYST_DIST, 'index.js'));

async function main() {
  const out = {};
  if (process.env.DRIFTED === 'anthropic') {
    out.drifted = await new Anthropic().messages.send({ messages: [{ role: 'user', content: '[drifted] hi' }] });
    const client = new OpenAI({ baseURL: `${process.env.FAKE_BASE_URL}/v1`, maxRetries: 0 });
    const real = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: '[real] Capital of France?' }] });
    out.real = real.choices[0].message.content;
  } else {
    out.drifted = await new OpenAI().chat.completions.generate({ messages: [{ role: 'user', content: '[drifted] hi' }] });
    const client = new Anthropic({ baseURL: process.env.FAKE_BASE_URL, maxRetries: 0 });
    const real = await client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: '[real] Capital of France?' }] });
    out.real = real.content[0].text;
  }
  out.install = handle().installResults;
  process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
}

main();
