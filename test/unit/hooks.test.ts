import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireMatcher } from '../../hooks/cjs';
import { hookTargets } from '../../src/integrations/targets';
import { INTEGRATIONS } from '../../src/integrations/registry';

// The CJS prefilter decides which require() calls require-in-the-middle sees:
// a false negative would leave an SDK untraced, so every way an app or a
// package reaches a hooked module must pass.
describe('requireMatcher', () => {
  const targets = hookTargets(INTEGRATIONS);
  const packages = [...new Set(INTEGRATIONS.map((s) => s.packageName))];
  const mayMatch = requireMatcher(packages, targets);

  it('lets through bare ids of hooked packages and their subpaths', () => {
    expect(mayMatch('openai')).toBe(true);
    expect(mayMatch('openai/client')).toBe(true);
    expect(mayMatch('openai/resources/chat/completions')).toBe(true);
    expect(mayMatch('@anthropic-ai/sdk')).toBe(true);
    expect(mayMatch('@anthropic-ai/sdk/client')).toBe(true);
  });

  it('lets through a package requiring a hooked internal file relatively', () => {
    const inOpenAI = '/app/node_modules/openai';
    expect(mayMatch('./client', inOpenAI)).toBe(true);
    expect(mayMatch('./client.js', `${inOpenAI}/lib`)).toBe(true);
    expect(mayMatch('../client.cjs', `${inOpenAI}/resources`)).toBe(true);
  });

  it('keeps relative requires away unless they come from inside such a package', () => {
    expect(mayMatch('./client', '/app/src')).toBe(false);
    expect(mayMatch('./client')).toBe(false);
    expect(mayMatch('./index', '/app/node_modules/lodash')).toBe(false);
    expect(mayMatch('./util', '/app/node_modules/openai')).toBe(false);
  });

  it('lets through absolute paths into a hooked package', () => {
    expect(mayMatch('/app/node_modules/openai/index.js')).toBe(true);
    expect(mayMatch('/app/node_modules/@anthropic-ai/sdk/index.js')).toBe(true);
  });

  it('keeps everything else away from require-in-the-middle', () => {
    for (const id of ['openai-compat', 'openaix/client', 'node:fs', 'fs', 'lodash', './util', '../core/error.js', '/app/src/openai.js', '@anthropic-ai/sdk-extra']) {
      expect(mayMatch(id, '/app/src'), id).toBe(false);
    }
  });
});

describe('supportsSyncHooks', () => {
  it('knows the releases that fixed registerHooks for CommonJS sources (the table, on every Node)', async () => {
    const { registerHooksFixedIn } = await import('../../hooks/esm');
    const cases: Array<[string, boolean]> = [['20.20.2', false], ['22.15.0', false], ['22.22.2', false], ['22.22.3', true], ['23.11.0', false], ['24.11.0', false], ['24.11.1', true], ['24.21.0', true], ['25.0.0', false], ['25.1.0', true], ['26.0.0', true]];
    for (const [version, expected] of cases) expect(registerHooksFixedIn(version), version).toBe(expected);
  });

  // Node's real capability, not our table: a pass-through registerHooks load hook beside an off-thread
  // loader, importing a CommonJS file, is the case that threw ERR_INVALID_RETURN_PROPERTY_VALUE before the fix.
  it("matches what this Node really does with a pass-through load hook and a CommonJS file", async () => {
    const { supportsSyncHooks } = await import('../../hooks/esm');
    const dir = mkdtempSync(join(tmpdir(), 'sync-hooks-probe-'));
    try {
      writeFileSync(join(dir, 'dep.cjs'), 'module.exports = 1;\n');
      writeFileSync(join(dir, 'async-hooks.mjs'), 'export async function load(url, context, next) { return next(url, context); }\n');
      writeFileSync(
        join(dir, 'probe.mjs'),
        [
          "import * as m from 'node:module';",
          "if (typeof m.registerHooks !== 'function') { process.stdout.write('absent'); process.exit(0); }",
          'm.registerHooks({ load: (url, context, next) => next(url, context) });',
          "m.register(new URL('./async-hooks.mjs', import.meta.url).href);",
          "try { await import('./dep.cjs'); process.stdout.write('works'); } catch (e) { process.stdout.write(`broken ${e.code}`); }",
        ].join('\n'),
      );
      const out = execFileSync(process.execPath, ['--no-warnings', join(dir, 'probe.mjs')], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
      expect(supportsSyncHooks(), `this Node (${process.version}) answered '${out}'`).toBe(out === 'works');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
