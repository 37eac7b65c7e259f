// API keys in every place an app puts them: the `apiKey` option, default
// headers (`api-key`, `x-api-key`, `Authorization`), per-request headers;
// plain, streamed and failing calls. The secrets come from SECRET_* variables
// so the test knows them; none may reach a span or the agent's output.
'use strict';
const Anthropic = require('@anthropic-ai/sdk');
const OpenAI = require('openai');

async function main() {
  const base = process.env.FAKE_BASE_URL;
  const openai = new OpenAI({
    baseURL: `${base}/v1`,
    apiKey: process.env.SECRET_OPENAI,
    maxRetries: 0,
    defaultHeaders: { 'api-key': process.env.SECRET_AZURE, 'x-api-key': process.env.SECRET_X },
  });
  const anthropic = new Anthropic({ baseURL: base, apiKey: process.env.SECRET_ANTHROPIC, maxRetries: 0, defaultHeaders: { 'api-key': process.env.SECRET_AZURE } });
  const perRequest = { headers: { authorization: `Bearer ${process.env.SECRET_REQUEST}`, 'x-api-key': process.env.SECRET_X } };
  const out = [];
  const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: '[secrets-chat] Capital of France?' }] };
  out.push((await openai.chat.completions.create(chat, perRequest)).choices[0].message.content);
  let streamed = '';
  for await (const c of await openai.chat.completions.create({ ...chat, stream: true })) streamed += c.choices[0]?.delta?.content ?? '';
  out.push(streamed);
  out.push(await openai.chat.completions.create(chat, { headers: { ...perRequest.headers, 'x-fixture': 'openai/error-401' } }).then(() => 'no error', (e) => e.constructor.name));
  const ask = { model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: '[secrets-messages] Capital of France?' }] };
  out.push((await anthropic.messages.create(ask, { headers: { 'x-api-key': process.env.SECRET_X } })).content[0].text);
  out.push(await anthropic.messages.stream(ask).finalText());
  process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
  if (process.env.EXIT_MODE === 'exit') process.exit(0);
}

main();
