/**
 * What untraced-requests.ts asks when a provider request goes out, in a file
 * of its own: it runs from dist/core.js, which may not load dist/core-trace.js
 * itself, so the build makes this a lazy file (dist/lazy-traced-call-check.js)
 * that does, once a traced call has loaded it anyway.
 */
export { inTracedCall } from '../trace/traced-call';
