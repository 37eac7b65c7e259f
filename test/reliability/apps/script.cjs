// A short script: a few Anthropic calls (plain and streamed) against the fake
// provider, one RESULT line, then one of several endings (EXIT_MODE):
//   natural        the event loop empties (the usual end of a script)
//   exit           process.exit(EXIT_CODE) right after the calls
//   exit-code      process.exitCode = EXIT_CODE, then a natural end
//   reject         a failing call whose rejection nobody handles
//   throw          an uncaught exception thrown from a timer
// `END <epoch ms>` is printed last, so the test can measure what tracing adds to the exit.
'use strict';
const Anthropic = require('@anthropic-ai/sdk');

const MODEL = 'claude-sonnet-4-6';
const CALLS = Number(process.env.CALLS ?? 3);
const MODE = process.env.EXIT_MODE ?? 'natural';
const EXIT_CODE = Number(process.env.EXIT_CODE ?? 3);
const end = () => process.stdout.write(`END ${Date.now()}\n`);

async function main() {
  const client = new Anthropic({ baseURL: process.env.FAKE_BASE_URL, maxRetries: 0 });
  const out = [];
  for (let i = 0; i < CALLS; i++) {
    const message = await client.messages.create({ model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: `[call-${i}] Capital of France?` }] });
    out.push(message.content[0].text);
  }
  if (process.env.STREAM !== '0') {
    let text = '';
    const stream = await client.messages.create({ model: MODEL, max_tokens: 64, stream: true, messages: [{ role: 'user', content: '[stream] Capital of France?' }] });
    for await (const event of stream) if (event.type === 'content_block_delta') text += event.delta.text;
    out.push(text);
  }
  process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);

  switch (MODE) {
    case 'exit':
      end();
      process.exit(EXIT_CODE);
      break;
    case 'exit-code':
      process.exitCode = EXIT_CODE;
      end();
      break;
    case 'reject':
      end();
      // Nobody catches this: an unhandled rejection, which crashes the process (exit code 1).
      await client.messages.create(
        { model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: '[failing] Capital of France?' }] },
        { headers: { 'x-fixture': 'anthropic/error-400' } },
      );
      break;
    case 'throw':
      await client.messages
        .create({ model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: '[failing] Capital of France?' }] }, { headers: { 'x-fixture': 'anthropic/error-400' } })
        .catch((error) => {
          end();
          setTimeout(() => {
            throw new Error(`boom after ${error.status}`);
          }, 10);
        });
      break;
    default:
      end();
  }
}

main();
