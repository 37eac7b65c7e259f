import { describe, expect, it } from 'vitest';
import { bundleTargets, supportedPackages, tapStatements } from '../../src/bundlers/bundle-tap';
import { isProviderPath } from '../../src/instrumentation/untraced-requests';
import { INTEGRATIONS } from '../../src/integrations/registry';

describe('isProviderPath: the model APIs the untraced-request hint watches', () => {
  it.each([
    ['/v1/chat/completions', true],
    ['/v1/chat/completions?api-version=1', true],
    ['/openai/v1/responses', true],
    ['/v1/messages?beta=true', true],
    ['/v1/messages/count_tokens', false],
    ['/v1/responses/resp_123', false],
    ['/v1/traces', false],
    ['/api/messages', false],
    ['/', false],
    ['', false],
  ])('%s -> %s', (path, expected) => {
    expect(isProviderPath(path)).toBe(expected);
  });
});

describe('bundleTargets: the registry modules among the files a bundler loads', () => {
  it('knows a file by its path in the package, a main entry by the specifier that resolved to it', () => {
    const t = bundleTargets();
    expect(t.target('/app/node_modules/openai/client.mjs')?.name).toBe('openai/client');
    expect(t.target('/app/node_modules/openai/index.mjs')).toBeUndefined();
    t.entry('/app/node_modules/openai/index.mjs', 'openai');
    expect(t.target('/app/node_modules/openai/index.mjs')).toMatchObject({ name: 'openai', baseDir: '/app/node_modules/openai' });
    expect(t.target('/app/node_modules/.pnpm/@langchain+core@1.4.0/node_modules/@langchain/core/dist/callbacks/manager.cjs')).toMatchObject({
      name: '@langchain/core/dist/callbacks/manager',
      baseDir: '/app/node_modules/.pnpm/@langchain+core@1.4.0/node_modules/@langchain/core',
    });
    expect(t.target('C:\\app\\node_modules\\openai\\client.js')).toMatchObject({ name: 'openai/client', baseDir: 'C:\\app\\node_modules\\openai' });
    expect(t.target('/app/node_modules/openai/resources/chat.mjs')).toBeUndefined();
    expect(t.target('/app/src/openai/client.mjs')).toBeUndefined();
  });

  it('supportedPackages is the registry, less the integrations that name no module file (a builtin patched at load, a framework that bundles itself)', () => {
    expect(supportedPackages()).toEqual([...new Set(INTEGRATIONS.filter((s) => !s.builtin && s.files.length > 0).map((s) => s.packageName))]);
    expect(supportedPackages()).not.toContain('eve');
    expect(supportedPackages()).toContain('@livekit/agents');
  });
});

describe('tapStatements', () => {
  const spec = (name: string) => INTEGRATIONS.find((s) => s.name === name)!;
  it('a CommonJS module hands over module.exports; an ES module its own namespace', () => {
    const target = { spec: spec('openai'), name: 'openai/client', baseDir: '/x' };
    expect(tapStatements(target, '', false, './client.js')).toContain('("openai/client", module.exports, undefined)');
    expect(tapStatements(target, '', true, './client.mjs')).toMatch(/import \* as __catalystTapNamespace from "\.\/client\.mjs";[\s\S]*\("openai\/client", __catalystTapNamespace, undefined\)/);
  });

  it('locals and rebind as the source tap hands them over', () => {
    const piAi = { spec: spec('pi-ai'), name: '@mariozechner/pi-ai/dist/api-registry', baseDir: '/x' };
    expect(tapStatements(piAi, '', true, './api-registry.js')).toContain('apiProviderRegistry: typeof apiProviderRegistry === "undefined" ? undefined : apiProviderRegistry');
    const claude = { spec: spec('claude-agent-sdk'), name: '@anthropic-ai/claude-agent-sdk', baseDir: '/x' };
    expect(tapStatements(claude, 'function q1(){}\nexport { q1 as query };', true, './sdk.mjs')).toContain('"query": [() => q1, (v) => { q1 = v; }]');
  });
});
