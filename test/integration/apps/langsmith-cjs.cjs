// CommonJS app: LangSmith's CJS build, `openai` CJS.
'use strict';
const { traceable } = require('langsmith/traceable');
const { wrapOpenAI } = require('langsmith/wrappers/openai');
const { Client } = require('langsmith');
const OpenAI = require('openai');
const scenario = require('./langsmith-scenario.cjs');

scenario.run({ traceable, wrapOpenAI, Client, OpenAI: OpenAI.default ?? OpenAI });
