// The start-up app, ESM: imports both SDKs and builds one client of each, then
// reports its peak RSS (KiB) as it exits.
import { writeSync } from 'node:fs';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';

const openai = new OpenAI({ apiKey: 'sk-bench-not-a-key', baseURL: 'http://127.0.0.1:9/v1' });
const anthropic = new Anthropic({ apiKey: 'sk-ant-bench-not-a-key', baseURL: 'http://127.0.0.1:9' });
if (!openai.chat || !anthropic.messages) throw new Error('clients not built');
process.on('exit', () => writeSync(1, `${JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS })}\n`));
