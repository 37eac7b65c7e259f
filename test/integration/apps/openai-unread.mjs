// A stream the app opens and never reads: the span still reaches the exporter at exit, marked incomplete.
import OpenAI from 'openai';

const client = new OpenAI({ baseURL: process.env.FAKE_BASE_URL, maxRetries: 0 });
const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: '[unread] What is the capital of France?' }] });
console.log(typeof stream.controller.abort);
