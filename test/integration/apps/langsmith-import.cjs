// CommonJS app that only imports LangSmith: prints which of the agent's files are loaded then.
'use strict';
require('langsmith/traceable');
require('langsmith');
const dist = process.env.CATALYST_DIST;
const loaded = Object.keys(require.cache).filter((f) => f.startsWith(dist)).map((f) => f.slice(dist.length + 1));
console.log(`LOADED ${JSON.stringify(loaded.sort())}`);
