/**
 * One protocol-neutral, in-memory QQ world: the bot's account, users, friends, groups with members
 * and roles, conversations with their own message sequence, messages as neutral segments, stored
 * resources and forwarded messages. Front ends subscribe to its events and translate.
 * Deterministic: the clock and ids derive from the seed and the order of operations only.
 */
import { EventEmitter } from 'node:events';
import type { WorldDocument } from './types.js';

export type Sex = 'male' | 'female' | 'unknown';
export type Role = 'owner' | 'admin' | 'member';
export interface User { id: number; nickname: string; sex: Sex }
export interface Member { userId: number; role: Role; card: string; joinTime: number; lastSentTime: number }
export interface Group { id: number; name: string; members: Map<number, Member>; createdTime: number }

/** Neutral segments; front ends map them to and from their protocol's forms. */
export type Segment =
  | { type: 'text'; text: string }
  | { type: 'mention'; userId: number }
  | { type: 'mention_all' }
  | { type: 'face'; faceId: string }
  | { type: 'reply'; seq: number }
  | { type: 'image'; resourceId: string; summary?: string }
  | { type: 'record'; resourceId: string; duration: number }
  | { type: 'video'; resourceId: string }
  | { type: 'forward'; forwardId: string };

export type Scene = 'friend' | 'group';
/** A conversation: a friend (peer = user id) or a group (peer = group id). */
export interface Peer { scene: Scene; peer: number }
/** `seq` counts per conversation (Milky); `id` is world-wide (OneBot `message_id`). */
export interface Message extends Peer { id: number; seq: number; sender: number; time: number; segments: Segment[]; recalled: boolean }
export interface Resource { id: string; url: string; kind: string; name: string; size: number }
export interface ForwardNode { sender: number; nickname: string; time: number; segments: Segment[] }

export type WorldEvent =
  | { kind: 'message'; message: Message }
  | { kind: 'recall'; message: Message; operator: number }
  | { kind: 'member_join'; groupId: number; userId: number; operator: number; time: number };

/** The default world: non-empty, so `get_friend_list` / `get_group_list` show something at once. */
export const DEFAULT_WORLD: WorldDocument = {
  bot: { id: 10001000, nickname: 'qqwire-bot' },
  users: [
    { id: 20002000, nickname: 'alice', sex: 'female', friend: true },
    { id: 20003000, nickname: 'bob', sex: 'male', friend: true },
    { id: 20004000, nickname: 'carol', sex: 'female', friend: false },
  ],
  groups: [{ id: 30001000, name: 'qqwire 测试群', members: [{ id: 20002000, role: 'owner' }, { id: 20003000, role: 'admin' }, { id: 20004000 }, { id: 10001000 }] }],
};

export class World extends EventEmitter<{ event: [WorldEvent] }> {
  readonly bot: User;
  readonly users = new Map<number, User>();
  readonly friends = new Set<number>();
  readonly groups = new Map<number, Group>();
  readonly resources = new Map<string, Resource>();
  readonly forwards = new Map<string, ForwardNode[]>();
  /** Per conversation key (`group:1001`), its messages by seq, in order. */
  private readonly conversations = new Map<string, Message[]>();
  private readonly byId = new Map<number, Message>();
  private clock: number;
  private counter: number;

  constructor(doc: WorldDocument = DEFAULT_WORLD, seed = 1) {
    super();
    this.clock = doc.startTime ?? 1767225600;
    this.counter = seed * 1000;
    this.bot = { id: doc.bot.id, nickname: doc.bot.nickname, sex: 'unknown' };
    this.users.set(this.bot.id, this.bot);
    for (const u of doc.users ?? []) {
      this.users.set(u.id, { id: u.id, nickname: u.nickname, sex: u.sex ?? 'unknown' });
      if (u.friend ?? true) this.friends.add(u.id);
    }
    for (const g of doc.groups ?? []) {
      const members = new Map<number, Member>();
      for (const m of g.members) members.set(m.id, { userId: m.id, role: m.role ?? 'member', card: m.card ?? '', joinTime: this.clock, lastSentTime: 0 });
      if (!members.has(this.bot.id)) members.set(this.bot.id, { userId: this.bot.id, role: 'member', card: '', joinTime: this.clock, lastSentTime: 0 });
      this.groups.set(g.id, { id: g.id, name: g.name, members, createdTime: this.clock });
    }
  }

