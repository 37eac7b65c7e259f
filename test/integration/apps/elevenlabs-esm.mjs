// @elevenlabs/client (ESM only) under the preload: the scenario, then a RESULT line.
import * as client from '@elevenlabs/client';
import { runScenario } from './elevenlabs-scenario.mjs';

const result = await runScenario(client, process.env.ELEVENLABS_ORIGIN);
console.log(`RESULT ${JSON.stringify(result)}`);
