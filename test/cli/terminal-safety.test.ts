import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { terminalSafe } from '../../src/cli/text';
import { run, tempDir } from './helpers/run';
import { span } from './helpers/store-gen.mjs';

/**
 * Span data that tries to drive the terminal: ESC sequences (clear screen, set
 * the title, OSC 52 clipboard), CR (overwrites the line), BEL, DEL, a C1 CSI
 * (U+009B) and a bidirectional override, in every field a view prints.
 */
const EVIL = 'a\u001b[2Jb\rc\u0007d\u007fe\u009b31mf\u202eg\u001b]52;c;cHduZWQ=\u0007h';
/** Anything a terminal acts on, other than the newline. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
/** The same, allowing the SGR colour sequences the CLI writes itself. */
const stripOwnColour = (text: string): string => text.replace(/\u001b\[\d+m/g, '');

const TRACE = 'e'.repeat(32);
const ROOT = 'f'.repeat(16);
const LLM = '1'.repeat(16);
let store: { dir: string; cleanup: () => void };

beforeAll(() => {
  store = tempDir('catalyst-evil-');
  const resource = { 'service.name': `svc ${EVIL}` };
  const root = span({
    traceId: TRACE,
    spanId: ROOT,
    name: `root ${EVIL}`,
    start: 1e12,
    end: 1e12 + 100,
    resource,
    attributes: { 'openinference.span.kind': 'AGENT', 'agent.name': `agent ${EVIL}`, 'session.id': `sess ${EVIL}`, 'user.id': `user ${EVIL}` },
  });
  const llm = span({
    traceId: TRACE,
    spanId: LLM,
    parentSpanId: ROOT,
    name: `llm ${EVIL}`,
    start: 1e12 + 10,
    end: 1e12 + 90,
    status: 'ERROR',
    statusMessage: `failed ${EVIL}\r\nsecond line`,
    resource,
    scope: { name: `scope ${EVIL}`, version: `1 ${EVIL}` },
    events: [{ name: `event ${EVIL}`, time: 1e12 + 20, attributes: { [`ek ${EVIL}`]: `ev ${EVIL}` } }],
    attributes: {
      'openinference.span.kind': 'LLM',
      'llm.model_name': `model ${EVIL}`,
      [`key ${EVIL}`]: `value ${EVIL}`,
      'tags.list': [`t ${EVIL}`],
      'llm.input_messages.0.message.role': `user ${EVIL}`,
      'llm.input_messages.0.message.content': `line one ${EVIL}\r\nline two\rover`,
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.tool_calls.0.tool_call.id': `call ${EVIL}`,
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': `tool ${EVIL}`,
      // JSON whose escapes become control characters once parsed for pretty-printing.
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': '{"q":"\\u001b[2J\\u009b31m\\r"}',
    },
  });
  writeFileSync(join(store.dir, 'evil.jsonl'), `${JSON.stringify(root)}\n${JSON.stringify(llm)}\n`);
});
afterAll(() => store.cleanup());

const VIEWS: string[][] = [
  ['trace', 'list'],
  ['span', 'list'],
  ['trace', 'get', TRACE],
  ['trace', 'get', TRACE, '--view', 'timeline'],
  ['span', 'get', TRACE, LLM],
  ['span', 'get', TRACE, LLM, '--view', 'attributes'],
];

describe('text from span data reaches the terminal as text', () => {
  it('terminalSafe shows every control character as an escape; one line, or lines without CR', () => {
    expect(terminalSafe(EVIL)).toBe('a\\x1b[2Jb\\rc\\x07d\\x7fe\\x9b31mf\\u202eg\\x1b]52;c;cHduZWQ=\\x07h');
    expect(terminalSafe('one\r\ntwo\nthree\tfour')).toBe('one ⏎ two ⏎ three four');
    expect(terminalSafe('one\r\ntwo\rthree\n\tfour\u001b', { multiline: true })).toBe('one\ntwo\\rthree\n\tfour\\x1b');
    expect(terminalSafe('plain ünïcødé ✓')).toBe('plain ünïcødé ✓');
  });

  for (const argv of VIEWS) {
    it(`${argv.slice(0, 2).join(' ')} ${argv.includes('--view') ? argv[argv.length - 1] : ''}: nothing that drives the terminal, with or without colour`, async () => {
      for (const isTTY of [false, true]) {
        const r = await run([...argv, '--dir', store.dir], { isTTY, columns: 400 });
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        const out = stripOwnColour(r.stdout);
        const bad = CONTROL.exec(out);
        expect(bad ? `U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0')} in ${JSON.stringify(out.slice(Math.max(0, bad.index - 40), bad.index + 40))}` : 'none').toBe('none');
        // What was there is shown, escaped.
        expect(out).toContain('\\x1b[2J');
      }
    });
  }

  it('the io view keeps a message\'s lines, without their carriage returns', async () => {
    const r = await run(['span', 'get', TRACE, LLM, '--dir', store.dir], { columns: 400 });
    expect(r.stdout).toContain('    line one a\\x1b[2Jb\\rc\\x07d\\x7fe\\x9b31mf\\u202eg\\x1b]52;c;cHduZWQ=\\x07h\n    line two\\rover\n');
    expect(r.stdout).toContain('      {"q":"\\u001b[2J\\x9b31m\\r"}\n');
  });

  for (const argv of VIEWS) {
    it(`${argv.slice(0, 2).join(' ')} --json: the same data, with what JSON leaves raw but terminals act on escaped`, async () => {
      const r = await run([...argv.filter((a, i) => !(a === '--view' || argv[i - 1] === '--view')), '--json', '--dir', store.dir]);
      expect(r.code).toBe(0);
      expect(CONTROL.test(r.stdout.replace(/\n/g, ''))).toBe(false);
      const parsed = JSON.parse(r.stdout) as unknown;
      expect(JSON.stringify(parsed)).toContain(JSON.stringify(EVIL).slice(1, -1));
    });
  }
});

describe('serve prints what it receives as text', () => {
  it('the batch line and the warnings show control characters escaped', async () => {
    const t = tempDir('catalyst-serve-evil-');
    const ac = new AbortController();
    let out = '';
    let url = '';
    let listening!: () => void;
    const ready = new Promise<void>((resolve) => (listening = resolve));
    try {
      const done = run(['serve', '--port', '0', '--dir', t.dir], {
        signal: ac.signal,
        onOut: (s) => {
          out += s;
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m && out.includes('Ctrl-C')) ((url = m[1]!), listening());
        },
      });
      await ready;
      const body = {
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: `svc ${EVIL}` } }] },
            scopeSpans: [{ spans: [{ traceId: TRACE, spanId: ROOT, name: 'x', startTimeUnixNano: '1748768400000000000', endTimeUnixNano: '1748768400500000000' }] }],
          },
        ],
      };
      expect((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).status).toBe(200);
      // A body that is not JSON: the parser's message quotes it.
      expect((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `\u001b]0;pwned\u0007${EVIL}` })).status).toBe(400);
      ac.abort();
      const r = await done;
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`+1 span in 1 trace from svc ${terminalSafe(EVIL)} (json)`);
      expect(CONTROL.exec(r.stdout.replace(/\n/g, ''))).toBeNull();
      expect(r.stderr).toMatch(/^warning: the body is not valid JSON/);
      expect(CONTROL.exec(r.stderr.replace(/\n/g, ''))).toBeNull();
    } finally {
      t.cleanup();
    }
  });
});
