import { describe, expect, it } from 'vitest';
import { initialize, resolve, load } from '../../hooks/esm-loader';
import { exportedLocals } from '../../hooks/tap';

// The off-thread loader's source tap: what it appends, and to which modules.
// A module it should not touch must come back byte for byte.
const NM = 'file:///app/node_modules';
const next = (source: string, format = 'module') => async (url: string) => ({ url, format, source });

describe('the off-thread source tap', () => {
  it('taps a package entry imported by its bare name, and an internal file the registry names by path', async () => {
    await initialize({ include: ['openai', '@langchain/core/dist/callbacks/manager'], packages: ['openai', '@langchain/core'], tapKey: 'test.tap' });
    await resolve('openai', {}, async () => ({ url: `${NM}/openai/index.mjs` }));

    const entry = await load(`${NM}/openai/index.mjs`, {}, next('export const a = 1;'));
    expect(entry.source).toContain('export const a = 1;');
    expect(entry.source).toContain(`import * as __catalystTapNamespace from "${NM}/openai/index.mjs"`);
    expect(entry.source).toContain('Symbol.for("test.tap")');
    expect(entry.source).toContain('"openai", __catalystTapNamespace, "/app/node_modules/openai"');

    const manager = await load(`${NM}/@langchain/core/dist/callbacks/manager.js`, {}, next('export class CallbackManager {}'));
    expect(manager.source).toContain('"@langchain/core/dist/callbacks/manager", __catalystTapNamespace, "/app/node_modules/@langchain/core"');
  });

  it('taps a main entry imported by its name from a folder of another name (an npm alias)', async () => {
    await initialize({ include: ['openai'], packages: ['openai'], tapKey: 'test.tap' });
    await resolve('openai', {}, async () => ({ url: `${NM}/openai-v6/index.mjs` }));
    const entry = await load(`${NM}/openai-v6/index.mjs`, {}, next('export {};'));
    expect(entry.source).toContain('"openai", __catalystTapNamespace, "/app/node_modules/openai-v6"');
    // Its other files are named by path, which is not the registry's: left alone.
    expect((await load(`${NM}/openai-v6/client.mjs`, {}, next('export {};'))).source).toBe('export {};');
  });

  it('leaves every other module, and CommonJS, exactly as loaded', async () => {
    await initialize({ include: ['openai'], packages: ['openai'], tapKey: 'test.tap' });
    for (const url of [`${NM}/openai/core/error.mjs`, `${NM}/openai-compat/index.mjs`, 'file:///app/src/openai/index.mjs', 'node:fs']) {
      const out = await load(url, {}, next('export {};'));
      expect(out.source, url).toBe('export {};');
    }
    await resolve('openai', {}, async () => ({ url: `${NM}/openai/index.js` }));
    const cjs = await load(`${NM}/openai/index.js`, {}, next('module.exports = {};', 'commonjs'));
    expect(cjs.source).toBe('module.exports = {};');
  });

  it('the appended code hands over the namespace and never throws into the module', async () => {
    await initialize({ include: ['pkg'], packages: ['pkg'], tapKey: 'test.tap.run' });
    await resolve('pkg', {}, async () => ({ url: `${NM}/pkg/index.mjs` }));
    const { source } = await load(`${NM}/pkg/index.mjs`, {}, next(''));
    const statements = (source as string).replace(/^\n;import \* as (\w+) from .*;$/m, 'const $1 = { Client: class {} };');
    const seen: unknown[] = [];
    const g = globalThis as Record<symbol, unknown>;
    g[Symbol.for('test.tap.run')] = (name: string, ns: { Client: unknown }) => seen.push(name, typeof ns.Client);
    new Function(statements)();
    expect(seen).toEqual(['pkg', 'function']);
    g[Symbol.for('test.tap.run')] = () => {
      throw new Error('agent bug');
    };
    expect(() => new Function(statements)()).not.toThrow();
    delete g[Symbol.for('test.tap.run')];
  });

  it('hands over the module-private bindings a registry entry names, instead of the namespace', async () => {
    await initialize({ include: ['pkg/dist/registry'], packages: ['pkg'], tapKey: 'test.tap.locals', locals: { 'pkg/dist/registry': ['registry', 'gone', 'not valid'] } });
    const { source } = await load(`${NM}/pkg/dist/registry.js`, {}, next('const registry = new Map();'));
    expect(source).not.toContain('__catalystTapNamespace');
    expect(source).not.toContain('not valid');
    const seen: unknown[] = [];
    const g = globalThis as Record<symbol, unknown>;
    g[Symbol.for('test.tap.locals')] = (name: string, locals: Record<string, unknown>, baseDir: string) => seen.push(name, locals.registry instanceof Map, 'gone' in locals, locals.gone, baseDir);
    new Function(source as string)();
    expect(seen).toEqual(['pkg/dist/registry', true, true, undefined, '/app/node_modules/pkg']);
    delete g[Symbol.for('test.tap.locals')];
  });
});

