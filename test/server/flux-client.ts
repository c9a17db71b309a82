// Helpers for the Flux (/v2/listen) tests of the local server: a bare ws client and readable summaries.
import { connect, LINEAR16, API_KEY, type LiveClient, type Message } from './live-client.js';
import type { DeepgramServer } from '../support/deepgram-server/index.js';

export const FLUX = `model=flux-general-en&${LINEAR16}`;

export function connectFlux(
  server: DeepgramServer,
  query = FLUX,
  headers: Record<string, string> = { Authorization: `Token ${API_KEY}` },
): Promise<LiveClient> {
  return connect(server, query, headers, '/v2/listen');
}

export const turnInfos = (messages: Message[]): Message[] => messages.filter((m) => m?.type === 'TurnInfo');
/** TurnInfo other than Update: the turn's life. */
export const turnEvents = (messages: Message[]): Message[] => turnInfos(messages).filter((m) => m.event !== 'Update');

/** One line per message: `<event> <turn_index> <window start>-<window end> "<transcript>" [trigger]`, or the type. */
export function summary(message: Message): string {
  if (message?.type !== 'TurnInfo') return String(message?.type ?? message);
  const trigger = message.trigger === undefined ? '' : ` ${message.trigger}`;
  return `${message.event} ${message.turn_index} ${message.audio_window_start}-${message.audio_window_end} "${message.transcript}"${trigger}`;
}

/** Sends `message`, then an empty Configure, and resolves once its answer came: everything the first caused has arrived by then. */
export async function sendAndSync(client: LiveClient, message: object | string): Promise<void> {
  const before = client.messages.length;
  client.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  client.sendJson({ type: 'Configure' });
  await client.waitFor((m) => m?.type === 'ConfigureSuccess' && client.messages.indexOf(m) >= before);
}
