// A loopback fake of the ElevenLabs Agents conversation websocket
// (`/v1/convai/conversation?agent_id=...`), speaking the message types
// `@elevenlabs/client` handles: the initiation handshake, agent responses and
// corrections, user transcripts, client tool calls and their results, pings
// and interruptions. One scripted text-only conversation per agent id:
//   agent_demo    the full conversation below, ended by the client
//   agent_refused the socket closes with 1008 before the handshake (a refused start)
//   agent_dropped the handshake, one agent response, then a 1011 close (a session that ends in error)
// The server's messages come from fixtures/elevenlabs/conversation.json, which the attribute tests read too.
import { readFileSync } from 'node:fs';
import { WebSocketServer } from 'ws';

export const FIXTURE = JSON.parse(readFileSync(new URL('../../fixtures/elevenlabs/conversation.json', import.meta.url), 'utf8'));
export const CONVERSATION_ID = FIXTURE.conversation_initiation_metadata.conversation_initiation_metadata_event.conversation_id;

/** @returns {Promise<{ origin: string, received: any[], close(): Promise<void> }>} */
export async function startFakeElevenLabs() {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  /** Every message a client sent, with the agent id of its connection. */
  const received = [];
  server.on('connection', (socket, request) => {
    const url = new URL(request.url ?? '/', 'ws://127.0.0.1');
    const agent = url.searchParams.get('agent_id') ?? 'signed';
    if (agent === 'agent_refused') {
      socket.close(1008, 'Agent not found or not public');
      return;
    }
    const send = (/** @type {any} */ m) => socket.send(JSON.stringify(m));
    socket.on('message', (data) => {
      const m = JSON.parse(String(data));
      received.push({ agent, ...m });
      switch (m.type) {
        case 'conversation_initiation_client_data':
          send(FIXTURE.conversation_initiation_metadata);
          // Not in the handshake's packet: the SDK listens for conversation events only once the handshake's
          // promise has resumed it, and an event read in the same chunk as the handshake is lost (untraced too).
          setTimeout(() => {
            send(FIXTURE.greeting);
            if (agent === 'agent_dropped') setTimeout(() => socket.close(1011, 'Internal server error'), 20);
          }, 30);
          break;
        case 'user_message':
          send(FIXTURE.weather_call);
          break;
        case 'client_tool_result':
          if (m.tool_call_id === 'tc_weather') {
            send(FIXTURE.book_call);
          } else if (m.tool_call_id === 'tc_book') {
            send(FIXTURE.ping);
          }
          break;
        case 'pong':
          for (const name of ['answer', 'correction', 'interruption', 'user_transcript', 'goodbye']) send(FIXTURE[name]);
          break;
      }
    });
  });
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    origin: `ws://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise((resolve) => {
        for (const c of server.clients) c.terminate();
        server.close(() => resolve());
      }),
  };
}