  /** Seconds; advances one per message so times are distinct and reproducible. */
  now(): number {
    return this.clock;
  }

  nextId(prefix: string): string {
    return `${prefix}${(this.counter++).toString(36)}`;
  }

  user(id: number): User | undefined {
    return this.users.get(id);
  }

  member(groupId: number, userId: number): Member | undefined {
    return this.groups.get(groupId)?.members.get(userId);
  }

  /** Sends a message into a conversation; a user's message (not the bot's) is a world event. */
  send(peer: Peer, sender: number, segments: Segment[]): Message {
    this.checkPeer(peer, sender);
    const list = this.conversation(peer);
    this.clock += 1;
    const message: Message = { ...peer, id: this.byId.size + 1, seq: list.length + 1, sender, time: this.clock, segments, recalled: false };
    list.push(message);
    this.byId.set(message.id, message);
    const member = peer.scene === 'group' ? this.member(peer.peer, sender) : undefined;
    if (member) member.lastSentTime = this.clock;
    if (sender !== this.bot.id) this.emit('event', { kind: 'message', message });
    return message;
  }

  /** The scripted other side: a user sends to the bot (privately, or in a group). */
  userSends(input: { from: number; group?: number | undefined; text?: string | undefined; segments?: Segment[] | undefined }): Message {
    const segments = input.segments ?? [{ type: 'text', text: input.text ?? '' }];
    const peer: Peer = input.group === undefined ? { scene: 'friend', peer: input.from } : { scene: 'group', peer: input.group };
    return this.send(peer, input.from, segments);
  }

  get(peer: Peer, seq: number): Message | undefined {
    const m = this.conversation(peer)[seq - 1];
    return m && !m.recalled ? m : undefined;
  }

  /** A message by its world-wide id (not recalled). */
  byMessageId(id: number): Message | undefined {
    const m = this.byId.get(id);
    return m && !m.recalled ? m : undefined;
  }

  /** Up to `limit` messages, newest first from `startSeq` (default: the newest), returned oldest first. */
  history(peer: Peer, startSeq: number | undefined, limit: number): { messages: Message[]; nextSeq: number | undefined } {
    const list = this.conversation(peer);
    let seq = Math.min(startSeq ?? list.length, list.length);
    const out: Message[] = [];
    while (seq >= 1 && out.length < limit) {
      const m = list[seq - 1]!;
      if (!m.recalled) out.push(m);
      seq--;
    }
    return { messages: out.reverse(), nextSeq: seq >= 1 ? seq : undefined };
  }

  /** Recalls a message; false when it does not exist or is already recalled. */
  recall(peer: Peer, seq: number, operator = this.bot.id): boolean {
    const m = this.get(peer, seq);
    if (!m) return false;
    m.recalled = true;
    this.emit('event', { kind: 'recall', message: m, operator });
    return true;
  }

  /** Stores forwarded nodes; the id is what a forward segment carries. */
  forward(nodes: ForwardNode[]): string {
    const id = this.nextId('fwd-');
    this.forwards.set(id, nodes);
    return id;
  }

  /** Stores a resource (image, file, …) by its URL; returns the stored entry. */
  store(kind: string, url: string, name = '', size = 0): Resource {
    const id = this.nextId(`res-${kind}-`);
    const resource: Resource = { id, url: `https://sim.qqwire.invalid/res/${id}`, kind, name: name || url.split('/').pop() || id, size };
    this.resources.set(id, resource);
    return resource;
  }

  /** A user joins a group (a world event). */
  join(groupId: number, userId: number, operator = 0): void {
    const g = this.groups.get(groupId);
    if (!g) throw new TypeError(`no group ${groupId}`);
    this.clock += 1;
    g.members.set(userId, { userId, role: 'member', card: '', joinTime: this.clock, lastSentTime: 0 });
    this.emit('event', { kind: 'member_join', groupId, userId, operator, time: this.clock });
  }

  private checkPeer(peer: Peer, sender: number): void {
    if (peer.scene === 'group') {
      if (!this.groups.get(peer.peer)?.members.has(sender)) throw new TypeError(`${sender} is not a member of group ${peer.peer}`);
    } else if (!this.users.has(peer.peer)) throw new TypeError(`no user ${peer.peer}`);
  }

  private conversation(peer: Peer): Message[] {
    const key = `${peer.scene}:${peer.peer}`;
    let list = this.conversations.get(key);
    if (!list) this.conversations.set(key, (list = []));
    return list;
  }
}
