import Module from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { transformSync } from 'esbuild';

/**
 * Unit tests import the TypeScript sources, but some of them `require()` a
 * sibling on first use (a patch's per-call code, a registry entry's patch) so
 * the build can put it in a file of its own. Node's `require` knows no
 * TypeScript: teach it, for this repository's sources only, with the same
 * esbuild the build uses. The required file is its own module instance, as
 * the lazily loaded file is in the built package.
 */
const extensions = (Module as unknown as { _extensions: Record<string, (m: { _compile(code: string, file: string): void }, file: string) => void> })._extensions;
const root = join(__dirname, '..', '..');
extensions['.ts'] ??= (module, filename) => {
  if (!filename.startsWith(root) || filename.includes('/node_modules/')) throw new Error(`no TypeScript loader for ${filename}`);
  const { code } = transformSync(readFileSync(filename, 'utf8'), { loader: 'ts', format: 'cjs', sourcefile: filename, target: 'node20' });
  module._compile(code, filename);
};
