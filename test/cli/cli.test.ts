import { describe, expect, it } from 'vitest';
import { FIXTURE_STORE, run } from './helpers/run';

describe('catalyst-tracing', () => {
  it('prints usage for --help and for a command, exit 0', async () => {
    const all = await run(['--help']);
    expect(all.code).toBe(0);
    for (const cmd of ['trace list', 'trace get', 'span list', 'span get', 'serve', '--dir', '--no-color']) expect(all.stdout).toContain(cmd);
    const one = await run(['trace', 'get', '--help']);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^Usage: catalyst-tracing trace get <traceId\|prefix\|last> \[--view tree\|timeline\|json\]/);
    expect((await run(['help', 'span', 'list'])).stdout).toMatch(/^Usage: catalyst-tracing span list/);
  });

  it('without a command prints usage on stderr, exit 2', async () => {
    const r = await run([]);
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toContain('Usage:');
  });

  it('answers unknown commands and flags in one line, exit 2', async () => {
    expect(await run(['traces'])).toMatchObject({ code: 2, stdout: '', stderr: "catalyst-tracing: unknown command 'traces'; commands: trace list, trace get, span list, span get, serve, ui (see catalyst-tracing --help)\n" });
    expect(await run(['trace'])).toMatchObject({ code: 2, stderr: "catalyst-tracing: 'trace' needs a subcommand: trace list or trace get (see catalyst-tracing --help)\n" });
    expect(await run(['trace', 'list', '--colour'])).toMatchObject({ code: 2, stderr: 'catalyst-tracing: unknown option --colour (see catalyst-tracing --help)\n' });
    expect(await run(['trace', 'list', '--json=yes'])).toMatchObject({ code: 2, stderr: 'catalyst-tracing: --json does not take a value\n' });
    expect(await run(['trace', 'list', '--limit'])).toMatchObject({ code: 2, stderr: 'catalyst-tracing: --limit needs a value\n' });
    expect(await run(['trace', 'get', 'last', 'extra', '--dir', FIXTURE_STORE])).toMatchObject({ code: 2, stderr: "catalyst-tracing: unexpected argument 'extra' for 'trace get'\n" });
    expect(await run(['trace', 'get'])).toMatchObject({ code: 2, stderr: "catalyst-tracing: 'trace get' needs <trace> (see catalyst-tracing trace get --help)\n" });
  });

  it('global flags may come before or after the command', async () => {
    const a = await run(['--dir', FIXTURE_STORE, '--no-color', 'trace', 'list', '--json']);
    const b = await run(['trace', 'list', '--json', '--dir', FIXTURE_STORE]);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
  });

  it('--version prints a version', async () => {
    const r = await run(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^(\d+\.\d+\.\d+\S*|unknown)\n$/);
  });
});
