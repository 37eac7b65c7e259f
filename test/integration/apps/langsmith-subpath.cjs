// CommonJS app without the preload: installLangSmith() from the subpath, then LangSmith.
'use strict';
const { installLangSmith } = require(require('node:path').join(process.env.CATALYST_DIST, 'langsmith.js'));
console.log(`INSTALLED ${installLangSmith()}`);
const { traceable } = require('langsmith/traceable');
const { wrapOpenAI } = require('langsmith/wrappers/openai');
const { Client } = require('langsmith');
const OpenAI = require('openai');
const scenario = require('./langsmith-scenario.cjs');

scenario.run({ traceable, wrapOpenAI, Client, OpenAI: OpenAI.default ?? OpenAI });
