// The main thread and a worker thread each load openai and make one call; the
// worker re-runs the preload (workers inherit --import and NODE_OPTIONS).
import { Worker, isMainThread } from 'node:worker_threads';
import OpenAI from 'openai';

const tag = isMainThread ? 'main-thread' : 'worker-thread';
const client = new OpenAI({ baseURL: process.env.FAKE_BASE_URL, maxRetries: 0 });
const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `[${tag}] What is the capital of France?` }] });
console.log(`${tag} ${completion.choices[0].message.content}`);
if (isMainThread) {
  const worker = new Worker(new URL(import.meta.url));
  await new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', resolve);
  });
}
