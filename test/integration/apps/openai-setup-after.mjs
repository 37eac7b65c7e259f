// Under the preload, the app also calls setup(): it gets the running agent's
// handle (no second provider, no second patch) and still one span per call.
import OpenAI from 'openai';
import scenario from './openai-scenario.cjs';

const { setup } = await import(scenario.dist('esm/index.mjs'));
const handle = await setup();
const again = await setup({ modules: { openai: OpenAI } });
const client = new OpenAI({ baseURL: process.env.FAKE_BASE_URL, maxRetries: 0 });
const completion = await client.chat.completions.create({ model: scenario.MODEL, messages: [{ role: 'user', content: '[setup-after] What is the capital of France?' }] });
process.stdout.write(
  `RESULT ${JSON.stringify({
    text: completion.choices[0].message.content,
    install: handle.installResults.find((r) => r.name === 'openai'),
    againInstall: again.installResults.find((r) => r.name === 'openai'),
    sameProvider: handle.provider === again.provider && handle.provider !== undefined,
  })}\n`,
);
