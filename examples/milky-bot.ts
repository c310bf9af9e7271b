/**
 * A Milky bot: waits for a message, answers it, then sends, gets, pages history, forwards and
 * recalls. It knows nothing about the simulator: point it at any Milky protocol side.
 */
import { createMilkyClient, createMilkyEventHub, protocol, type IncomingSegment } from 'qqwire/milky';
import { createSseReceiver } from 'qqwire/runtime/events';

export interface BotOptions {
  /** e.g. http://127.0.0.1:3000 */
  baseUrl: string;
  accessToken?: string | undefined;
  log?: (line: string) => void;
  /** Called once the bot listens for events. */
  onReady?: () => void;
}

export async function milkyBot({ baseUrl, accessToken, log = console.log, onReady }: BotOptions): Promise<void> {
  const milky = createMilkyClient({ baseUrl, accessToken });
  const hub = createMilkyEventHub({ onError: (e) => log(`event error: ${e.message}`) });
  const receiver = createSseReceiver({ protocol, url: `${baseUrl}/event`, accessToken, sink: hub });
  const incoming = hub.events('message_receive');
  await receiver.start();
  const me = await milky.getLoginInfo();
  log(`logged in as ${me.nickname} (${me.uin})`);
  onReady?.();

  const { value: event } = await incoming.next();
  await receiver.close();
  if (!event || event.data.message_scene !== 'group') throw new Error('expected a group message');
  const group_id = event.data.peer_id;
  const text = event.data.segments.map((s: IncomingSegment) => (s.type === 'text' ? s.data.text : '')).join('');
  log(`received in group ${group_id} from ${event.data.sender_id}: ${text}`);

  const reply = await milky.sendGroupMessage({ group_id, message: [{ type: 'reply', data: { message_seq: event.data.message_seq } }, { type: 'text', data: { text: `you said: ${text}` } }] });
  log(`answered: message_seq ${reply.message_seq}`);
  const sent = await milky.sendGroupMessage({ group_id, message: [{ type: 'text', data: { text: 'a picture' } }, { type: 'image', data: { uri: 'https://example.com/cat.png' } }] });
  const got = await milky.getMessage({ message_scene: 'group', peer_id: group_id, message_seq: sent.message_seq });
  log(`got back message ${sent.message_seq}: ${got.message.segments.map((s) => s.type).join(' + ')}`);
  let start: number | bigint | string | undefined | null;
  for (let page = 1; page <= 2; page++) {
    const history = await milky.getHistoryMessages({ message_scene: 'group', peer_id: group_id, limit: 2, start_message_seq: start === undefined ? null : Number(start) });
    log(`history page ${page}: seq ${history.messages.map((m) => m.message_seq).join(', ')}`);
    start = history.next_message_seq;
    if (start == null) break;
  }
  const fwd = await milky.sendGroupMessage({ group_id, message: [{ type: 'forward', data: { messages: [{ user_id: event.data.sender_id, sender_name: 'quoted', segments: [{ type: 'text', data: { text } }] }] } }] });
  const fwdMsg = await milky.getMessage({ message_scene: 'group', peer_id: group_id, message_seq: fwd.message_seq });
  const segment = fwdMsg.message.segments[0];
  if (segment?.type === 'forward') {
    const nodes = await milky.getForwardedMessages({ forward_id: segment.data.forward_id });
    log(`forwarded ${nodes.messages.length} message(s), id ${segment.data.forward_id}`);
  }
  await milky.recallGroupMessage({ group_id, message_seq: sent.message_seq });
  log(`recalled message ${sent.message_seq}`);
}
