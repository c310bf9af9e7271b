/**
 * World-backed actions: sends with the passive-reply rules, media upload, recall, DM sessions,
 * interaction acks and the guild reads. An action without a handler answers its schema sample.
 */
import { QqFailure, codeOf, type Retcode } from './codes.js';
import type { QqMessage, QqWorld, Scene } from './world.js';

export interface HandlerContext {
  world: QqWorld;
  retcodes: readonly Retcode[];
  /** The action's passive-reply window (schema `reply-window-seconds`), if it has one. */
  replyWindowMs: number | undefined;
  /** The gateway / webhook URL the simulator serves. */
  gatewayUrl: string;
  usedSeqs: Set<string>;
  files: Map<string, { url: string; file_type: number }>;
}

type P = Record<string, unknown>;
type Handler = (p: P, c: HandlerContext) => unknown;

const str = (v: unknown): string => (typeof v === 'string' ? v : String(v ?? ''));

function notFound(c: HandlerContext, what: string): QqFailure {
  return new QqFailure(404, codeOf(c.retcodes, 'INVALID_FORM_BODY'), `${what} not found`);
}

/** Passive reply rules: the replied-to message exists in this conversation, is inside the window, and msg_id + msg_seq is new. */
function checkPassive(p: P, c: HandlerContext, scene: Scene, target: string): void {
  const msgId = p['msg_id'];
  if (typeof msgId !== 'string' || msgId === '') return;
  const original = c.world.messages.get(msgId);
  if (!original || original.scene !== scene || original.target !== target || original.from === c.world.bot.openid)
    throw new QqFailure(400, codeOf(c.retcodes, 'MSG_ID_INVALID'), '请求参数msg_id无效或越权');
  if (c.replyWindowMs !== undefined && c.world.now() - original.at > c.replyWindowMs)
    throw new QqFailure(400, codeOf(c.retcodes, 'MSG_EXPIRE'), '回复的消息过期');
  const key = `${msgId}\u0000${str(p['msg_seq'] ?? 1)}`;
  if (c.usedSeqs.has(key)) throw new QqFailure(400, codeOf(c.retcodes, 'MSG_SEQ_DEDUPLICATED'), '消息被去重，请检查请求msgseq');
  c.usedSeqs.add(key);
}

function content(p: P, c: HandlerContext): string {
  const media = p['media'];
  if (media && typeof media === 'object') {
    const info = str((media as P)['file_info']);
    if (!c.files.has(info)) throw new QqFailure(400, codeOf(c.retcodes, 'INVALID_FORM_BODY'), 'media.file_info is not an uploaded file');
    return `[media ${c.files.get(info)!.url}]${str(p['content'])}`;
  }
  return str(p['content'] ?? p['markdown'] ?? '');
}

function sendV2(scene: 'c2c' | 'group', targetKey: string): Handler {
  return (p, c) => {
    const target = str(p[targetKey]);
    if (scene === 'group' ? !c.world.groups.has(target) : !c.world.users.has(target)) throw notFound(c, `${targetKey} ${target}`);
    checkPassive(p, c, scene, target);
    const m = c.world.record(scene, target, c.world.bot.openid, content(p, c));
    return { id: m.id, timestamp: new Date(m.at).toISOString() };
  };
}

function guildMessage(m: QqMessage, c: HandlerContext, guildId: string, channelId: string): P {
  return { id: m.id, channel_id: channelId, guild_id: guildId, content: m.content, timestamp: new Date(m.at).toISOString(), author: { id: c.world.bot.openid, username: c.world.bot.name, bot: true } };
}

function sendChannel(p: P, c: HandlerContext): unknown {
  const channel = c.world.channel(str(p['channel_id']));
  if (!channel) throw notFound(c, `channel ${str(p['channel_id'])}`);
  checkPassive(p, c, 'channel', channel.id);
  return guildMessage(c.world.record('channel', channel.id, c.world.bot.openid, content(p, c)), c, channel.guild_id, channel.id);
}

