// The smallest app: one call, print the answer, fall off the end. No flush, no
// shutdown, nothing changed for tracing: the agent must export before the exit.
// END carries the wall-clock time the app's own work ended, so the test can
// tell how long the exit took after it.
import OpenAI from 'openai';

const client = new OpenAI({ baseURL: process.env.FAKE_BASE_URL, maxRetries: 0 });
const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `[${process.env.TAG ?? 'short'}] What is the capital of France?` }] });
console.log(`ANSWER ${JSON.stringify(completion.choices[0].message.content)}`);
if (process.env.EXIT_CODE) process.exitCode = Number(process.env.EXIT_CODE);
console.log(`END ${Date.now()}`);
