// Makes SPANS spans of about SPAN_KB KB each (a long input), GROUP at a time
// with a pause between groups, so that the local store receives many batches,
// rotates its files and prunes. Prints `RESULT {"made": n}`.
'use strict';
const { join } = require('node:path');
const { manualSpan } = require(join(process.env.CATALYST_DIST, 'index.js'));

const SPANS = Number(process.env.SPANS ?? 100);
const GROUP = Number(process.env.GROUP ?? 10);
const INPUT = 'x'.repeat(Number(process.env.SPAN_KB ?? 10) * 1024);

async function main() {
  let made = 0;
  while (made < SPANS) {
    for (let i = 0; i < GROUP && made < SPANS; i++, made++) manualSpan({ spanName: `fill-${made}`, input: `[fill-${made}] ${INPUT}` }, () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  process.stdout.write(`RESULT ${JSON.stringify({ made })}\n`);
}

main();
