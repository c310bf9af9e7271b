/**
 * The QQ official front end's view of the world: users (by openid), groups with members, guilds with
 * channels, members and roles, and every message by id with the time it was received.
 *
 * A thin stand-in until the shared protocol-neutral world (sim/world.ts on h-sim) lands; the front end
 * only uses `QqWorld`, so swapping in an adapter over the shared world changes no handler.
 */
import { EventEmitter } from 'node:events';

export interface QqUser { openid: string; name: string }
export interface QqGroup { openid: string; name: string; members: string[] }
export interface QqRole { id: string; name: string; color: number; hoist: number; number: number; member_limit: number }
export interface QqChannel { id: string; guild_id: string; name: string; type: number; position: number; parent_id: string; owner_id: string; sub_type: number }
export interface QqGuild { id: string; name: string; icon: string; owner_id: string; owner: boolean; member_count: number; max_members: number; description: string; joined_at: string; channels: QqChannel[]; roles: QqRole[]; members: { user: string; roles: string[]; joined_at: string }[] }

export type Scene = 'c2c' | 'group' | 'channel' | 'dms';
export interface QqMessage {
  id: string;
  scene: Scene;
  /** openid (c2c), group openid, channel id, or guild id (dms). */
  target: string;
  from: string;
  content: string;
  /** ms since epoch, by the simulator's clock. */
  at: number;
  recalled: boolean;
}

/** A message sent by a user (not the bot), the source of dispatches. */
export interface UserMessageEvent { kind: 'message'; message: QqMessage }
export type QqWorldEvent = UserMessageEvent;

export interface QqWorldOptions {
  now?: (() => number) | undefined;
  seed?: number | undefined;
}

export class QqWorld extends EventEmitter<{ event: [QqWorldEvent] }> {
  readonly bot: QqUser = { openid: '6158788878435714165', name: 'qqwire-bot' };
  readonly users = new Map<string, QqUser>();
  readonly groups = new Map<string, QqGroup>();
  readonly guilds = new Map<string, QqGuild>();
  readonly messages = new Map<string, QqMessage>();
  readonly now: () => number;
  private counter: number;

  constructor(options: QqWorldOptions = {}) {
    super();
    this.now = options.now ?? Date.now;
    this.counter = options.seed ?? 1;
    for (const [openid, name] of [['E4F4AEA33253A2797FB897C50B81D7ED', 'alice'], ['0B8E1D4A39EF3D1C7A62F2DA57C9A101', 'bob']] as const) this.users.set(openid, { openid, name });
    this.groups.set('C9F778FE6ADF9D1D1DBE395BF744A33A', { openid: 'C9F778FE6ADF9D1D1DBE395BF744A33A', name: 'qqwire 测试群', members: [...this.users.keys()] });
    const joined = new Date(this.now()).toISOString();
    this.guilds.set('9014327621580938531', {
      id: '9014327621580938531', name: 'qqwire 频道', icon: 'https://example.invalid/icon.png', owner_id: 'u-alice', owner: false,
      member_count: 3, max_members: 500, description: 'simulated guild', joined_at: joined,
      channels: [{ id: '1423007', guild_id: '9014327621580938531', name: '闲聊', type: 0, position: 1, parent_id: '0', owner_id: 'u-alice', sub_type: 0 }],
      roles: [{ id: '4', name: '创建者', color: 4294927682, hoist: 1, number: 1, member_limit: 1 }, { id: '1', name: '普通成员', color: 0, hoist: 0, number: 2, member_limit: 1000 }],
      members: [{ user: 'u-alice', roles: ['4'], joined_at: joined }, { user: 'u-bob', roles: ['1'], joined_at: joined }, { user: this.bot.openid, roles: ['1'], joined_at: joined }],
    });
  }

  nextId(prefix: string): string {
    return `${prefix}${(this.counter++).toString(16).padStart(8, '0')}`;
  }

  /** Stores a message (the bot's or a user's); a user's becomes a world event. */
  record(scene: Scene, target: string, from: string, content: string): QqMessage {
    const message: QqMessage = { id: this.nextId(`ROBOT1.0_${scene}_`), scene, target, from, content, at: this.now(), recalled: false };
    this.messages.set(message.id, message);
    if (from !== this.bot.openid) this.emit('event', { kind: 'message', message });
    return message;
  }

  /** The scripted other side: a user sends the bot a message (group @-message, C2C, channel @, DM). */
  userSends(input: { from: string; scene: Scene; target?: string; text: string }): QqMessage {
    const target = input.target ?? (input.scene === 'c2c' ? input.from : '');
    if (input.scene === 'group' && !this.groups.get(target)?.members.includes(input.from)) throw new TypeError(`${input.from} is not in group ${target}`);
    return this.record(input.scene, target, input.from, input.text);
  }

  recall(id: string): boolean {
    const m = this.messages.get(id);
    if (!m || m.recalled) return false;
    m.recalled = true;
    return true;
  }

  channel(id: string): QqChannel | undefined {
    for (const g of this.guilds.values()) for (const c of g.channels) if (c.id === id) return c;
    return undefined;
  }
}
