import { parseArgs } from 'node:util';
import { UsageError } from './io';

/**
 * Command-line parsing with node:util parseArgs. Every flag is parsed against
 * the union of all commands' flags (so global flags may come anywhere), then
 * checked against the flags the chosen command accepts.
 */
const OPTIONS = {
  dir: { type: 'string' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  range: { type: 'string' },
  service: { type: 'string' },
  agent: { type: 'string' },
  session: { type: 'string' },
  status: { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean' },
  view: { type: 'string' },
  'trace-id': { type: 'string' },
  kind: { type: 'string' },
  text: { type: 'string' },
  sort: { type: 'string' },
  order: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  open: { type: 'boolean' },
} as const;

export type OptionName = keyof typeof OPTIONS;
export type Values = { [K in OptionName]?: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

export const GLOBAL_OPTIONS: readonly OptionName[] = ['dir', 'no-color', 'help'];

export interface CommandSpec {
  /** e.g. 'trace list' */
  name: string;
  options: readonly OptionName[];
  /** Names of the positional arguments; a trailing '?' marks an optional one. */
  args: readonly string[];
}

export const COMMANDS: readonly CommandSpec[] = [
  { name: 'trace list', options: ['range', 'service', 'agent', 'session', 'status', 'limit', 'json'], args: [] },
  { name: 'trace get', options: ['view', 'json'], args: ['trace'] },
  { name: 'span list', options: ['trace-id', 'kind', 'text', 'sort', 'order', 'limit', 'json'], args: [] },
  { name: 'span get', options: ['view', 'json'], args: ['trace', 'span'] },
  { name: 'serve', options: ['port', 'host'], args: [] },
  { name: 'ui', options: ['port', 'host', 'open'], args: [] },
];

export interface Parsed {
  /** The command found, or undefined (then `words` says what was typed). */
  command?: CommandSpec;
  words: string[];
  args: string[];
  values: Values;
}

export function parseCommandLine(argv: string[]): Parsed {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: true; strict: true; tokens: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true, tokens: true });
  } catch (error) {
    throw new UsageError(parseArgsMessage(error));
  }
  const positionals = parsed.positionals;
  const values = parsed.values as Values;

  let command: CommandSpec | undefined;
  let used = 0;
  for (const spec of COMMANDS) {
    const words = spec.name.split(' ');
    if (words.every((w, i) => positionals[i] === w) && words.length > used) {
      command = spec;
      used = words.length;
    }
  }
  const words = command ? positionals.slice(0, used) : positionals.slice(0, 2);
  const args = command ? positionals.slice(used) : [];

  if (command && !values.help) {
    for (const token of parsed.tokens ?? []) {
      if (token.kind !== 'option') continue;
      const name = token.name as OptionName;
      if (!GLOBAL_OPTIONS.includes(name) && !command.options.includes(name)) {
        throw new UsageError(`${token.rawName} is not an option of '${command.name}' (see catalyst-tracing ${command.name} --help)`);
      }
    }
    const required = command.args.filter((a) => !a.endsWith('?')).length;
    if (args.length < required) {
      const missing = command.args.slice(args.length).map((a) => `<${a}>`).join(' ');
      throw new UsageError(`'${command.name}' needs ${missing} (see catalyst-tracing ${command.name} --help)`);
    }
    if (args.length > command.args.length) {
      throw new UsageError(`unexpected argument '${args[command.args.length]}' for '${command.name}'`);
    }
  }
  return { command, words, args, values };
}

function parseArgsMessage(error: unknown): string {
  const e = error as { code?: string; message?: string };
  const m = /'(-[^']*)'/.exec(e.message ?? '');
  const flag = m?.[1]?.split(' ')[0];
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${flag ?? ''} (see catalyst-tracing --help)`.replace('  ', ' ');
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const message = e.message ?? '';
      if (/does not take an argument/.test(message)) return `${flag ?? 'an option'} does not take a value`;
      if (/ambiguous/.test(message)) return `${flag ?? 'an option'} needs a value (for a value starting with '-', write ${flag ?? '--flag'}=-value)`;
      return `${flag ?? 'an option'} needs a value`;
    }
    default:
      return (e.message ?? String(error)).split('\n')[0]!;
  }
}

const RANGE_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** `15m`, `1h`, `24h`, `7d` (any positive number with s, m, h, d or w) in milliseconds. */
export function parseRange(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$/i.exec(value);
  const ms = m ? Number(m[1]) * RANGE_UNITS[m[2]!.toLowerCase()]! : NaN;
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new UsageError(`invalid --range '${value}': use a number and a unit (s, m, h, d or w), e.g. 15m, 1h, 24h or 7d`);
  }
  return ms;
}

export function parseLimit(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) throw new UsageError(`invalid --limit '${value}': use a whole number of 1 or more`);
  return Number(value);
}

export function parseChoice<T extends string>(flag: string, value: string | undefined, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  const v = value.trim().toLowerCase();
  const hit = choices.find((c) => c.toLowerCase() === v);
  if (!hit) throw new UsageError(`invalid ${flag} '${value}': use one of ${choices.join(', ')}`);
  return hit;
}

export function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value.trim()) || Number(value) > 65535) throw new UsageError(`invalid --port '${value}': use a number from 0 to 65535`);
  return Number(value);
}
