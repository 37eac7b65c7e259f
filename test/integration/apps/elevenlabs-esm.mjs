// @elevenlabs/client (ESM only) under the preload: the scenario, then a RESULT line,
// and a LAZY line saying when the integration's files were loaded.
import { createRequire } from 'node:module';
import * as client from '@elevenlabs/client';
import { runScenario } from './elevenlabs-scenario.mjs';

const cache = createRequire(import.meta.url).cache;
const loaded = (/** @type {string} */ file) => Object.keys(cache).some((k) => k.endsWith(`/${file}.js`));
const atImport = { patch: loaded('lazy-elevenlabs'), calls: loaded('lazy-elevenlabs-calls') };
const result = await runScenario(client, process.env.ELEVENLABS_ORIGIN);
console.log(`RESULT ${JSON.stringify(result)}`);
console.log(`LAZY ${JSON.stringify({ atImport, afterSessions: loaded('lazy-elevenlabs-calls') })}`);
