// A CommonJS app loading pi-ai (ESM only) with import(), under --require.
(async () => {
  const pi = await import('@mariozechner/pi-ai');
  const { short } = await import('./pi-ai-scenario.mjs');
  process.stdout.write(`RESULT ${JSON.stringify(await short(pi, 'cjs'))}\n`);
})();
