import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { esModuleFiles } from '../../hooks/bun';
import type { TapData } from '../../hooks/tap';

// Under Bun the plugin's filter may match only the ES module form of each
// registry module: a CommonJS file returned by onLoad loses its exports
// (oven-sh/bun#39786), and onLoad cannot pass a file on. These layouts are
// the ones the registry's packages ship.
describe('esModuleFiles (Bun)', () => {
  const root = mkdtempSync(join(tmpdir(), 'catalyst-bun-hook-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const file = (path: string, text = ''): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const json = (path: string, value: object): void => file(path, JSON.stringify(value));

  // openai / @anthropic-ai/sdk: a CommonJS package with .mjs twins.
  json('app/node_modules/dual/package.json', { name: 'dual', type: 'commonjs', exports: { '.': { require: './index.js', default: './index.mjs' } } });
  for (const f of ['index.js', 'index.mjs', 'client.js', 'client.mjs']) file(`app/node_modules/dual/${f}`);
  // @langchain/core: "type": "module", ES modules as .js, CommonJS as .cjs.
  json('app/node_modules/@scope/typed/package.json', { name: '@scope/typed', type: 'module' });
  for (const f of ['dist/index.js', 'dist/index.cjs', 'dist/callbacks/manager.js', 'dist/callbacks/manager.cjs']) file(`app/node_modules/@scope/typed/${f}`);
  // A CommonJS build in a folder whose own package.json says so, inside a "module" package.
  json('app/node_modules/nested/package.json', { name: 'nested', type: 'module' });
  json('app/node_modules/nested/cjs/package.json', { type: 'commonjs' });
  file('app/node_modules/nested/cjs/entry.js');
  // A CommonJS-only package (elevenlabs-js): nothing for the ES module side.
  json('app/node_modules/cjs-only/package.json', { name: 'cjs-only' });
  file('app/node_modules/cjs-only/index.js');
  file('app/node_modules/cjs-only/deep/File.js');
  // Hoisted above the app's folder, as in a workspace.
  json('node_modules/hoisted/package.json', { name: 'hoisted', type: 'module' });
  file('node_modules/hoisted/main.js');

  const entries: Record<string, string> = {
    dual: 'app/node_modules/dual/index.mjs',
    '@scope/typed': 'app/node_modules/@scope/typed/dist/index.js',
    nested: 'app/node_modules/nested/cjs/entry.js',
    'cjs-only': 'app/node_modules/cjs-only/index.js',
    hoisted: 'node_modules/hoisted/main.js',
  };
  const bun = {
    resolveSync: (specifier: string): string => {
      if (!entries[specifier]) throw new Error(`Cannot find package '${specifier}'`);
      return join(root, entries[specifier]);
    },
  };
  const data = (include: string[]): TapData => ({ include, packages: [...new Set(include.map((n) => (n.startsWith('@') ? n.split('/').slice(0, 2) : n.split('/').slice(0, 1)).join('/')))], tapKey: 'k' });

  it('takes the .mjs twin of a CommonJS package, main entry and files alike, never its .js', () => {
    const files = esModuleFiles(data(['dual', 'dual/client']), [join(root, 'app')], bun);
    expect(Object.fromEntries(files)).toEqual({
      'dual/index.mjs': { name: 'dual', packageName: 'dual' },
      'dual/client.mjs': { name: 'dual/client', packageName: 'dual' },
    });
  });

  it('takes .js files under "type": "module", and no .cjs', () => {
    const files = esModuleFiles(data(['@scope/typed', '@scope/typed/dist/callbacks/manager']), [join(root, 'app')], bun);
    expect([...files.keys()]).toEqual(['@scope/typed/dist/index.js', '@scope/typed/dist/callbacks/manager.js']);
  });

  it('leaves out CommonJS files, by the nearest package.json, and packages with no ES module form', () => {
    expect([...esModuleFiles(data(['nested', 'cjs-only', 'cjs-only/deep/File']), [join(root, 'app')], bun).keys()]).toEqual([]);
  });

  it('finds a package hoisted above the app folder; nothing for a package that is not installed', () => {
    expect([...esModuleFiles(data(['hoisted', 'absent', '@scope/absent/x']), [join(root, 'app')], bun).keys()]).toEqual(['hoisted/main.js']);
  });
});
