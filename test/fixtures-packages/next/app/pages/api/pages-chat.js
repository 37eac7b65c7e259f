// A Pages Router API route calling OpenAI (the fake provider at FAKE_URL).
import OpenAI from 'openai';

export default async function handler(req, res) {
  const client = new OpenAI({ baseURL: `${process.env.FAKE_URL}/v1`, apiKey: 'sk-test-SECRET-123', maxRetries: 0 });
  const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: '[next-pages-api] What is the capital of France?' }] });
  res.status(200).json({ text: r.choices[0].message.content });
}
