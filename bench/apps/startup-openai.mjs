// The start-up app of the budget's own case: an ESM app that imports `openai`
// and builds a client, then reports its peak RSS (KiB) as it exits.
import { writeSync } from 'node:fs';
import OpenAI from 'openai';

const openai = new OpenAI({ apiKey: 'sk-bench-not-a-key', baseURL: 'http://127.0.0.1:9/v1' });
if (!openai.chat) throw new Error('client not built');
process.on('exit', () => writeSync(1, `${JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS })}\n`));
