// The floor (floor-core.cjs), ES module face: `node --import ./floor-register.mjs app.mjs`,
// wrapping the ESM build of openai that an ES module app imports.
import { createRequire } from 'node:module';
import OpenAI from 'openai';

createRequire(import.meta.url)('./floor-core.cjs').installFloor(OpenAI);
