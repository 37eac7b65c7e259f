// A script whose own 'beforeExit' listener does work: CALLS Anthropic calls in
// main, then each 'beforeExit' prints `beforeExit #<n>`; while n < ROUNDS the
// listener makes one more call (tagged [round-<n>]) and waits ROUND_DELAY_MS
// (a ref'd timer: the app's own work), which makes Node fire 'beforeExit'
// again once it is done. Untraced, ROUNDS=3 prints #1, #2, #3; ROUNDS=1 prints
// #1 only. `END <epoch ms>` is printed when the app has nothing left to do.
// SYNC_SPANS=N: each 'beforeExit' also makes N manual spans synchronously (a
// full batch ending inside the listener, with nothing else keeping the loop alive).
// EXIT_MODE=exit: the last round calls process.exit() instead of returning.
// The app's last 'exit' listener (registered after the agent's) prints
// `EXIT_WORK <ms>`: the time from the moment an untraced process would start
// to end (the last 'beforeExit', or the 'exit' event) to the end of every
// 'exit' listener.
'use strict';
const { join } = require('node:path');
const Anthropic = require('@anthropic-ai/sdk');

const MODEL = 'claude-sonnet-4-6';
const CALLS = Number(process.env.CALLS ?? 3);
const ROUNDS = Number(process.env.ROUNDS ?? 1);
const ROUND_DELAY_MS = Number(process.env.ROUND_DELAY_MS ?? 0);
const SYNC_SPANS = Number(process.env.SYNC_SPANS ?? 0);
const client = new Anthropic({ baseURL: process.env.FAKE_BASE_URL, maxRetries: 0 });
const ask = async (tag) => (await client.messages.create({ model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: `[${tag}] Capital of France?` }] })).content[0].text;

let lastSign;
process.on('exit', () => (lastSign ??= Date.now()));

let rounds = 0;
process.on('beforeExit', (code) => {
  lastSign = Date.now();
  rounds++;
  process.stdout.write(`beforeExit #${rounds} (code ${code})\n`);
  if (SYNC_SPANS > 0) {
    const { manualSpan } = require(join(process.env.CATALYST_DIST, 'index.js'));
    for (let i = 0; i < SYNC_SPANS; i++) manualSpan({ name: `sync-${rounds}-${i}` }, () => undefined);
  }
  if (rounds >= ROUNDS) {
    process.stdout.write(`END ${Date.now()}\n`);
    if (process.env.EXIT_MODE === 'exit') process.exit();
    return;
  }
  const round = rounds;
  ask(`round-${round}`).then(async (text) => {
    await new Promise((r) => setTimeout(r, ROUND_DELAY_MS));
    process.stdout.write(`round #${round} done: ${text}\n`);
  });
});

async function main() {
  const out = [];
  for (let i = 0; i < CALLS; i++) out.push(await ask(`call-${i}`));
  process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
  if (process.env.EXIT_CODE) process.exitCode = Number(process.env.EXIT_CODE);
  // Registered after the first traced call, so after the agent's own 'exit' listener: it runs last.
  process.on('exit', (code) => process.stdout.write(`exit (code ${code}) after ${rounds} beforeExit\nEXIT_WORK ${Date.now() - lastSign}\n`));
}

main();
