// The source of the bundled app: esbuild inlines `openai` and `@anthropic-ai/sdk`
// into one file (ESM or CommonJS), which then runs with the preload. Two OpenAI
// calls and one Anthropic call: with the plugin each is a span; without it none
// is, and the agent says so once. No top-level await, so it bundles to CommonJS too.
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';

async function main() {
  const openai = new OpenAI({ baseURL: `${process.env.FAKE_URL}/v1`, maxRetries: 0, apiKey: 'sk-test-SECRET-123' });
  const anthropic = new Anthropic({ baseURL: process.env.FAKE_URL, maxRetries: 0, apiKey: 'sk-ant-test-SECRET-456' });
  const texts = [];
  for (const tag of ['bundled-1', 'bundled-2']) {
    const r = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `[${tag}] What is the capital of France?` }] });
    texts.push(r.choices[0].message.content);
  }
  const m = await anthropic.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: '[bundled-anthropic] What is the capital of France?' }] });
  texts.push(m.content[0].text);
  console.log(`RESULT ${JSON.stringify({ texts })}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
