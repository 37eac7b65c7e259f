// No preload: pi-ai was imported before tracing started (the bundled-app
// case), so no loader hook saw it. instrumentPiAi(namespace) traces the
// providers registered so far; one the app registers later is traced once
// instrumentPiAi runs again. PI_AI_EXPLICIT=modules hands the namespace to
// setup({ modules }) instead.
import * as pi from '@mariozechner/pi-ai';
import { short } from './pi-ai-scenario.mjs';

const dist = process.env.CATALYST_DIST;
const { setup } = await import(`${dist}/esm/index.mjs`);
const { instrumentPiAi } = await import(`${dist}/esm/pi-ai.mjs`);
let traced;
if (process.env.PI_AI_EXPLICIT === 'modules') {
  const handle = await setup({ modules: { 'pi-ai': pi } });
  traced = handle.installResults.find((r) => r.name === 'pi-ai').status === 'patched';
} else {
  traced = instrumentPiAi(pi);
}
const out = await short(pi, 'explicit');

const faux = pi.registerFauxProvider({ api: 'faux-late-api', provider: 'faux-late', models: [{ id: 'late-faux' }] });
faux.setResponses([pi.fauxAssistantMessage('Paris.'), pi.fauxAssistantMessage('Paris again.')]);
const ask = () => pi.complete(faux.getModel(), { messages: [{ role: 'user', content: 'Capital?', timestamp: 1 }] });
await ask(); // registered after instrumentPiAi: not traced yet
const again = instrumentPiAi(pi);
await ask(); // traced
process.stdout.write(`RESULT ${JSON.stringify({ traced, again, out })}\n`);
