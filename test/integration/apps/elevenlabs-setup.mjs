// No preload: setup({ modules }) hands the ESM namespace over under the registry name.
import * as client from '@elevenlabs/client';
import { runScenario } from './elevenlabs-scenario.mjs';

const { setup } = await import(`${process.env.CATALYST_DIST}/esm/index.mjs`);
const handle = await setup({ modules: { elevenlabs: client } });
const status = Object.fromEntries(handle.installResults.map((r) => [r.name, r.status]));
process.stdout.write(`INSTALL ${JSON.stringify(status.elevenlabs)}\n`);
const result = await runScenario(client, process.env.ELEVENLABS_ORIGIN);
console.log(`RESULT ${JSON.stringify(result)}`);
