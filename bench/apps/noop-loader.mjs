// The off-thread loader's own cost: `node --import ./noop-loader.mjs app`
// registers a resolve hook that only passes every request on. On Node < 22.15
// this is what any ESM-intercepting agent pays before doing anything.
import { register } from 'node:module';

register('./noop-hooks.mjs', import.meta.url);
