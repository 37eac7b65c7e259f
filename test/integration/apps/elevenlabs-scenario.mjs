// The ElevenLabs conversation scenario (shared by the ESM apps): a text-only
// session against the fake conversation socket (ELEVENLABS_ORIGIN) with two
// client tools, one of which throws; a refused start; a session the server
// drops. Prints what the app saw on a RESULT line, the same with or without tracing.
// `insideTool` (optional) runs inside the weather tool: an app's own span there.
export async function runScenario(client, origin, { insideTool = async () => {} } = {}) {
  const { Conversation } = client;
  const result = {};

  const seen = [];
  // The app's getters and toJSON run as often with tracing as without: counted, and compared across runs.
  const reads = { userId: 0, tool: 0, toJSON: 0 };
  const weather = async ({ city }) => {
    await insideTool();
    return { toJSON: () => (reads.toJSON++, { city, forecast: 'sunny' }) };
  };
  let conversation;
  const ended = new Promise((resolve) => {
    Conversation.startSession({
      agentId: 'agent_demo',
      origin,
      textOnly: true,
      connectionType: 'websocket',
      get userId() {
        reads.userId++;
        return 'user-42';
      },
      clientTools: {
        get get_weather() {
          reads.tool++;
          return weather;
        },
        book_table: () => {
          throw new RangeError('no table free');
        },
      },
      onMessage: (m) => {
        seen.push([m.role, m.message]);
        if (m.message === 'Hi! Ask me about the weather.') conversation?.sendUserMessage('What is the weather in Paris?');
        if (m.message === 'Goodbye!') void conversation.endSession();
      },
      onAgentResponseCorrection: (c) => seen.push(['correction', c.corrected_agent_response]),
      onInterruption: (e) => seen.push(['interruption', e.event_id]),
      onError: (message) => seen.push(['error', message]),
      onDisconnect: (details) => resolve(details),
    }).then(
      (c) => {
        conversation = c;
        result.conversationId = c.getId();
        // The first agent message may have arrived before startSession resolved.
        if (seen.some(([, text]) => text === 'Hi! Ask me about the weather.')) c.sendUserMessage('What is the weather in Paris?');
      },
      (error) => resolve({ startError: String(error) }),
    );
  });
  result.disconnect = await ended;
  result.seen = seen;
  result.reads = reads;

  result.refused = await Conversation.startSession({ agentId: 'agent_refused', origin, textOnly: true, connectionType: 'websocket' }).then(
    () => ({ ok: true }),
    (error) => ({ name: error.name, message: error.message, closeCode: error.closeCode }),
  );

  // The app's onConnect throws: the SDK ends the connected session, then rejects with the app's error.
  result.onConnectThrows = await Conversation.startSession({
    agentId: 'agent_onconnect',
    origin,
    textOnly: true,
    connectionType: 'websocket',
    onConnect: () => {
      throw new SyntaxError('bad onConnect');
    },
  }).then(
    () => ({ ok: true }),
    (error) => ({ name: error.name, message: error.message }),
  );

  result.dropped = await new Promise((resolve) => {
    Conversation.startSession({ agentId: 'agent_dropped', origin, textOnly: true, connectionType: 'websocket', onDisconnect: resolve }).catch((e) => resolve({ startError: String(e) }));
  });
  return result;
}
