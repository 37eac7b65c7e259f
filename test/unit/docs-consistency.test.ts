import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The docs stay true to the repository: every relative link and #anchor
 * resolves, every environment variable the code reads is documented, the
 * README stays a short manual, and no work-log wording creeps in.
 */
const REPO = resolve(__dirname, '../..');
const README_MAX_LINES = 220;

function walk(dir: string, keep: (file: string) => boolean): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(REPO, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path, keep));
    else if (keep(entry.name)) out.push(path);
  }
  return out.sort();
}

const DOC_FILES = ['README.md', ...walk('docs', (f) => f.endsWith('.md'))];
const read = (file: string): string => readFileSync(join(REPO, file), 'utf8');

/** The text outside fenced code blocks, one entry per line (fenced lines blanked, so numbering holds). */
export function proseLines(markdown: string): string[] {
  let fence: string | undefined;
  return markdown.split('\n').map((line) => {
    const m = /^\s*(`{3,}|~{3,})/.exec(line);
    if (m) {
      if (!fence) fence = m[1]![0]!;
      else if (m[1]![0] === fence) fence = undefined;
      return '';
    }
    return fence ? '' : line;
  });
}

/** GitHub's heading anchors: rendered text, lower-cased, punctuation dropped, spaces to hyphens, repeats numbered. */
export function headingAnchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of proseLines(markdown)) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const text = m[1]!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[`*]/g, '');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** Every link target in the prose: inline links `[t](target)` and reference definitions `[t]: target`. */
export function linkTargets(markdown: string): Array<{ line: number; target: string }> {
  const out: Array<{ line: number; target: string }> = [];
  proseLines(markdown).forEach((raw, i) => {
    const line = raw.replace(/`[^`]*`/g, '``');
    for (const m of line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) out.push({ line: i + 1, target: m[1]! });
    const def = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/.exec(line);
    if (def) out.push({ line: i + 1, target: def[1]! });
  });
  return out;
}

/** What is wrong with one relative link of `file`, or undefined when it resolves. */
export function brokenLink(file: string, target: string, readFile: (path: string) => string = read): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // https:, mailto: ...
  const hash = target.indexOf('#');
  const path = decodeURI(hash < 0 ? target : target.slice(0, hash));
  const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
  const abs = path === '' ? join(REPO, file) : resolve(REPO, dirname(file), path);
  const rel = relative(REPO, abs);
  if (rel.startsWith('..') || rel.startsWith(sep)) return `${target} points outside the repository`;
  if (!existsSync(abs)) return `${target}: no such file`;
  if (anchor !== undefined && abs.endsWith('.md') && !headingAnchors(readFile(rel)).has(anchor)) {
    return `${target}: no heading #${anchor} in ${rel}`;
  }
  return undefined;
}

/**
 * Environment variables the code reads: any `env.NAME` / `env['NAME']`, every
 * quoted variable-shaped name in src/config (the names it hands to its readers),
 * and every CATALYST_/OTEL_/OPENINFERENCE_/OTLP_ name mentioned anywhere in the
 * code, less the few such identifiers that are not variables.
 */
const NOT_VARIABLES = new Map([
  ['CATALYST_TIMEOUT', 'an error code of the export transport'],
  ['OTEL_INTEGRATION', 'a regular expression of the AI SDK integration'],
]);

/** Variables of the app's own that an integration reads (not configuration): each is documented on that integration's page. */
const APP_VARIABLES = new Map([
  ['CLAUDE_BIN', 'docs/integrations/claude-code.md'],
  ['TRACEPARENT', 'docs/integrations/claude-code.md'],
]);

function variablesReadByCode(): Map<string, string> {
  const found = new Map<string, string>();
  const add = (name: string, file: string): void => void (found.has(name) || found.set(name, file));
  const sources = [...walk('src', (f) => f.endsWith('.ts')), ...walk('hooks', (f) => f.endsWith('.ts')), 'register.ts'];
  for (const file of sources) {
    const code = read(file);
    for (const m of code.matchAll(/\benv\.([A-Z][A-Z0-9_]*)\b|\benv\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\]/g)) add((m[1] ?? m[2])!, file);
    if (file.startsWith(`src${sep}config${sep}`)) {
      for (const m of code.matchAll(/['"`]([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)['"`]/g)) add(m[1]!, file);
    }
    for (const m of code.matchAll(/(?<![\w.])((?:CATALYST|OTEL|OPENINFERENCE|OTLP)_[A-Z0-9_]*[A-Z0-9])(?!\w)/g)) {
      if (!NOT_VARIABLES.has(m[1]!)) add(m[1]!, file);
    }
  }
  return found;
}

describe('docs', () => {
  it('every relative link in README.md and docs/ resolves, #anchors included', () => {
    const broken: string[] = [];
    for (const file of DOC_FILES) {
      for (const { line, target } of linkTargets(read(file))) {
        const problem = brokenLink(file, target);
        if (problem) broken.push(`${file}:${line}: ${problem}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('the link check catches a broken file, a broken anchor and a link out of the repository', () => {
    const doc = 'See [a](docs/nowhere.md), [b](docs/configuration.md#no-such-heading), [c](../outside.md) and [d](docs/configuration.md#export).\n';
    const problems = linkTargets(doc).map(({ target }) => brokenLink('README.md', target));
    expect(problems[0]).toMatch(/no such file/);
    expect(problems[1]).toMatch(/no heading #no-such-heading/);
    expect(problems[2]).toMatch(/outside the repository/);
    expect(problems[3]).toBeUndefined();
    // Links inside code are not links.
    expect(linkTargets('```md\n[x](missing.md)\n```\n`[y](missing.md)`\n')).toEqual([]);
  });

  it("every environment variable the code reads is in docs/configuration.md", () => {
    const config = read('docs/configuration.md');
    const variables = variablesReadByCode();
    expect(variables.size).toBeGreaterThan(40); // the scan itself still finds the config's names
    const mentions = (doc: string, name: string): boolean => new RegExp(`(?<![\\w])${name}(?![\\w])`).test(doc);
    const missing = [...variables]
      .filter(([name]) => (APP_VARIABLES.has(name) ? !mentions(read(APP_VARIABLES.get(name)!), name) : !mentions(config, name)))
      .map(([name, file]) => `${name} (${file})`);
    expect(missing).toEqual([]);
  });

  it('every integration in the registry has its page, linked from the README', () => {
    const registry = read('src/integrations/registry.ts');
    const names = [...registry.matchAll(/^\s{4}name: '([a-z-]+)'/gm)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(0);
    const readme = read('README.md');
    const missing = names.flatMap((name) => [
      ...(existsSync(join(REPO, `docs/integrations/${name}.md`)) ? [] : [`docs/integrations/${name}.md does not exist`]),
      ...(readme.includes(`](docs/integrations/${name}.md)`) ? [] : [`README.md does not link docs/integrations/${name}.md`]),
    ]);
    expect(missing).toEqual([]);
  });

  it('CATALYST_INSTRUMENTATIONS in docs/configuration.md names every integration and alias in the registry', () => {
    const registry = read('src/integrations/registry.ts');
    const names = [...registry.matchAll(/^\s{4}name: '([a-z-]+)'/gm)].map((m) => m[1]!);
    const aliases = [...registry.matchAll(/^\s{4}aliases: \[([^\]]*)\]/gm)].flatMap((m) => [...m[1]!.matchAll(/'([^']+)'/g)].map((a) => a[1]!));
    const row = read('docs/configuration.md').split('\n').find((line) => line.startsWith('| `CATALYST_INSTRUMENTATIONS`')) ?? '';
    expect([...names, ...aliases].filter((name) => !row.includes(`\`${name}\``))).toEqual([]);
  });

  it(`README.md is a short manual (at most ${README_MAX_LINES} lines) that opens with the two set-up commands`, () => {
    const readme = read('README.md');
    expect(readme.split('\n').length).toBeLessThanOrEqual(README_MAX_LINES);
    const top = readme.split('\n').slice(0, 8).join('\n');
    expect(top).toContain('npm ci && npm run demo');
    expect(top).toMatch(/^npm test\b/m);
  });

  it('no work-log wording in README.md or docs/', () => {
    const patterns = [/\bissue #?\d+\b/i, /#\d{1,5}\b(?![0-9a-f])/, /\bREADME section\b/i, /\bin progress\b/i, /\bengineering note\b/i, /\b(TODO|FIXME|XXX)\b/, /\bfix(?:ed)? for\b/i];
    const hits: string[] = [];
    for (const file of DOC_FILES) {
      read(file)
        .split('\n')
        .forEach((line, i) => {
          for (const p of patterns) if (p.test(line)) hits.push(`${file}:${i + 1}: ${line.trim().slice(0, 100)}`);
        });
    }
    expect(hits).toEqual([]);
  });
});
