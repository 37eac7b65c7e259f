// A loopback fake of the ElevenLabs Agents conversation websocket
// (`/v1/convai/conversation?agent_id=...`), speaking the message types
// `@elevenlabs/client` handles: the initiation handshake, agent responses and
// corrections, user transcripts, client tool calls and their results, pings
// and interruptions. One scripted text-only conversation per agent id:
//   agent_demo    the full conversation below, ended by the client
//   agent_refused the socket closes with 1008 before the handshake (a refused start)
//   agent_dropped the handshake, one agent response, then a 1011 close (a session that ends in error)
import { WebSocketServer } from 'ws';

export const CONVERSATION_ID = 'conv_fake_0001';

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
    let eventId = 0;
    const agentSays = (/** @type {string} */ text) => send({ type: 'agent_response', agent_response_event: { agent_response: text, event_id: ++eventId } });
    socket.on('message', (data) => {
      const m = JSON.parse(String(data));
      received.push({ agent, ...m });
      switch (m.type) {
        case 'conversation_initiation_client_data':
          send({
            type: 'conversation_initiation_metadata',
            conversation_initiation_metadata_event: { conversation_id: CONVERSATION_ID, agent_output_audio_format: 'pcm_16000', user_input_audio_format: 'pcm_16000' },
          });
          // Not in the handshake's packet: the SDK listens for conversation events only once the handshake's
          // promise has resumed it, and an event read in the same chunk as the handshake is lost (untraced too).
          setTimeout(() => {
            agentSays('Hi! Ask me about the weather.');
            if (agent === 'agent_dropped') setTimeout(() => socket.close(1011, 'Internal server error'), 20);
          }, 30);
          break;
        case 'user_message':
          send({ type: 'client_tool_call', client_tool_call: { tool_name: 'get_weather', tool_call_id: 'tc_weather', parameters: { city: 'Paris' } } });
          break;
        case 'client_tool_result':
          if (m.tool_call_id === 'tc_weather') {
            send({ type: 'client_tool_call', client_tool_call: { tool_name: 'book_table', tool_call_id: 'tc_book', parameters: { people: 2 } } });
          } else if (m.tool_call_id === 'tc_book') {
            send({ type: 'ping', ping_event: { event_id: ++eventId, ping_ms: 7 } });
          }
          break;
        case 'pong':
          agentSays('It is rainy in Paris.');
          send({
            type: 'agent_response_correction',
            agent_response_correction_event: { original_agent_response: 'It is rainy in Paris.', corrected_agent_response: 'It is sunny in Paris.', event_id: eventId },
          });
          send({ type: 'interruption', interruption_event: { event_id: eventId } });
          send({ type: 'user_transcript', user_transcription_event: { user_transcript: 'Thanks, bye.', event_id: ++eventId } });
          agentSays('Goodbye!');
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
