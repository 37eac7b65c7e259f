#!/usr/bin/env node
import { COMMAND_HELP, OVERVIEW } from './help';
import { parseCommandLine } from './args';
import { CliError, processIo, type CliIo } from './io';
import { makeCtx, type Ctx } from './context';

/**
 * catalyst-tracing: the CLI over the local trace store. main() never throws and
 * never prints a stack: expected failures are one line and a non-zero exit code
 * (1: nothing to show or the store cannot be read, 2: bad usage). Command
 * modules are loaded on demand so that start-up stays short; the OTLP receiver
 * and its decoders load only for `serve`.
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  try {
    const parsed = parseCommandLine(argv);
    const { command, values } = parsed;
    if (values.version && !command) {
      io.out(`${packageVersion()}\n`);
      return 0;
    }
    if (!command) {
      if (parsed.words.length === 0 || parsed.words[0] === 'help') {
        const topic = parsed.words[0] === 'help' ? argv.filter((a) => !a.startsWith('-')).slice(1, 3).join(' ') : '';
        const text = COMMAND_HELP[topic] ?? OVERVIEW;
        if (values.help || parsed.words[0] === 'help') {
          io.out(text);
          return 0;
        }
        io.err(text);
        return 2;
      }
      const typed = parsed.words.join(' ');
      if (values.help && (typed === 'trace' || typed === 'span')) {
        io.out(OVERVIEW);
        return 0;
      }
      if (typed === 'trace' || typed === 'span') {
        io.err(`catalyst-tracing: '${typed}' needs a subcommand: ${typed} list or ${typed} get (see catalyst-tracing --help)\n`);
        return 2;
      }
      io.err(`catalyst-tracing: unknown command '${typed}'; commands: trace list, trace get, span list, span get, serve, ui (see catalyst-tracing --help)\n`);
      return 2;
    }
    if (values.help) {
      io.out(COMMAND_HELP[command.name] ?? OVERVIEW);
      return 0;
    }
    const ctx = makeCtx(io, values, parsed.args);
    return await run(command.name, ctx);
  } catch (error) {
    if (error instanceof CliError) {
      io.err(`catalyst-tracing: ${error.message}\n`);
      return error.exitCode;
    }
    const e = error as Error;
    io.err(`catalyst-tracing: internal error: ${e?.message ?? String(error)}${/^(1|true|yes|on)$/i.test(io.env.CATALYST_DEBUG ?? '') ? `\n${e?.stack ?? ''}` : ' (set CATALYST_DEBUG=1 for details)'}\n`);
    return 1;
  }
}

async function run(name: string, ctx: Ctx): Promise<number> {
  switch (name) {
    case 'trace list':
      return (await import('./commands/trace-list')).traceList(ctx);
    case 'trace get':
      return (await import('./commands/trace-get')).traceGet(ctx);
    case 'span list':
      return (await import('./commands/span-list')).spanList(ctx);
    case 'span get':
      return (await import('./commands/span-get')).spanGet(ctx);
    case 'serve':
      return (await import('./commands/serve')).serve(ctx);
    case 'ui':
      return (await import('./commands/ui')).ui(ctx);
    default:
      throw new CliError(`unknown command '${name}'`, 2);
  }
}

function packageVersion(): string {
  try {
    // The bundle (dist/cli.js) sits one folder below the package root, src/cli/main.ts two, a tsc build three.
    const { readFileSync } = require('node:fs') as typeof import('node:fs');
    const { join } = require('node:path') as typeof import('node:path');
    for (const up of ['..', '../..', '../../..']) {
      try {
        const pkg = JSON.parse(readFileSync(join(__dirname, up, 'package.json'), 'utf8')) as { name?: string; version?: string };
        if (pkg.name === '@catalyst/tracing' && pkg.version) return pkg.version;
      } catch {
        // try the next candidate
      }
    }
  } catch {
    // fall through
  }
  return 'unknown';
}

/* c8 ignore next 12 */
if (typeof require !== 'undefined' && typeof module !== 'undefined' && require.main === module) {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    // `catalyst-tracing trace list | head` closes the pipe early: that is not a failure.
    if (error.code === 'EPIPE') process.exit(0);
  });
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
