import { createRequire } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The layers of docs/architecture.md, checked on the real import graph: madge
 * (a dependency analyser) reads every file under src/ and hooks/ and
 * register.ts, require() calls inside functions included (the lazily loaded
 * files are reached that way) and type-only imports left out (they vanish
 * from the build). A module may import its own layer or any lower rank; two
 * different layers of the same rank may not import each other. No circle.
 */
const root = join(__dirname, '..', '..');

interface MadgeResult {
  obj(): Record<string, string[]>;
  circular(): string[][];
}
type Madge = (paths: string[], config: Record<string, unknown>) => Promise<MadgeResult>;
const madge = createRequire(__filename)('madge') as Madge;

/** Highest first. The first rule a file matches is its layer; keep this table and docs/architecture.md in step. */
export const LAYERS: ReadonlyArray<{ layer: string; rank: number; files: RegExp }> = [
  // Public entries: the preload, the package root, each integration's and semconv's subpath, the CLI, the esbuild plugin.
  { layer: 'entries', rank: 8, files: /^(register\.ts|src\/index\.ts|src\/integrations\/[^/]+\/index\.ts|src\/semconv\/index\.ts|src\/cli\/.*|src\/bundlers\/esbuild\.ts)$/ },
  { layer: 'api', rank: 7, files: /^(src\/setup\.ts|src\/api\/.*)$/ },
  // What the bundler plugins add to a bundle (build time only): the registry's modules and the tap call for them.
  { layer: 'bundlers', rank: 7, files: /^src\/bundlers\/.*$/ },
  { layer: 'agent', rank: 6, files: /^src\/agent\.ts$/ },
  { layer: 'hooks', rank: 5, files: /^hooks\/.*$/ },
  { layer: 'integrations', rank: 4, files: /^src\/integrations\/.*$/ },
  { layer: 'export', rank: 4, files: /^src\/export\/.*$/ },
  { layer: 'instrumentation', rank: 3, files: /^src\/instrumentation\/.*$/ },
  { layer: 'trace', rank: 2, files: /^src\/trace\/.*$/ },
  { layer: 'state', rank: 1, files: /^src\/state\.ts$/ },
  { layer: 'config', rank: 1, files: /^src\/config\/.*$/ },
  { layer: 'semconv', rank: 0, files: /^src\/semconv\/.*$/ },
  { layer: 'diagnostics', rank: 0, files: /^src\/diagnostics\/.*$/ },
  { layer: 'store', rank: 0, files: /^src\/store\/.*$/ },
  { layer: 'version', rank: 0, files: /^(src\/version\.ts|package\.json)$/ },
  { layer: 'errors', rank: 0, files: /^src\/errors\.ts$/ },
];

function layerOf(file: string): { layer: string; rank: number } | undefined {
  return LAYERS.find((l) => l.files.test(file));
}

/** Why `from` may not import `to`, or undefined when it may. */
export function upwardImport(from: string, to: string): string | undefined {
  const a = layerOf(from);
  const b = layerOf(to);
  if (!a || !b) return `${!a ? from : to} is in no layer (add it to the table here and in docs/architecture.md)`;
  if (a.layer === b.layer || a.rank > b.rank) return undefined;
  return a.rank === b.rank ? `${a.layer} and ${b.layer} are separate layers of the same rank ${a.rank}` : `${a.layer} (${a.rank}) imports ${b.layer} (${b.rank}), a higher layer`;
}

export async function importGraph(paths: string[] = ['src', 'hooks', 'register.ts']): Promise<MadgeResult> {
  return madge(
    paths.map((p) => join(root, p)),
    {
      baseDir: root,
      fileExtensions: ['ts'],
      tsConfig: join(root, 'tsconfig.json'),
      // require() inside a function counts (lazy files); `import type` does not (erased at build).
      detectiveOptions: { ts: { skipTypeImports: true, mixedImports: true } },
    },
  );
}

describe('layers', () => {
  let graph: Record<string, string[]>;
  let circles: string[][];
  beforeAll(async () => {
    const result = await importGraph();
    graph = result.obj();
    circles = result.circular();
  }, 60_000);

  it('reads the whole tree, lazy require() calls included', () => {
    // A guard on the analyser itself: were it to miss files or require() calls, the checks below would pass vacuously.
    expect(Object.keys(graph).length).toBeGreaterThan(100);
    expect(graph['src/agent.ts']).toContain('src/export/pipeline.ts');
    expect(graph['src/integrations/registry.ts']).toContain('src/integrations/openai/patch.ts');
  });

  it('has no import circle', () => {
    expect(circles.map((c) => c.join(' > '))).toEqual([]);
  });

  it('imports only down the layers', () => {
    const wrong: string[] = [];
    for (const [from, deps] of Object.entries(graph)) {
      for (const to of deps) {
        const why = upwardImport(from, to);
        if (why) wrong.push(`${from} -> ${to}: ${why}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('reaches an integration\'s calls.ts only through its patch.ts, inside the lazily loaded code', () => {
    // The build gives calls.ts a file of its own and turns patch.ts's import of it into a require() of that
    // file; any other module reached from patch.ts that imported calls.ts would put a second copy in the patch file.
    const wrong: string[] = [];
    for (const calls of Object.keys(graph).filter((f) => /^src\/integrations\/[^/]+\/calls\.ts$/.test(f))) {
      const patch = calls.replace(/calls\.ts$/, 'patch.ts');
      const seen = new Set<string>();
      const queue = [patch];
      while (queue.length) {
        const file = queue.pop()!;
        if (seen.has(file) || file === calls) continue;
        seen.add(file);
        for (const dep of graph[file] ?? []) {
          if (dep === calls && file !== patch) wrong.push(`${file} -> ${calls}`);
          queue.push(dep);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('places every file in a layer', () => {
    expect(Object.keys(graph).filter((f) => !layerOf(f))).toEqual([]);
  });
});

describe('upwardImport', () => {
  it('allows down and same-layer imports, refuses up and across', () => {
    expect(upwardImport('src/agent.ts', 'hooks/cjs.ts')).toBeUndefined();
    expect(upwardImport('src/integrations/openai/patch.ts', 'src/integrations/shape.ts')).toBeUndefined();
    expect(upwardImport('src/trace/write.ts', 'src/agent.ts')).toMatch(/higher layer/);
    expect(upwardImport('src/integrations/shape.ts', 'src/export/pipeline.ts')).toMatch(/same rank/);
    expect(upwardImport('src/state.ts', 'src/config/types.ts')).toMatch(/same rank/);
  });
});
