import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '../..');

/**
 * What the published package holds: the docs a stderr line points to must be
 * in it (a user reading node_modules/@catalyst/tracing/docs/...), and nothing
 * heavy that only the repository needs.
 */
describe('the published files', () => {
  const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as { files: { path: string }[] }[];
  const files = new Set(packed[0].files.map((f) => f.path));

  it('hold every doc a message of the agent names', () => {
    const source = readFileSync(join(ROOT, 'src/instrumentation/untraced-requests.ts'), 'utf8');
    const named = [...source.matchAll(/@catalyst\/tracing\/(docs\/[\w/-]+\.md)/g)].map((m) => m[1]);
    expect(named).toContain('docs/bundlers.md');
    for (const doc of named) expect(files.has(doc), doc).toBe(true);
    expect(files.has('docs/configuration.md')).toBe(true);
  });

  it('leave out the screenshots, the tests and the sources', () => {
    expect([...files].filter((f) => f.endsWith('.png') || f.startsWith('test/') || f.startsWith('src/'))).toEqual([]);
  });
});
