/**
 * Recognising a Claude Code CLI invocation from what the app hands
 * child_process, and reading its command line. Pure and cheap: it runs on
 * every spawn / execFile / exec of the app, and says no to anything that does
 * not name `claude` before doing any parsing.
 */

/** The call as child_process received it. */
export type SpawnKind = 'spawn' | 'execFile' | 'exec' | 'spawnSync' | 'execFileSync' | 'execSync';

export interface ClaudeCommand {
  /** The CLI's arguments after the binary (from the shell command line when run through a shell). */
  argv: string[];
  /** Index of the options object in the call's arguments, or where one would go. */
  optionsIndex: number;
  options: Record<string, unknown> | undefined;
}

const BINARY_NAMES = new Set(['claude', 'claude.exe', 'claude.cmd']);

function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

function isClaudeBinary(file: string, claudeBin: string | undefined): boolean {
  return BINARY_NAMES.has(baseName(file)) || (claudeBin !== undefined && claudeBin !== '' && file === claudeBin);
}

const isOptions = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * The invocation, when the call runs `claude` (its name, an absolute path to
 * it, or the path in `claudeBin`: the app's CLAUDE_BIN), directly or as the
 * first command of a shell line; undefined for anything else.
 */
export function claudeCommand(kind: SpawnKind, args: readonly unknown[], claudeBin: string | undefined): ClaudeCommand | undefined {
  const file = args[0];
  if (typeof file !== 'string') return undefined;
  // The cheap test first: every other command the app runs stops here.
  if (!file.includes('claude') && !(claudeBin && file.includes(claudeBin))) return undefined;
  const list = Array.isArray(args[1]) ? (args[1] as unknown[]) : undefined;
  const optionsIndex = list ? 2 : 1;
  const options = isOptions(args[optionsIndex]) ? (args[optionsIndex] as Record<string, unknown>) : undefined;
  const listed = (list ?? []).map(String);
  const shell = kind === 'exec' || kind === 'execSync' || !!options?.shell;
  if (!shell) return isClaudeBinary(file, claudeBin) ? { argv: listed, optionsIndex, options } : undefined;
  const words = shellWords(file);
  // `VAR=value claude ...`: assignments before the command.
  let i = 0;
  while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i])) i++;
  if (i >= words.length || !isClaudeBinary(words[i], claudeBin)) return undefined;
  const rest: string[] = [];
  for (const w of words.slice(i + 1)) {
    // The CLI's arguments end where the shell line goes on (a pipe, a redirection, another command).
    if (/^(\||\|\||&&|;|&|>|>>|<|2>|2>&1)$/.test(w)) break;
    rest.push(w);
  }
  return { argv: [...rest, ...listed], optionsIndex, options };
}

/** A POSIX shell line split into words, with quotes and backslashes taken as the shell takes them (no expansion). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      word += line.slice(i + 1, end < 0 ? line.length : end);
      i = end < 0 ? line.length : end;
      inWord = true;
    } else if (c === '"') {
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) i++;
        word += line[i++];
      }
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (c === '|' || c === ';' || c === '&' || c === '>' || c === '<') {
      // An operator ends the word before it (`2>` stays one operator: a digit word right before `>`).
      if (inWord && !(c === '>' && /^\d$/.test(word))) words.push(word);
      let op = inWord && c === '>' && /^\d$/.test(word) ? word + c : c;
      word = '';
      inWord = false;
      while (i + 1 < line.length && '|&><'.includes(line[i + 1])) op += line[++i];
      words.push(op);
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** Options of the CLI that take a value: the word after them is not the prompt. */
const WITH_VALUE = new Set([
  '--output-format', '--input-format', '--model', '--fallback-model', '--max-turns', '--max-budget-usd',
  '--allowedTools', '--allowed-tools', '--disallowedTools', '--disallowed-tools', '--tools',
  '--system-prompt', '--system-prompt-file', '--append-system-prompt', '--append-system-prompt-file',
  '--permission-mode', '--permission-prompt-tool', '--mcp-config', '--settings', '--setting-sources',
  '--add-dir', '--session-id', '--resume', '-r', '--agents', '--agent', '--json-schema', '--betas', '--debug-file',
]);

export interface CliRequest {
  prompt?: string;
  outputFormat: 'text' | 'json' | 'stream-json';
  model?: string;
  /** Print mode (`-p` / `--print`): the only mode whose output is read. */
  print: boolean;
}

export function cliRequest(argv: readonly string[]): CliRequest {
  const out: CliRequest = { outputFormat: 'text', print: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (flag === '-p' || flag === '--print') out.print = true;
    else if (WITH_VALUE.has(flag)) {
      const value = inline ?? argv[++i];
      if (flag === '--output-format' && (value === 'json' || value === 'stream-json' || value === 'text')) out.outputFormat = value;
      if (flag === '--model' && value) out.model = value;
    } else if (!flag.startsWith('-') && out.prompt === undefined) out.prompt = a;
  }
  return out;
}
