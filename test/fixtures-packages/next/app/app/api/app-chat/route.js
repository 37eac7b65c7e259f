// An App Router route handler calling OpenAI (the fake provider at FAKE_URL).
import OpenAI from 'openai';

export const dynamic = 'force-dynamic';

export async function GET() {
  const client = new OpenAI({ baseURL: `${process.env.FAKE_URL}/v1`, apiKey: 'sk-test-SECRET-123', maxRetries: 0 });
  const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: '[next-app-router] What is the capital of France?' }] });
  return Response.json({ text: r.choices[0].message.content });
}
