// A TypeScript app as Bun runs it (no build step): one chat call, its answer
// printed. Under Node it is never run; under Bun the preload comes from the
// bunfig.toml of the folder it is started in, or from --preload.
import OpenAI from 'openai';

async function main(): Promise<void> {
  const client = new OpenAI({ baseURL: process.env.FAKE_BASE_URL, maxRetries: 0 });
  const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: '[typescript] What is the capital of France?' }] });
  console.log(`ANSWER ${JSON.stringify(completion.choices[0].message.content)}`);
}

void main();
