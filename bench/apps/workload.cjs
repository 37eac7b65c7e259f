// The CJS face of the workload app: `openai` required, the work in lib/tasks.cjs.
'use strict';
const { OpenAI } = require('openai');
const { runTask } = require('./lib/tasks.cjs');

runTask(OpenAI).catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
