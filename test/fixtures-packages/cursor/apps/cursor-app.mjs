// The Cursor SDK's ESM build, run by test/integration/cursor-sdk.test.mjs. GLOBAL picks who owns the
// global tracer provider: unset (nobody, as usual), `app` (the app registers one of its own and prints the
// names of the spans it got), `ours` (our pipeline's provider is made global, as another integration
// might). EXPLICIT: no preload; instrumentCursorSdk(namespace) from the subpath.
import * as sdk from '@cursor/sdk';
import { registerGlobal } from './global-provider.mjs';

if (process.env.EXPLICIT) {
  const { instrumentCursorSdk } = await import(`${process.env.CATALYST_DIST}/esm/cursor-sdk.mjs`);
  if (!instrumentCursorSdk(sdk)) throw new Error('instrumentCursorSdk did not patch');
}
const appSpans = await registerGlobal(process.env.GLOBAL);
const runAll = (await import('./runs.cjs')).default;
const out = await runAll(sdk);
if (appSpans) out.appSpans = [...new Set(appSpans())].sort();
process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
