import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Plugin } from 'esbuild';
import { findIntegration } from '../integrations/registry';
import { bundledSpecs, bundleTargets, isEsModule, packageVersion, tapStatements } from './bundle-tap';

/** The npm packages the agent traces, from the registry: what a bundler that cannot run this plugin (webpack, Next.js) should keep external. */
export { supportedPackages } from './bundle-tap';

/**
 * `@catalyst/tracing/esbuild`: the esbuild plugin for apps run bundled with
 * the preload (`node --import @catalyst/tracing/register bundle.mjs`).
 *
 * The SDKs stay in the bundle; each module the loader hooks would intercept
 * gets a call appended that hands its exports to the running agent
 * (bundle-tap.ts), so the bundled copy is patched as it initialises, exactly
 * as the installed one would be. `@catalyst/tracing` itself stays external: the
 * preload loads it from node_modules anyway, and one copy then serves both.
 * docs/bundlers.md says why this rather than marking the SDKs external.
 */
export interface CatalystEsbuildOptions {
  /** Integration names (or aliases) to leave alone: their SDKs are bundled untouched. */
  exclude?: readonly string[];
}

const NAMESPACE = 'catalyst-tracing';

export function catalyst(options: CatalystEsbuildOptions = {}): Plugin {
  const excluded = new Set(
    (options.exclude ?? []).map((name) => {
      const spec = findIntegration(name);
      if (!spec) throw new Error(`catalyst({ exclude }) names unknown integration "${name}"`);
      return spec.name;
    }),
  );
  return {
    name: NAMESPACE,
    setup(build) {
      const targets = bundleTargets(bundledSpecs().filter((s) => !excluded.has(s.name)));
      const warned = new Set<string>();
      const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      const packageAlternatives = targets.packages.map(escape).join('|');

      build.onResolve({ filter: /^@catalyst\/tracing(\/|$)/ }, (args) => ({ path: args.path, external: true }));

      // A package's main entry is known by the bare specifier that resolves to it.
      build.onResolve({ filter: new RegExp(`^(${packageAlternatives})$`) }, async (args) => {
        if (args.pluginData?.[NAMESPACE]) return undefined;
        const resolved = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { [NAMESPACE]: true } });
        if (resolved.errors.length === 0 && resolved.path) targets.entry(resolved.path, args.path);
        return undefined;
      });

      build.onLoad({ filter: new RegExp(`[\\\\/]node_modules[\\\\/](${packageAlternatives.replace(/\\\//g, '[\\\\/]')})[\\\\/].*\\.[cm]?js$`) }, async (args) => {
        const target = targets.target(args.path);
        if (!target) return undefined;
        const version = packageVersion(target.baseDir);
        const major = version === undefined ? undefined : Number.parseInt(version, 10);
        if (major !== undefined && !target.spec.supportedMajors.includes(major)) {
          if (warned.has(target.spec.name)) return undefined;
          warned.add(target.spec.name);
          return { warnings: [{ text: `${target.spec.packageName}@${version} is outside the supported majors (${target.spec.supportedMajors.join(', ')}); it is bundled untraced` }] };
        }
        const source = await readFile(args.path, 'utf8');
        return { contents: source + tapStatements(target, source, isEsModule(args.path, source), `./${basename(args.path)}`), loader: 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}

export default catalyst;
