// The trace viewer's page (src/cli/ui/app): one script, one stylesheet and the
// HTML, minified into dist/ui, with Preact bundled in. Nothing is loaded from
// anywhere else at run time. Prints the gzipped size of what a browser loads.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

export async function buildUi(root, dist) {
  const out = join(dist, 'ui');
  mkdirSync(out, { recursive: true });
  const app = join(root, 'src/cli/ui/app');
  await build({
    absWorkingDir: root,
    entryPoints: [join(app, 'main.tsx')],
    outfile: join(out, 'app.js'),
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  await build({ absWorkingDir: root, entryPoints: [join(app, 'app.css')], outfile: join(out, 'app.css'), bundle: true, minify: true, logLevel: 'warning' });
  copyFileSync(join(app, 'index.html'), join(out, 'index.html'));
  const gz = ['index.html', 'app.js', 'app.css'].reduce((n, f) => n + gzipSync(readFileSync(join(out, f)), { level: 9 }).length, 0);
  return { gzipBytes: gz };
}
