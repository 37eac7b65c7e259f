// The preload, then setup() from the package, then setup() from a second copy
// of the package (COPY_DIST, another folder): one agent, one span per call.
'use strict';
const { join } = require('node:path');
const Anthropic = require('@anthropic-ai/sdk');

async function main() {
  const first = await require(join(process.env.CATALYST_DIST, 'index.js')).setup({ modules: { anthropic: Anthropic } });
  const second = await require(join(process.env.COPY_DIST, 'index.js')).setup({ modules: { anthropic: Anthropic } });
  const client = new Anthropic({ baseURL: process.env.FAKE_BASE_URL, maxRetries: 0 });
  const texts = [];
  for (const tag of ['twice-0', 'twice-1']) {
    const m = await client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: `[${tag}] Capital of France?` }] });
    texts.push(m.content[0].text);
  }
  const status = (h) => h.installResults.find((r) => r.name === 'anthropic')?.status;
  process.stdout.write(`RESULT ${JSON.stringify({ texts, first: status(first), second: status(second), sameProvider: first.provider === second.provider })}\n`);
}

main();
