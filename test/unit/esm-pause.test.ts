import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { registerResolveHookOutsidePackages } from '../../hooks/esm-pause';

// The in-thread resolve hook steps aside while a package requires its own
// files (Node sends every require() through any registered resolve hook),
// and is back for anything that may load an ES module.
const proto = Module.prototype as unknown as { require: unknown };
const nodeRequire = proto.require;
const dir = mkdtempSync(join(tmpdir(), 'catalyst-esm-pause-'));
afterAll(() => {
  proto.require = nodeRequire;
  rmSync(dir, { recursive: true, force: true });
});

function write(file: string, source: string): void {
  mkdirSync(join(dir, file, '..'), { recursive: true });
  writeFileSync(join(dir, file), source);
}

describe('registerResolveHookOutsidePackages', () => {
  it('is registered, except during a package’s relative require()s; a bare id inside brings it back', () => {
    let live = 0;
    const registerHooks = () => {
      live++;
      let gone = false;
      return { deregister: () => void (gone ? undefined : ((gone = true), live--)) };
    };
    const seen: Record<string, number> = {};
    (globalThis as Record<string, unknown>).__pauseSeen = (name: string) => (seen[name] = live);
    write('node_modules/sdk/index.js', "__pauseSeen('sdk'); require('node:fs'); module.exports = require('./core/client');");
    write('node_modules/sdk/core/client.js', "__pauseSeen('sdk/core/client'); require('./util'); require('dep'); __pauseSeen('sdk/core/client after dep');");
    write('node_modules/sdk/core/util.js', "__pauseSeen('sdk/core/util');");
    write('node_modules/dep/index.js', "__pauseSeen('dep'); require('./lib');");
    write('node_modules/dep/lib.js', "__pauseSeen('dep/lib');");
    write('app/main.js', "__pauseSeen('app'); require('./local'); require('sdk');");
    write('app/local.js', "__pauseSeen('app/local');");

    registerResolveHookOutsidePackages(() => undefined, registerHooks);
    expect(live).toBe(1);
    createRequire(join(dir, 'app/main.js'))('./main.js');

    expect(seen).toEqual({
      app: 1,
      'app/local': 1, // the app's own files: it may be an ES module app requiring CommonJS
      sdk: 1, // a package by its name: it may be an ES module (require(esm))
      'sdk/core/client': 0, // a package's own files: CommonJS, no hook
      'sdk/core/util': 0,
      dep: 1, // another package, required from inside one
      'dep/lib': 0,
      'sdk/core/client after dep': 0,
    });
    expect(live).toBe(1);
  });

  it('puts the hook back when a require() throws', () => {
    write('node_modules/bad/index.js', "require('./missing');");
    const before = (() => {
      let n = 0;
      return {
        registerHooks: () => {
          n++;
          return { deregister: () => void n-- };
        },
        count: () => n,
      };
    })();
    proto.require = nodeRequire;
    registerResolveHookOutsidePackages(() => undefined, before.registerHooks);
    expect(() => createRequire(join(dir, 'app/main.js'))('bad')).toThrow(/missing/);
    expect(before.count()).toBe(1);
  });
});
