// The peer, ESM: `node --import ./peer-register.mjs app.mjs`, as OpenTelemetry
// documents ESM support: register import-in-the-middle's loader (no include
// list, so every module goes through it), then start the SDK.
//
// Caveat, measured: this set-up costs start-up time but traces nothing on ESM.
// The instrumentations depend on @opentelemetry/instrumentation 0.46, which
// brings its own import-in-the-middle 1.7; its Hook only sees modules wrapped by
// the loader of the same copy, and that copy's loader fails on
// @anthropic-ai/sdk 1.x (`export * as` in resources/index.mjs: SyntaxError).
// So the loader registered is the project's import-in-the-middle 3.6, which
// loads the app, and the peer's per-call figures are taken on CJS.
import { createRequire, register } from 'node:module';

register('import-in-the-middle/hook.mjs', import.meta.url);
createRequire(import.meta.url)('./peer-sdk.cjs');
