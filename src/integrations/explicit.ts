/**
 * The openai and anthropic subpath entries still import patchClass from here;
 * it lives in src/api/explicit.ts (it starts the agent, a layer above the
 * integrations). This file is in the entries layer of test/unit/layers.test.ts
 * until those two import ../../api/explicit directly; then it goes.
 */
export { patchClass } from '../api/explicit';
