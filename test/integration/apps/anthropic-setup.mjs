// No preload: the app starts tracing in code and hands the SDK class over, as a
// bundled app must (no loader hook sees its imports).
import Anthropic from '@anthropic-ai/sdk';
import scenario from './anthropic-scenario.cjs';

const { setup } = await import(scenario.dist('esm/index.mjs'));
const handle = await setup({ modules: { anthropic: Anthropic } });
const client = new Anthropic({ baseURL: process.env.FAKE_BASE_URL });
const message = await client.messages.create({ model: scenario.MODEL, max_tokens: 64, messages: [{ role: 'user', content: '[setup] Capital of France?' }] });
process.stdout.write(`RESULT ${JSON.stringify({ text: message.content[0].text, install: handle.installResults.find((r) => r.name === 'anthropic') })}\n`);
