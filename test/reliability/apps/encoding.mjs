// An ESM app for the export-encoding tests: two Anthropic calls against the fake
// provider, then a natural end or process.exit (EXIT_MODE=exit). With
// SETUP_PROTOCOL it starts tracing itself with setup({ protocol }) (run it
// without the preload then). `END <epoch ms>` is printed last.
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';

if (process.env.SETUP_PROTOCOL) {
  const { setup } = await import(join(process.env.CATALYST_DIST, 'esm/index.mjs'));
  await setup({ protocol: process.env.SETUP_PROTOCOL, modules: { anthropic: Anthropic } });
}
const client = new Anthropic({ baseURL: process.env.FAKE_BASE_URL, maxRetries: 0 });
const out = [];
for (let i = 0; i < 2; i++) {
  const message = await client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: `[esm-${i}] Capital of France?` }] });
  out.push(message.content[0].text);
}
process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
process.stdout.write(`END ${Date.now()}\n`);
if (process.env.EXIT_MODE === 'exit') process.exit(0);
