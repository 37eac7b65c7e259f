// No preload: setup() starts the agent and its loader hooks, then the app
// imports pi-ai (ESM only), which the hooks tap as it loads.
const { setup } = await import(`${process.env.CATALYST_DIST}/esm/index.mjs`);
await setup();
const pi = await import('@mariozechner/pi-ai');
const { short } = await import('./pi-ai-scenario.mjs');
const handle = await setup();
process.stdout.write(`INSTALL ${JSON.stringify(handle.installResults.find((r) => r.name === 'pi-ai'))}\n`);
process.stdout.write(`RESULT ${JSON.stringify(await short(pi, 'setup'))}\n`);
