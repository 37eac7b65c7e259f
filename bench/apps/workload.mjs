// The ESM face of the workload app: `openai` imported as ESM, the work in lib/tasks.cjs.
import OpenAI from 'openai';
import tasks from './lib/tasks.cjs';

await tasks.runTask(OpenAI);
