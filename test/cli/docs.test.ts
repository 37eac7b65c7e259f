import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_STORE, REPO, run } from './helpers/run';

/** The examples pasted in docs/cli.md are real output of the fixture store; this keeps them so. */
const DOC = join(REPO, 'docs/cli.md');

function block(doc: string, key: string): { command: string; output: string } {
  const m = new RegExp(`<!-- ${key} -->\\n\`\`\`console\\n\\$ npx catalyst-tracing ([^\\n]*)\\n([\\s\\S]*?)\\n\`\`\`\\n<!-- /${key} -->`).exec(doc);
  if (!m) throw new Error(`no ${key} example in docs/cli.md`);
  return { command: m[1]!, output: m[2]! };
}

describe.skipIf(!existsSync(DOC))('docs/cli.md', () => {
  beforeAll(() => {
    process.env.TZ = 'UTC'; // the examples show UTC times
  });

  it.each([
    ['LIST', undefined, true],
    ['TREE', '100', false],
    ['TL', '100', false],
    ['IO', '100', false],
  ] as const)('the %s example is what the CLI prints', async (key, columns, withStderr) => {
    const { command, output } = block(readFileSync(DOC, 'utf8'), key);
    const r = await run([...command.split(' '), '--dir', FIXTURE_STORE], { env: { COLUMNS: columns } });
    expect(r.code).toBe(0);
    expect(`${r.stdout}${withStderr ? r.stderr : ''}`.trimEnd()).toBe(output);
  });
});
