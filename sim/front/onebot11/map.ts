/**
 * OneBot 11 family forms ↔ the neutral world. Candidates carry the union of the fields the dialects
 * (onebot11, gocqhttp, shamrock) name; fit() then keeps what each protocol.json declares.
 */
import { parseCQ, stringifyCQ } from '../../../runtime/cq-code.js';
import type { ForwardNode, Message, Segment, World, WorldEvent } from '../../world.js';

type Json = Record<string, unknown>;
interface Seg { type: string; data: Json }

/** A OneBot 11 `message` (CQ string, one segment or an array) → segments. */
export function segmentsOf(message: unknown, autoEscape = false): Seg[] {
  if (typeof message === 'string') return autoEscape ? [{ type: 'text', data: { text: message } }] : (parseCQ(message) as Seg[]);
  return (Array.isArray(message) ? message : [message]) as Seg[];
}

export function fromSegments(world: World, segs: Seg[]): Segment[] {
  return segs.map((s): Segment => {
    const d = s.data ?? {};
    switch (s.type) {
      case 'text': return { type: 'text', text: String(d['text']) };
      case 'at': return d['qq'] === 'all' ? { type: 'mention_all' } : { type: 'mention', userId: Number(d['qq']) };
      case 'face': return { type: 'face', faceId: String(d['id']) };
      case 'reply': return { type: 'reply', seq: world.byMessageId(Number(d['id']))?.seq ?? 0 };
      case 'image': return { type: 'image', resourceId: world.store('image', String(d['file'])).id };
      case 'record': return { type: 'record', resourceId: world.store('record', String(d['file'])).id, duration: 1 };
      case 'video': return { type: 'video', resourceId: world.store('video', String(d['file'])).id };
      case 'forward': return { type: 'forward', forwardId: String(d['id']) };
      default: return { type: 'text', text: `[${s.type}]` };
    }
  });
}

/** `node` segments (custom or by reference) → stored forward nodes. */
export function nodesOf(world: World, segs: Seg[]): ForwardNode[] {
  return segs.map((s) => {
    const d = s.data ?? {};
    const ref = d['id'] !== undefined && d['content'] === undefined ? world.byMessageId(Number(d['id'])) : undefined;
    if (ref) return { sender: ref.sender, nickname: world.user(ref.sender)?.nickname ?? '', time: ref.time, segments: ref.segments };
    const sender = Number(d['user_id'] ?? d['uin'] ?? d['qq'] ?? world.bot.id);
    return { sender, nickname: String(d['nickname'] ?? d['name'] ?? ''), time: world.now(), segments: fromSegments(world, segmentsOf(d['content'] ?? '')) };
  });
}

export function toSegments(world: World, segs: Segment[], m?: Message): Seg[] {
  return segs.map((s): Seg => {
    const url = (id: string) => world.resources.get(id)?.url ?? '';
    switch (s.type) {
      case 'text': return { type: 'text', data: { text: s.text } };
      case 'mention': return { type: 'at', data: { qq: String(s.userId) } };
      case 'mention_all': return { type: 'at', data: { qq: 'all' } };
      case 'face': return { type: 'face', data: { id: s.faceId } };
      case 'reply': return { type: 'reply', data: { id: String((m && world.get(m, s.seq)?.id) ?? 0) } };
      case 'image': return { type: 'image', data: { file: s.resourceId, url: url(s.resourceId) } };
      case 'record': return { type: 'record', data: { file: s.resourceId, url: url(s.resourceId) } };
      case 'video': return { type: 'video', data: { file: s.resourceId, url: url(s.resourceId) } };
      case 'forward': return { type: 'forward', data: { id: s.forwardId } };
    }
  });
}

export function sender(world: World, m: { scene: string; peer: number; sender: number }): Json {
  const u = world.user(m.sender);
  const member = m.scene === 'group' ? world.member(m.peer, m.sender) : undefined;
  return { user_id: m.sender, nickname: u?.nickname ?? '', sex: u?.sex ?? 'unknown', age: 0, ...(member ? { card: member.card, role: member.role, level: '1', title: '', area: '' } : {}) };
}

/** A message in every dialect's fields (get_msg, history entries, message events). */
export function messageCandidate(world: World, m: Message): Json {
  const segs = toSegments(world, m.segments, m);
  const group = m.scene === 'group';
  return {
    time: m.time, self_id: world.bot.id, post_type: 'message', message_type: group ? 'group' : 'private', sub_type: group ? 'normal' : 'friend',
    message_id: m.id, real_id: m.seq, message_seq: m.seq, group, ...(group ? { group_id: m.peer } : {}), user_id: m.sender, peer_id: m.peer,
    message: segs, raw_message: stringifyCQ(segs), font: 0, sender: sender(world, m),
  };
}

export function forwardCandidates(world: World, nodes: ForwardNode[]): Json[] {
  return nodes.map((n, i) => {
    const segs = toSegments(world, n.segments);
    return { type: 'node', data: { user_id: n.sender, nickname: n.nickname, content: segs }, content: segs, message: segs, sender: { user_id: n.sender, nickname: n.nickname }, time: n.time, message_id: i + 1, real_id: i + 1, message_type: 'private', user_id: n.sender, raw_message: stringifyCQ(segs), group: false };
  });
}

/** A world event → [event name in protocol.json, candidate]; undefined when not delivered. */
export function eventCandidate(world: World, e: WorldEvent): [string, Json] | undefined {
  const head = { time: world.now(), self_id: world.bot.id };
  switch (e.kind) {
    case 'message': return [`message.${e.message.scene === 'group' ? 'group' : 'private'}`, messageCandidate(world, e.message)];
    case 'recall': {
      const m = e.message;
      if (m.scene === 'group') return ['notice.group_recall', { ...head, post_type: 'notice', notice_type: 'group_recall', group_id: m.peer, user_id: m.sender, operator_id: e.operator, message_id: m.id }];
      return ['notice.friend_recall', { ...head, post_type: 'notice', notice_type: 'friend_recall', user_id: m.sender, operator_id: e.operator, message_id: m.id }];
    }
    case 'member_join': return ['notice.group_increase', { ...head, post_type: 'notice', notice_type: 'group_increase', sub_type: e.operator ? 'invite' : 'approve', group_id: e.groupId, operator_id: e.operator, user_id: e.userId }];
  }
}
