// Every awkward value an app can hand to the span API, through every entry
// point: agentSpan and manualSpan options, the SpanHandle setters, and
// withSession/withUser/withMetadata. Nothing may throw into the app. Prints
// `RESULT {"errors": [...], "values": [...]}`; errors must stay empty.
'use strict';
const { join } = require('node:path');
const { agentSpan, manualSpan, withSession, withUser, withMetadata } = require(join(process.env.CATALYST_DIST, 'index.js'));

const BIG = 'x'.repeat(50 * 1024 * 1024);
const circular = { name: 'loop', list: [] };
circular.self = circular;
circular.list.push(circular);
const { proxy: revoked, revoke } = Proxy.revocable({}, {});
revoke();
let deep = {};
for (let i = 0; i < 100_000; i++) deep = { d: deep };

const VALUES = {
  circular,
  bigint: 12345678901234567890n,
  date: new Date('2025-01-02T03:04:05.678Z'),
  invalidDate: new Date('not a date'),
  map: new Map([['a', 1], [{ k: 1 }, 'object key']]),
  set: new Set([1, 'two']),
  buffer: Buffer.from('buffer-contents-never-shown'),
  uint8: new Uint8Array(16),
  float64: new Float64Array([1.5, 2.5]),
  arrayBuffer: new ArrayBuffer(8),
  symbol: Symbol('sym'),
  fn: function namedFn() {},
  arrow: () => 1,
  undef: undefined,
  nul: null,
  nan: NaN,
  inf: -Infinity,
  big: BIG,
  bigInObject: { text: BIG },
  bigInArray: [BIG, 'b'],
  hugeArray: Array.from({ length: 1_000_000 }, (_, i) => i),
  revoked,
  throwingGetter: {
    get boom() {
      throw new Error('getter says no');
    },
  },
  throwingToJSON: {
    toJSON() {
      throw new Error('toJSON says no');
    },
  },
  deep,
  error: new Error('an error value'),
  mixedArray: [1, 'a', null, { x: 1 }],
  classInstance: new (class Point {
    constructor() {
      this.x = 1;
    }
  })(),
};

const errors = [];
const attempt = (what, fn) => {
  try {
    const r = fn();
    if (r && typeof r.then === 'function') return r.catch((e) => errors.push(`${what}: ${e && e.message}`));
    return r;
  } catch (e) {
    errors.push(`${what}: ${e && e.message}`);
  }
};

async function main() {
  for (const [name, v] of Object.entries(VALUES)) {
    await attempt(`agentSpan ${name}`, () =>
      agentSpan({ spanName: `agent-${name}`, agentId: v, agentName: v, role: v, sessionId: v, userId: v, system: v, metadata: v, tags: v, input: v }, async (span) => {
        attempt(`setInput ${name}`, () => span.setInput(v));
        attempt(`setOutput ${name}`, () => span.setOutput(v));
        attempt(`setAttribute ${name}`, () => span.setAttribute(`test.value.${name}`, v));
        attempt(`setAttributes ${name}`, () => span.setAttributes({ [`test.bulk.${name}`]: v, [`test.also.${name}`]: v }));
        attempt(`setAttributes(value) ${name}`, () => span.setAttributes(v));
        attempt(`setModel ${name}`, () => span.setModel(v));
        attempt(`setTool ${name}`, () => span.setTool(v));
        attempt(`setTool name ${name}`, () => span.setTool({ name: v, callId: v, description: v, parameters: v }));
        attempt(`recordTokens ${name}`, () => span.recordTokens(v));
        attempt(`recordTokens fields ${name}`, () => span.recordTokens({ prompt: v, completion: v, total: v }));
        attempt(`recordUsage ${name}`, () => span.recordUsage(v));
        await attempt(`manualSpan ${name}`, () =>
          manualSpan({ spanName: `manual-${name}`, input: v, metadata: v, tags: v, toolName: v, toolCallId: v }, (s) => s.setOutput(v)),
        );
        attempt(`manualSpan kind ${name}`, () => manualSpan({ spanName: `kind-${name}`, spanKind: v }, () => 1));
        attempt(`manualSpan name ${name}`, () => manualSpan({ spanName: v, metadata: { which: `name-${name}` } }, () => 1));
        attempt(`context ${name}`, () => withSession(v, () => withUser(v, () => withMetadata(v, () => manualSpan({ spanName: `ctx-${name}` }, () => 1)))));
      }),
    );
  }
  process.stdout.write(`RESULT ${JSON.stringify({ errors, values: Object.keys(VALUES) })}\n`);
}

main();
