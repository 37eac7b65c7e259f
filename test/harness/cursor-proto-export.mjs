// Writes fixtures/cursor-sdk/agent-proto.json: the part of the Cursor agent
// protocol the loopback fake backend (fake-cursor-backend.mjs) speaks, as a
// protobufjs JSON schema. Run by hand when the pinned @cursor/sdk changes:
//
//   <node 24> test/harness/cursor-proto-export.mjs
//
// The SDK ships its protobuf schema only as compact descriptors inside its
// webpack bundle (protobuf-es classes with `typeName` and `fields`). The script
// loads a copy of the ESM bundle whose webpack `require` is kept on globalThis,
// reads the message classes from the generated `*_pb.js` modules, and keeps
// the types listed below with the fields among them, so the schema stays
// small and every field number comes from the SDK itself.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = join(ROOT, 'test/fixtures-packages/cursor/node_modules/@cursor/sdk/dist/esm');
const OUT = join(ROOT, 'fixtures/cursor-sdk/agent-proto.json');

/** What the fake encodes (server messages) and decodes (client messages), and what they contain. */
const KEEP = [
  'aiserver.v1.BidiRequestId', 'aiserver.v1.BidiAppendRequest', 'aiserver.v1.BidiAppendResponse',
  'agent.v1.AgentServerMessage', 'agent.v1.InteractionUpdate', 'agent.v1.TextDeltaUpdate',
  'agent.v1.ToolCallStartedUpdate', 'agent.v1.ToolCallCompletedUpdate', 'agent.v1.ToolCall', 'agent.v1.McpToolCall',
  'agent.v1.McpArgs', 'agent.v1.McpToolResult', 'agent.v1.McpSuccess', 'agent.v1.McpToolError',
  'agent.v1.McpToolResultContentItem', 'agent.v1.McpTextContent', 'agent.v1.TurnEndedUpdate',
  'agent.v1.StepStartedUpdate', 'agent.v1.StepCompletedUpdate', 'agent.v1.ExecServerMessage',
  'agent.v1.AgentClientMessage', 'agent.v1.AgentRunRequest', 'agent.v1.ConversationAction', 'agent.v1.UserMessageAction',
  'agent.v1.UserMessage', 'agent.v1.ModelDetails', 'agent.v1.McpTools', 'agent.v1.McpToolDefinition',
  'agent.v1.ExecClientMessage', 'agent.v1.McpResult', 'agent.v1.McpError', 'agent.v1.ExecClientControlMessage',
  'agent.v1.ExecClientStreamClose',
  'google.protobuf.Value', 'google.protobuf.Struct', 'google.protobuf.ListValue',
];

const SCALAR = { 1: 'double', 2: 'float', 3: 'int64', 4: 'uint64', 5: 'int32', 6: 'fixed64', 7: 'fixed32', 8: 'bool', 9: 'string', 12: 'bytes', 13: 'uint32', 15: 'sfixed32', 16: 'sfixed64', 17: 'sint32', 18: 'sint64' };

const source = readFileSync(join(DIST, 'index.js'), 'utf8');
if (!source.includes('K.m=F,')) throw new Error('the bundle no longer has the webpack require this script expects (K.m=F)');
const copy = join(DIST, `.proto-export-${process.pid}.js`);
writeFileSync(copy, source.replace('K.m=F,', 'globalThis.__cursorWebpackRequire=K,K.m=F,'));
try {
  await import(pathToFileURL(copy).href);
} finally {
  rmSync(copy, { force: true });
}
const req = globalThis.__cursorWebpackRequire;

const classes = new Map();
const enums = new Map();
const visit = (T) => {
  if (typeof T !== 'function' || !T.typeName || classes.has(T.typeName)) return;
  classes.set(T.typeName, T);
  for (const f of T.fields.list()) visit(f.kind === 'map' ? f.V.T : f.T);
};
for (const key of Object.keys(req.m)) {
  if (!key.endsWith('_pb.js')) continue;
  let mod;
  try {
    mod = req(key);
  } catch {
    continue;
  }
  for (const v of Object.values(mod)) visit(v);
}

const keep = new Set(KEEP);
const root = { nested: {} };
function place(typeName, def) {
  const parts = typeName.split('.');
  let node = root;
  for (const p of parts.slice(0, -1)) node = (node.nested[p] ??= { nested: {} });
  node.nested[parts.at(-1)] = def;
}
const ref = (typeName) => `.${typeName}`;

for (const name of KEEP) {
  const T = classes.get(name);
  if (!T) throw new Error(`no message ${name} in the SDK`);
  const fields = {};
  const oneofs = {};
  for (const f of T.fields.list()) {
    let def;
    if (f.kind === 'scalar') def = { type: SCALAR[f.T], id: f.no };
    else if (f.kind === 'enum') {
      enums.set(f.T.typeName, f.T);
      def = { type: ref(f.T.typeName), id: f.no };
    } else if (f.kind === 'message') {
      if (!keep.has(f.T.typeName)) continue;
      def = { type: ref(f.T.typeName), id: f.no };
    } else if (f.kind === 'map') {
      const v = f.V;
      if (v.kind === 'message' && !keep.has(v.T.typeName)) continue;
      if (v.kind === 'enum') enums.set(v.T.typeName, v.T);
      def = { keyType: SCALAR[f.K], type: v.kind === 'scalar' ? SCALAR[v.T] : ref(v.T.typeName), id: f.no };
    }
    if (f.repeated) def.rule = 'repeated';
    fields[f.localName] = def;
    if (f.oneof) (oneofs[f.oneof.localName] ??= { oneof: [] }).oneof.push(f.localName);
  }
  place(name, Object.keys(oneofs).length ? { oneofs, fields } : { fields });
}
for (const [name, E] of enums) place(name, { values: Object.fromEntries(E.values.map((v) => [v.name, v.no])) });

const { version } = JSON.parse(readFileSync(join(DIST, '../../package.json'), 'utf8'));
writeFileSync(OUT, `${JSON.stringify({ comment: `Exported from @cursor/sdk ${version} by test/harness/cursor-proto-export.mjs`, ...root }, null, 1)}\n`);
console.log(`wrote ${OUT}: ${KEEP.length} messages, ${enums.size} enums`);
