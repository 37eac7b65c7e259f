// LangSmith in its OpenTelemetry mode, run against the fake provider: a
// traceable agent nesting a run of each run type, a model call through
// wrapOpenAI inside it, metadata and tags, and a traceable that throws. The
// app awaits the client's pending batches, as LangSmith documents for short
// scripts, and prints `RESULT {...}` with what it saw. The SDK modules are
// passed in, so the ESM and CJS apps share this file.
'use strict';
const { join } = require('node:path');

const KEY = 'sk-langsmith-integration-secret-0123456789';

async function run({ traceable, wrapOpenAI, Client, OpenAI }) {
  const client = new Client({ apiKey: 'lsv2-fake-key-not-real', apiUrl: process.env.LANGSMITH_ENDPOINT });
  const openai = wrapOpenAI(new OpenAI({ apiKey: KEY, baseURL: `${process.env.FAKE_BASE_URL}/v1` }), { client });
  const t = (fn, config) => traceable(fn, { client, ...config });

  const plan = t(async (goal) => ({ steps: [`look up ${goal}`] }), { name: 'plan', run_type: 'chain' });
  const lookup = t(async (city) => `18 degrees in ${city}`, { name: 'get_weather', run_type: 'tool' });
  const search = t(async (query) => [{ pageContent: `doc about ${query}` }], { name: 'search-docs', run_type: 'retriever' });
  const embed = t(async (text) => [0.1, 0.2, text.length], { name: 'embed-query', run_type: 'embedding' });
  const prompt = t(async (city) => `Weather in ${city}?`, { name: 'format-prompt', run_type: 'prompt' });
  const parse = t(async (text) => ({ answer: text }), { name: 'parse-answer', run_type: 'parser' });
  const chat = t(async (input) => ({ role: 'assistant', content: `echo: ${input.messages[0].content}` }), { name: 'local-model', run_type: 'llm' });

  const agent = t(
    async (goal) => {
      await plan(goal);
      await lookup('Paris');
      await search(goal);
      await embed(goal);
      const text = await prompt('Paris');
      await chat({ messages: [{ role: 'user', content: text }] });
      const completion = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: '[wrapped] What is the capital of France?' }] });
      return parse(completion.choices[0].message.content);
    },
    { name: 'research-agent', metadata: { team: 'search', attempt: 2 }, tags: ['nightly', 'eval'] },
  );
  const failing = t(
    async () => {
      throw new Error('step exploded');
    },
    { name: 'failing-step', run_type: 'chain' },
  );

  const result = { answer: await agent('weather') };
  try {
    await failing();
  } catch (error) {
    result.error = error.message;
  }
  if (process.env.SKIP_AWAIT !== '1') await client.awaitPendingTraceBatches();
  console.log(`RESULT ${JSON.stringify(result)}`);
}

module.exports = { run, KEY, dist: (p) => join(process.env.CATALYST_DIST ?? '', p) };
