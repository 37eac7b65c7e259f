// No preload: instrumentElevenLabs(namespace) from the subpath (the bundled-app path), and the
// scenario inside an agentSpan, whose agent and session the conversation spans belong to.
import * as client from '@elevenlabs/client';
import { runScenario } from './elevenlabs-scenario.mjs';

const dist = process.env.CATALYST_DIST;
const { instrumentElevenLabs } = await import(`${dist}/esm/elevenlabs.mjs`);
const { agentSpan, manualSpan } = await import(`${dist}/esm/index.mjs`);
process.stdout.write(`INSTRUMENTED ${JSON.stringify(instrumentElevenLabs(client))}\n`);
const result = await agentSpan({ agentId: 'concierge', name: 'Concierge', sessionId: 'support-7', userId: 'outer-user' }, () =>
  runScenario(client, process.env.ELEVENLABS_ORIGIN, { insideTool: () => manualSpan({ name: 'forecast lookup' }, async () => 'cloudless') }),
);
console.log(`RESULT ${JSON.stringify(result)}`);
