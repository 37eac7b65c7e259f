// ESM app: the SDK's AzureOpenAI client, pointed at the fake provider (a stand-in for an Azure endpoint
// behind a gateway: the host is not *.azure.com). Prints what the call returned.
import { AzureOpenAI } from 'openai';

const client = new AzureOpenAI({ endpoint: process.env.FAKE_BASE_URL.replace(/\/v1$/, ''), apiKey: 'azure-key-SECRET-456', apiVersion: '2024-10-21', deployment: 'gpt-4o-mini', maxRetries: 0 });
const r = await client.chat.completions.create(
  { model: 'gpt-4o-mini', messages: [{ role: 'user', content: '[azure] What is the capital of France?' }] },
  { headers: { 'x-fixture': 'openai/chat-basic' } },
);
process.stdout.write(`RESULT ${JSON.stringify({ content: r.choices[0].message.content })}\n`);
