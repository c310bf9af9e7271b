/**
 * A OneBot 11 bot over forward WebSocket: waits for a group message, answers it, then sends, gets,
 * forwards and recalls (history is a go-cqhttp extension, see the Milky bot for paging).
 */
import { createOnebot11Client } from 'qqwire/onebot11';
import { onEvents } from 'qqwire/runtime';

export interface BotOptions {
  /** e.g. ws://127.0.0.1:6700 */
  wsUrl: string;
  accessToken?: string | undefined;
  log?: (line: string) => void;
  onReady?: () => void;
}

interface GroupMessage { post_type: 'message'; message_type: 'group'; group_id: number; user_id: number; message_id: number; raw_message: string }

export async function onebot11Bot({ wsUrl, accessToken, log = console.log, onReady }: BotOptions): Promise<void> {
  const bot = createOnebot11Client({ baseUrl: wsUrl, accessToken });
  const message = new Promise<GroupMessage>((resolve) => {
    onEvents(bot, (e) => {
      const event = e as Partial<GroupMessage>;
      if (event.post_type === 'message' && event.message_type === 'group') resolve(event as GroupMessage);
    });
  });
  const me = await bot.getLoginInfo();
  log(`logged in as ${me.nickname} (${me.user_id})`);
  onReady?.();

  const event = await message;
  log(`received in group ${event.group_id} from ${event.user_id}: ${event.raw_message}`);
  const reply = await bot.sendGroupMsg({ group_id: event.group_id, message: [{ type: 'reply', data: { id: String(event.message_id) } }, { type: 'text', data: { text: `you said: ${event.raw_message}` } }] });
  log(`answered: message_id ${reply.message_id}`);
  const sent = await bot.sendGroupMsg({ group_id: event.group_id, message: 'a picture [CQ:image,file=https://example.com/cat.png]' });
  const got = await bot.getMsg({ message_id: sent.message_id });
  log(`got back message ${sent.message_id}: ${JSON.stringify(got.message)}`);
  await bot.deleteMsg({ message_id: sent.message_id });
  log(`recalled message ${sent.message_id}`);
  await bot.close();
}
