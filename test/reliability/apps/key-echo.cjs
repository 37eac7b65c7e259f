// Providers (and proxies in front of them) that quote the API key back in an
// authentication error: OpenAI plain and streamed, an OpenAI-compatible client
// whose key has no recognisable shape, and Anthropic. The app must get the
// provider's error exactly as without tracing; RESULT says what it saw.
'use strict';
const Anthropic = require('@anthropic-ai/sdk');
const OpenAI = require('openai');

async function main() {
  const base = process.env.FAKE_BASE_URL;
  const echo = { headers: { 'x-fixture': 'openai/error-401-key-echoed' } };
  const openai = new OpenAI({ baseURL: `${base}/v1`, apiKey: process.env.SECRET_OPENAI, maxRetries: 0 });
  const compatible = new OpenAI({ baseURL: `${base}/v1`, apiKey: process.env.SECRET_CUSTOM, maxRetries: 0 });
  const anthropic = new Anthropic({ baseURL: base, apiKey: process.env.SECRET_ANTHROPIC, maxRetries: 0 });
  const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: '[key-echo] Capital of France?' }] };
  const ask = { model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: '[key-echo] Capital of France?' }] };
  const seen = (key, Class) => (e) => ({ class: e.constructor.name, sameClass: e instanceof Class, keyInMessage: e.message.includes(key), keyInStack: String(e.stack).includes(key) });
  const out = [];
  out.push(await openai.chat.completions.create(chat, echo).then(() => 'no error', seen(process.env.SECRET_OPENAI, OpenAI.AuthenticationError)));
  out.push(await openai.chat.completions.create({ ...chat, stream: true }, echo).then(() => 'no error', seen(process.env.SECRET_OPENAI, OpenAI.AuthenticationError)));
  out.push(await compatible.chat.completions.create(chat, echo).then(() => 'no error', seen(process.env.SECRET_CUSTOM, OpenAI.AuthenticationError)));
  out.push(await anthropic.messages.create(ask, { headers: { 'x-fixture': 'anthropic/error-401-key-echoed' } }).then(() => 'no error', seen(process.env.SECRET_ANTHROPIC, Anthropic.AuthenticationError)));
  process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
}

main();
