// One call on the main thread and one in a worker thread (which re-runs the
// preload, as workers do). Prints RESULT with both answers.
'use strict';
const { Worker, isMainThread, parentPort } = require('node:worker_threads');
const Anthropic = require('@anthropic-ai/sdk');

async function ask(tag) {
  const client = new Anthropic({ baseURL: process.env.FAKE_BASE_URL, maxRetries: 0 });
  const m = await client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: `[${tag}] Capital of France?` }] });
  return m.content[0].text;
}

if (isMainThread) {
  (async () => {
    const main = await ask('main-thread');
    const worker = await new Promise((resolve, reject) => {
      const w = new Worker(__filename);
      w.once('message', resolve);
      w.once('error', reject);
    });
    process.stdout.write(`RESULT ${JSON.stringify({ main, worker })}\n`);
  })();
} else {
  ask('worker-thread').then((text) => parentPort.postMessage(text));
}
