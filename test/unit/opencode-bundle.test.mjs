// The OpenCode plugin is one self-contained ES module: OpenCode's Bun imports it
// by path, so it may import nothing but builtins, and must hold none of the
// agent's loader hooks; and OpenCode calls every function a plugin module
// exports, so it exports the plugin and nothing else.
import { readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const dist = process.env.CATALYST_TEST_DIST ?? join(__dirname, '../../dist');
const file = join(dist, 'opencode.mjs');

describe('dist/opencode.mjs', () => {
  it('imports only builtins and requires no file of dist/ (no shared core, no loader hooks)', () => {
    const code = readFileSync(file, 'utf8');
    const imports = [...code.matchAll(/^\s*import\s[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1]);
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((s) => !s.startsWith('node:') && !builtinModules.includes(s))).toEqual([]);
    expect(code).not.toMatch(/require\(["']\.{1,2}\//);
    expect(code).not.toMatch(/\b(installCjsHook|installEsmHook|startAgent)\b/);
    expect(statSync(file).size).toBeLessThan(400 * 1024);
  });

  it('exports the plugin as OpenCode reads it: `{ id, server }` by default, and the function itself', async () => {
    const mod = await import(pathToFileURL(file).href);
    expect(Object.keys(mod).sort()).toEqual(['CatalystTracing', 'default']);
    expect(mod.default.id).toBe('@catalyst/tracing');
    expect(mod.default.server).toBe(mod.CatalystTracing);
    expect(typeof mod.CatalystTracing).toBe('function');
  });
});