function sendDms(p: P, c: HandlerContext): unknown {
  const guildId = str(p['guild_id']);
  if (!c.world.guilds.has(guildId)) throw notFound(c, `DM session ${guildId}`);
  checkPassive(p, c, 'dms', guildId);
  return guildMessage(c.world.record('dms', guildId, c.world.bot.openid, content(p, c)), c, guildId, guildId);
}

function upload(p: P, c: HandlerContext): unknown {
  const url = typeof p['url'] === 'string' ? p['url'] : `base64:${str(p['file_data']).length}`;
  const fileInfo = Buffer.from(c.world.nextId('file-')).toString('base64');
  c.files.set(fileInfo, { url, file_type: Number(p['file_type']) });
  return { file_uuid: c.world.nextId('uuid-'), file_info: fileInfo, ttl: 3600, ...(p['srv_send_msg'] ? { id: c.world.nextId('ROBOT1.0_media_') } : {}) };
}

function recall(p: P, c: HandlerContext): unknown {
  if (!c.world.recall(str(p['message_id']))) throw new QqFailure(400, codeOf(c.retcodes, 'RECALL_PARAM_INVALID'), 'message not found or already recalled');
  return undefined;
}

function guild(p: P, c: HandlerContext) {
  const g = c.world.guilds.get(str(p['guild_id']));
  if (!g) throw notFound(c, `guild ${str(p['guild_id'])}`);
  return g;
}

function guildInfo(g: ReturnType<typeof guild>): P {
  const { channels: _c, roles: _r, members: _m, ...info } = g;
  return info;
}

function member(c: HandlerContext, m: { user: string; roles: string[]; joined_at: string }): P {
  const u = c.world.users.get(m.user);
  return { user: { id: m.user, username: u?.name ?? m.user, bot: m.user === c.world.bot.openid }, nick: u?.name ?? m.user, roles: m.roles, joined_at: m.joined_at };
}

export const HANDLERS: Record<string, Handler> = {
  send_c2c_message: sendV2('c2c', 'openid'),
  send_group_message: sendV2('group', 'group_openid'),
  send_channel_message: sendChannel,
  send_channel_message_multipart: sendChannel,
  send_dms_message: sendDms,
  send_dms_message_multipart: sendDms,
  upload_c2c_media: upload,
  upload_group_media: upload,
  recall_c2c_message: recall,
  recall_group_message: recall,
  recall_channel_message: recall,
  recall_dms_message: recall,
  create_dms: (p, c) => {
    const source = guild({ guild_id: p['source_guild_id'] }, c);
    // The DM session lives in its own guild id; the simulator reuses the source guild for it.
    return { guild_id: source.id, channel_id: source.channels[0]!.id, create_time: String(Math.floor(c.world.now() / 1000)) };
  },
  ack_interaction: () => undefined,
  get_gateway: (_p, c) => ({ url: c.gatewayUrl }),
  get_gateway_bot: (_p, c) => ({ url: c.gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 } }),
  get_me: (_p, c) => ({ id: c.world.bot.openid, username: c.world.bot.name, avatar: 'https://example.invalid/bot.png', bot: true }),
  get_guilds: (_p, c) => [...c.world.guilds.values()].map(guildInfo),
  get_guild: (p, c) => guildInfo(guild(p, c)),
  get_channels: (p, c) => guild(p, c).channels,
  get_channel: (p, c) => c.world.channel(str(p['channel_id'])) ?? (() => { throw notFound(c, `channel ${str(p['channel_id'])}`); })(),
  get_guild_members: (p, c) => {
    const limit = Number(p['limit'] ?? 1);
    const all = guild(p, c).members;
    const after = str(p['after'] ?? '0');
    const start = after === '0' ? 0 : all.findIndex((m) => m.user === after) + 1;
    return all.slice(start, start + limit).map((m) => member(c, m));
  },
  get_guild_member: (p, c) => {
    const m = guild(p, c).members.find((x) => x.user === str(p['user_id']));
    if (!m) throw notFound(c, `member ${str(p['user_id'])}`);
    return member(c, m);
  },
  get_guild_roles: (p, c) => {
    const g = guild(p, c);
    return { guild_id: g.id, roles: g.roles, role_num_limit: '32' };
  },
};
