// The runs every Cursor SDK test app makes, given the SDK module (the ESM
// namespace or the CommonJS exports), against the loopback fake backend
// (CURSOR_BACKEND_URL): a run with the app's in-process tool `add` read through
// stream() and then wait(), the same run read through wait() alone, a run
// whose tool call fails (the app's tool `divide` throws), and a run the
// backend rejects. It returns what the app saw, to compare with an
// untraced run (ids and durations left out: they differ from run to run).
const API_KEY = 'crsr_test_key_5d1f0c9e8b7a';

/** @param {any} sdk */
module.exports = async function runAll(sdk) {
  sdk.configureCursorSdk({ local: { useHttp1ForAgent: true } });
  const executed = [];
  const agent = await sdk.Agent.create({
    apiKey: API_KEY,
    model: { id: 'composer-1' },
    local: {
      // The test's scratch home: the agent scans its workspace for rules, never this package's folder.
      cwd: process.env.HOME,
      enableAgentRetries: false,
      customTools: {
        add: {
          description: 'Adds two numbers',
          inputSchema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
          execute: (args) => (executed.push(args), String(args.a + args.b)),
        },
        divide: {
          description: 'Divides a by b',
          inputSchema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
          execute: (args) => {
            executed.push(args);
            if (args.b === 0) throw new Error('Division by zero');
            return String(args.a / args.b);
          },
        },
      },
    },
  });
  const plain = (r) => ({ status: r.status, result: r.result, error: r.error, model: r.model, usage: r.usage });
  const out = { agentId: typeof agent.agentId, executed };

  // Read through stream(), with the app's own onDelta and onStep.
  const deltas = [];
  const steps = [];
  const streamed = await agent.send('What is 2 + 3?', { onDelta: ({ update }) => void deltas.push(update.type), onStep: ({ step }) => void steps.push(step.type) });
  const seen = [];
  for await (const m of streamed.stream()) seen.push(m.type === 'status' ? `status/${m.status}` : m.type === 'tool_call' ? `tool_call/${m.status}` : m.type);
  out.streamed = { seen, deltas, steps, result: plain(await streamed.wait()) };

  // Read through wait() alone, with no callbacks of the app's, and only once the run has finished:
  // everything it did happened before the app first touched it.
  const waited = await agent.send('What is 2 + 3?');
  await new Promise((resolve) => {
    const off = waited.onDidChangeStatus((status) => status !== 'running' && (off(), resolve()));
  });
  out.waited = plain(await waited.wait());

  // A tool call that fails (the app's tool throws), read through stream().
  const failing = await agent.send('What is 1 / 0?');
  const failingSeen = [];
  for await (const m of failing.stream()) if (m.type === 'tool_call') failingSeen.push({ name: m.name, status: m.status, result: m.result });
  out.failing = { seen: failingSeen, result: plain(await failing.wait()) };

  // Rejected by the backend: wait() and stream() say so, neither throws.
  const rejected = await agent.send('REJECT this run');
  const rejectedSeen = [];
  for await (const m of rejected.stream()) rejectedSeen.push(m.type === 'status' ? `status/${m.status}` : m.type);
  out.rejected = { seen: rejectedSeen, result: plain(await rejected.wait()) };
  return out;
};
