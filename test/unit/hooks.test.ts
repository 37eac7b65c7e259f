import { describe, expect, it } from 'vitest';
import { requireMatcher } from '../../hooks/cjs';
import { hookTargets } from '../../hooks/targets';
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
  it('is true only from the releases that fixed registerHooks for CommonJS sources', async () => {
    const { supportsSyncHooks } = await import('../../hooks/esm');
    const hasRegisterHooks = typeof (await import('node:module') as { registerHooks?: unknown }).registerHooks === 'function';
    const cases: Array<[string, boolean]> = [['20.20.2', false], ['22.15.0', false], ['22.22.2', false], ['22.22.3', true], ['23.11.0', false], ['24.11.0', false], ['24.11.1', true], ['24.21.0', true], ['25.0.0', false], ['25.1.0', true], ['26.0.0', true]];
    for (const [version, expected] of cases) expect(supportsSyncHooks(version), version).toBe(hasRegisterHooks && expected);
  });
});
