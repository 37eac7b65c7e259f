// A CommonJS app loading the ESM-only SDK with require() (Node 22.12+): the same loop as agent-sdk.mjs's `tool`.
const { query } = require('@anthropic-ai/claude-agent-sdk');

(async () => {
  const seen = [];
  for await (const m of query({ prompt: 'Say hello', options: { maxTurns: 1 } })) seen.push(m.type);
  process.stdout.write(`RESULT ${JSON.stringify({ seen })}\n`);
})();
