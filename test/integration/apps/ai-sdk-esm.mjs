// The AI SDK scenario in an ESM app, run under the preload (and without it for
// the baseline). The agent's span helpers come from the build under test.
import * as ai from 'ai';
import { run } from './ai-sdk-scenario.mjs';

const dist = process.env.CATALYST_DIST;
const helpers = dist && process.env.AI_SDK_HELPERS !== 'off' ? { ...(await import(`${dist}/esm/index.mjs`)), ...(await import(`${dist}/esm/ai-sdk.mjs`)) } : undefined;
const out = await run(ai, { helpers });
process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
