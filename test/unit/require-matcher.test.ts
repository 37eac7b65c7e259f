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
    expect(mayMatch('./client')).toBe(true);
    expect(mayMatch('./client.js')).toBe(true);
    expect(mayMatch('../client.cjs')).toBe(true);
  });

  it('lets through absolute paths into a hooked package', () => {
    expect(mayMatch('/app/node_modules/openai/index.js')).toBe(true);
    expect(mayMatch('/app/node_modules/@anthropic-ai/sdk/index.js')).toBe(true);
  });

  it('keeps everything else away from require-in-the-middle', () => {
    for (const id of ['openai-compat', 'openaix/client', 'node:fs', 'fs', 'lodash', './util', '../core/error.js', '/app/src/openai.js', '@anthropic-ai/sdk-extra']) {
      expect(mayMatch(id), id).toBe(false);
    }
  });
});
