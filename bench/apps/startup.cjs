// The start-up app, CommonJS: the same as startup.mjs with require().
'use strict';
const { writeSync } = require('node:fs');
const { OpenAI } = require('openai');
const { Anthropic } = require('@anthropic-ai/sdk');

const openai = new OpenAI({ apiKey: 'sk-bench-not-a-key', baseURL: 'http://127.0.0.1:9/v1' });
const anthropic = new Anthropic({ apiKey: 'sk-ant-bench-not-a-key', baseURL: 'http://127.0.0.1:9' });
if (!openai.chat || !anthropic.messages) throw new Error('clients not built');
process.on('exit', () => writeSync(1, `${JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS })}\n`));
