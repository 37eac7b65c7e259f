// Older majors of `openai` (the registry lists 5, 6 and 7): the same scenario
// the openai 7 suite runs, under the preload, in ESM and CJS, against a copy
// of the older SDK installed as `node_modules/openai` beside a copy of the
// apps, exactly where an app of that version would have it. openai 6 is a
// devDependency under an alias (`openai-v6`); 5 is not installed (its optional
// zod 3 peer conflicts with the zod 4 the AI SDK needs).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPS, ROOT, TAGS, startHarness, tagOf, tagged } from './openai-harness.mjs';

const MAJORS = [{ major: 6, pkg: 'openai-v6' }];

/** A folder with the apps and `node_modules/openai` = the aliased package (hard links where the disk allows). */
function appFolder(major, pkg) {
  const dir = join(ROOT, '.cache/openai-majors', `v${major}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  const from = join(ROOT, 'node_modules', pkg);
  const to = join(dir, 'node_modules/openai');
  try {
    execFileSync('cp', ['-al', from, to]);
  } catch {
    rmSync(to, { recursive: true, force: true });
    cpSync(from, to, { recursive: true });
  }
  for (const app of ['openai-esm.mjs', 'openai-cjs.cjs', 'openai-scenario.cjs']) cpSync(join(APPS, app), join(dir, app));
  return dir;
}

/** @type {Awaited<ReturnType<typeof startHarness>>} */
let h;
beforeAll(async () => {
  h = await startHarness('majors');
});
afterAll(() => h?.close());

describe.each(MAJORS)('openai $major', ({ major, pkg }) => {
  let dir = '';
  beforeAll(() => {
    dir = appFolder(major, pkg);
  });

  it('the copy is the major under test', () => {
    const version = JSON.parse(readFileSync(join(dir, 'node_modules/openai/package.json'), 'utf8')).version;
    expect(Number(version.split('.')[0])).toBe(major);
    expect(existsSync(join(dir, 'openai-scenario.cjs'))).toBe(true);
  });

  describe.each([
    ['ESM app, --import', 'openai-esm.mjs', /** @type {const} */ ('import')],
    ['CJS app, --require', 'openai-cjs.cjs', /** @type {const} */ ('require')],
  ])('%s', (_label, app, preload) => {
    it('every call traced once, results and stream chunks exactly as without the agent', async () => {
      const baseline = await h.runApp(join(dir, app), { preload: 'none' });
      const traced = await h.runApp(join(dir, app), { preload, spans: TAGS.length, env: { CATALYST_DEBUG: 'true' } });
      expect(baseline.spans).toHaveLength(0);
      expect(traced.line('RESULT')).toEqual(baseline.line('RESULT'));
      expect(traced.line('CHUNKS')).toEqual(baseline.line('CHUNKS'));
      const version = JSON.parse(readFileSync(join(dir, 'node_modules/openai/package.json'), 'utf8')).version;
      expect(traced.stderr).toMatch(new RegExp(`openai@${version.replaceAll('.', '\\.')}: [1-9] method\\(s\\) wrapped`));
      expect(traced.spans.map(tagOf).sort()).toEqual([...TAGS].sort());
      const plain = tagged(traced.spans, 'plain')[0];
      expect(plain.attributes['llm.model_name']).toBeTypeOf('string');
      expect(plain.attributes['llm.token_count.total']).toBeGreaterThan(0);
      expect(tagged(traced.spans, 'embeddings')[0].attributes['openinference.span.kind']).toBe('EMBEDDING');
    });
  });
});