// The in-thread hooks: a load hook exists only while a module the registry
// names is resolved but not loaded, because any registered load hook makes
// Node decode every module's source in JavaScript.
describe('the in-thread source tap (module.registerHooks)', () => {
  type Hooks = { resolve?: (...a: any[]) => any; load?: (...a: any[]) => any };
  function fakeRegistry() {
    const live: Hooks[] = [];
    const registerHooks = (hooks: Hooks) => {
      live.push(hooks);
      return { deregister: () => live.splice(live.indexOf(hooks), 1) };
    };
    const loadHook = () => live.find((h) => h.load)?.load;
    return { live, registerHooks, loadHook };
  }
  const resolved = (url: string) => () => ({ url });
  const loaded = (source: string) => () => ({ format: 'module', source });

  it('registers a load hook for a named module only, taps it, then removes the load hook', async () => {
    const { createSyncHooks } = await import('../../hooks/tap');
    const reg = fakeRegistry();
    const hooks = createSyncHooks({ include: ['openai', 'openai/client'], packages: ['openai'], tapKey: 'test.sync' }, reg.registerHooks);
    expect(Object.keys(hooks)).toEqual(['resolve']);

    hooks.resolve('./util.mjs', {}, resolved('file:///app/src/util.mjs'));
    hooks.resolve('zod', {}, resolved(`${NM}/zod/index.mjs`));
    expect(reg.loadHook()).toBeUndefined();

    hooks.resolve('openai', {}, resolved(`${NM}/openai/index.mjs`));
    hooks.resolve('./client.mjs', {}, resolved(`${NM}/openai/client.mjs`));
    const load = reg.loadHook()!;
    expect(load).toBeTypeOf('function');
    expect(reg.live.filter((h) => h.load)).toHaveLength(1);

    // A module loaded while the hook is there, but not named, passes through untouched.
    expect(load(`${NM}/openai/core/error.mjs`, {}, loaded('export {};')).source).toBe('export {};');
    expect(load(`${NM}/openai/index.mjs`, {}, loaded('export {};')).source).toContain('"openai", __catalystTapNamespace');
    expect(reg.loadHook()).toBe(load);
    expect(load(`${NM}/openai/client.mjs`, {}, loaded('export {};')).source).toContain('"openai/client", __catalystTapNamespace');
    expect(reg.loadHook()).toBeUndefined();

    // Resolving an already tapped module again (a second import of it) does not bring the load hook back.
    hooks.resolve('openai', {}, resolved(`${NM}/openai/index.mjs`));
    expect(reg.loadHook()).toBeUndefined();
  });

  it('for a module with bindings to replace, hands over a getter and a setter of the local binding behind the export', async () => {
    await initialize({ include: ['sdk'], packages: ['sdk'], tapKey: 'test.tap.rebind', rebind: { sdk: ['query'] } });
    await resolve('sdk', {}, async () => ({ url: `${NM}/sdk/sdk.mjs` }));
    const body = 'function ytt(p){return "real:"+p}function tool(){}\nexport{tool,ytt as query};';
    const { source } = await load(`${NM}/sdk/sdk.mjs`, {}, next(body));
    // Run it as a script: the export statement and the namespace import swapped for plain code.
    const script = (source as string)
      .replace('export{tool,ytt as query};', 'const exported = () => ({ query: ytt });')
      .replace(/^;import \* as (\w+) from .*;$/m, 'const $1 = {};');
    const g = globalThis as Record<symbol, unknown>;
    g[Symbol.for('test.tap.rebind')] = (_name: string, _ns: unknown, _dir: string, bindings: Record<string, [() => any, (v: unknown) => void]>) => {
      const [get, set] = bindings.query;
      const original = get();
      set((p: string) => `traced ${original(p)}`);
    };
    const exported = new Function(`${script}; return exported();`)() as { query: (p: string) => string };
    delete g[Symbol.for('test.tap.rebind')];
    expect(exported.query('x')).toBe('traced real:x');
    // A module not named for rebinding gets the plain three-argument call.
    await initialize({ include: ['sdk'], packages: ['sdk'], tapKey: 'test.tap.rebind' });
    await resolve('sdk', {}, async () => ({ url: `${NM}/sdk/sdk.mjs` }));
    expect((await load(`${NM}/sdk/sdk.mjs`, {}, next(body))).source).toContain('"/app/node_modules/sdk")');
  });

  it('appends to source bytes as bytes (as Node hands them over), and reads the text only to rebind', async () => {
    const bytes = (text: string) => async (url: string) => ({ url, format: 'module', source: new TextEncoder().encode(text) });
    const text = (source: unknown) => new TextDecoder().decode(source as Uint8Array);
    await initialize({ include: ['openai'], packages: ['openai'], tapKey: 'test.tap.bytes' });
    await resolve('openai', {}, async () => ({ url: `${NM}/openai/index.mjs` }));
    const plain = await load(`${NM}/openai/index.mjs`, {}, bytes('export const é = 1;'));
    expect(typeof plain.source).not.toBe('string');
    expect(text(plain.source)).toMatch(/^export const é = 1;\n;import \* as __catalystTapNamespace from .*\n.*"openai", __catalystTapNamespace, "\/app\/node_modules\/openai"\)/);
    // An ArrayBuffer (a load hook may return one) is read whole, the same way.
    const buffer = await load(`${NM}/openai/index.mjs`, {}, async (url: string) => ({ url, format: 'module', source: new TextEncoder().encode('export {};').buffer }));
    expect(text(buffer.source)).toMatch(/^export \{\};\n;import \* as __catalystTapNamespace/);

    await initialize({ include: ['sdk'], packages: ['sdk'], tapKey: 'test.tap.bytes', rebind: { sdk: ['query'] } });
    await resolve('sdk', {}, async () => ({ url: `${NM}/sdk/sdk.mjs` }));
    const rebound = await load(`${NM}/sdk/sdk.mjs`, {}, bytes('function ytt(){}\nexport{ytt as query};'));
    expect(text(rebound.source)).toContain('{ "query": [() => ytt, (v) => { ytt = v; }] }');
  });

  it('finds the local name behind an export, and never offers a reserved word or a name it cannot see', () => {
    expect(exportedLocals('function a(){}\nexport { a as query, b };', ['query'])).toEqual(new Map([['query', 'a']]));
    expect(exportedLocals('export async function query(x) {}', ['query'])).toEqual(new Map([['query', 'query']]));
    expect(exportedLocals('export { x as query };\nconst s = "export{default as query}"; export {y as query}', ['query'])).toEqual(new Map([['query', 'y']]));
    expect(exportedLocals('export { default as query } from "./x";', ['query'])).toEqual(new Map());
    expect(exportedLocals('export const query = 1;', ['query'])).toEqual(new Map());
  });
});
