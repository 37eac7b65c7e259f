import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';

// The published subpath resolves through package.json exports (self-reference), in CJS and ESM.
describe('@catalyst/tracing/semconv', () => {
  const dist = process.env.CATALYST_TEST_DIST;
  it.skipIf(!dist)('exports Attr and SpanKindValues with OpenInference wire values (needs the built dist: npm test sets it)', () => {
    const cjs = execFileSync(process.execPath, ['-e', `const s=require(${JSON.stringify(`${dist}/semconv.js`)});console.log(s.Attr.SESSION_ID, s.SpanKindValues.AGENT)`]).toString().trim();
    expect(cjs).toBe('session.id AGENT');
    const esm = execFileSync(process.execPath, ['--input-type=module', '-e', `import {Attr,SpanKindValues} from ${JSON.stringify(`${dist}/esm/semconv.mjs`)};console.log(Attr.TOKEN_COUNT_TOTAL, SpanKindValues.TOOL)`]).toString().trim();
    expect(esm).toBe('llm.token_count.total TOOL');
  });
});
