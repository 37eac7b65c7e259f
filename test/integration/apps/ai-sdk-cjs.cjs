// A CommonJS app: `ai` is ESM only, so the app loads it with import(), or with
// require() where Node has require(esm) (AI_LOAD=require). Under the preload
// (--require) the loader hooks still see it; with AI_SDK_MODE=subpath there is
// no preload and the app hands the module to instrumentAISdk().
'use strict';

async function main() {
  const ai = process.env.AI_LOAD === 'require' ? require('ai') : await import('ai');
  const { createOpenAICompatible } = await import('@ai-sdk/openai-compatible');
  let traced;
  if (process.env.AI_SDK_MODE === 'subpath') {
    const { instrumentAISdk } = require(`${process.env.CATALYST_DIST}/ai-sdk.js`);
    traced = instrumentAISdk(ai);
  }
  const fake = createOpenAICompatible({ baseURL: `${process.env.FAKE_BASE_URL}/v1`, name: 'fake', apiKey: 'sk-test-cjs', includeUsage: true });
  const headers = { 'x-fixture': 'openai/chat-basic' };
  const r = await ai.generateText({ model: fake('gpt-4o-mini'), prompt: 'Capital of France?', headers, telemetry: { functionId: 'cjs-text' } });
  const s = ai.streamText({ model: fake('gpt-4o-mini'), prompt: 'Capital of France?', headers, telemetry: { functionId: 'cjs-stream' } });
  let streamed = '';
  for await (const d of s.textStream) streamed += d;
  process.stdout.write(`RESULT ${JSON.stringify({ text: r.text, streamed, usage: r.usage, traced })}\n`);
}

main();
