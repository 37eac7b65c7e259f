// The pi-ai scenario in an ESM app, run under the preload (and without it for
// the baseline). The agent's span helpers come from the build under test.
import * as pi from '@mariozechner/pi-ai';
import { run } from './pi-ai-scenario.mjs';

const dist = process.env.CATALYST_DIST;
const helpers = dist && process.env.PI_AI_HELPERS !== 'off' ? await import(`${dist}/esm/index.mjs`) : undefined;
const out = await run(pi, { helpers });
process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
