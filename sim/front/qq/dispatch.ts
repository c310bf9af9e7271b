/**
 * A world message as the QQ dispatch the platform sends: event name and `d` in the shapes of the bot
 * docs (群 @ 消息, 单聊消息, 频道 @ 消息, 私信), and the intent bit that subscribes to it.
 */
import type { QqMessage, QqWorld } from './world.js';

/** Event name and the intent (a name from the schema's gateway `intents`) that carries it, per scene. */
const EVENT_OF = {
  group: { t: 'GROUP_AT_MESSAGE_CREATE', intent: 'GROUP_AND_C2C_EVENT' },
  c2c: { t: 'C2C_MESSAGE_CREATE', intent: 'GROUP_AND_C2C_EVENT' },
  channel: { t: 'AT_MESSAGE_CREATE', intent: 'PUBLIC_GUILD_MESSAGES' },
  dms: { t: 'DIRECT_MESSAGE_CREATE', intent: 'DIRECT_MESSAGE' },
} as const;

export interface Dispatch { t: string; intent: string; id: string; d: Record<string, unknown> }

export function messageDispatch(world: QqWorld, m: QqMessage): Dispatch {
  const { t, intent } = EVENT_OF[m.scene];
  const timestamp = new Date(m.at).toISOString();
  let d: Record<string, unknown>;
  switch (m.scene) {
    case 'group':
      d = { id: m.id, author: { id: m.from, member_openid: m.from, union_openid: m.from }, content: ` ${m.content}`, timestamp, group_id: m.target, group_openid: m.target, attachments: [] };
      break;
    case 'c2c':
      d = { id: m.id, author: { id: m.from, user_openid: m.from, union_openid: m.from }, content: m.content, timestamp, attachments: [] };
      break;
    default: {
      const channel = m.scene === 'channel' ? world.channel(m.target) : undefined;
      const guildId = channel?.guild_id ?? m.target;
      const user = world.users.get(m.from);
      d = {
        id: m.id, channel_id: channel?.id ?? m.target, guild_id: guildId, content: m.content, timestamp,
        author: { id: m.from, username: user?.name ?? m.from, bot: false },
        member: { roles: ['1'], joined_at: timestamp }, seq: 1, seq_in_channel: '1',
        ...(m.scene === 'dms' ? { src_guild_id: guildId, direct_message: true } : {}),
      };
    }
  }
  return { t, intent, id: `${t}:${m.id}`, d };
}
