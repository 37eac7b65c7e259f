// The Cursor SDK's CommonJS build: the same runs as cursor-app.mjs.
const sdk = require('@cursor/sdk');
const runAll = require('./runs.cjs');

runAll(sdk).then((out) => process.stdout.write(`RESULT ${JSON.stringify(out)}\n`));
