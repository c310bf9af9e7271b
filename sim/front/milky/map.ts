/** Milky forms ↔ the neutral world: outgoing segments in, incoming messages, entities and events out. */
import type { ForwardNode, Group, Member, Message, Segment, User, World, WorldEvent } from '../../world.js';

type Json = Record<string, unknown>;
interface OutSeg { type: string; data: Json }

/** An outgoing Milky segment → neutral (media `uri`s become stored resources). */
export function fromOutgoing(world: World, segs: OutSeg[], sender: number): Segment[] {
  return segs.map((s): Segment => {
    const d = s.data;
    switch (s.type) {
      case 'text': return { type: 'text', text: String(d['text']) };
      case 'mention': return { type: 'mention', userId: Number(d['user_id']) };
      case 'mention_all': return { type: 'mention_all' };
      case 'face': return { type: 'face', faceId: String(d['face_id']) };
      case 'reply': return { type: 'reply', seq: Number(d['message_seq']) };
      case 'image': return { type: 'image', resourceId: world.store('image', String(d['uri'])).id, ...(typeof d['summary'] === 'string' ? { summary: d['summary'] } : {}) };
      case 'record': return { type: 'record', resourceId: world.store('record', String(d['uri'])).id, duration: 1 };
      case 'video': return { type: 'video', resourceId: world.store('video', String(d['uri'])).id };
      case 'forward': {
        const nodes: ForwardNode[] = (d['messages'] as Json[]).map((m) => ({ sender: Number(m['user_id']), nickname: String(m['sender_name']), time: world.now(), segments: fromOutgoing(world, m['segments'] as OutSeg[], sender) }));
        return { type: 'forward', forwardId: world.forward(nodes) };
      }
      default: return { type: 'text', text: `[${s.type}]` };
    }
  });
}

export function toIncomingSegments(world: World, segs: Segment[], peer?: { scene: Message['scene']; peer: number }): Json[] {
  return segs.map((s): Json => {
    const temp = (id: string) => world.resources.get(id)?.url ?? '';
    switch (s.type) {
      case 'text': return { type: 'text', data: { text: s.text } };
      case 'mention': return { type: 'mention', data: { user_id: s.userId, name: world.user(s.userId)?.nickname ?? '' } };
      case 'mention_all': return { type: 'mention_all', data: {} };
      case 'face': return { type: 'face', data: { face_id: s.faceId, is_large: false } };
      case 'reply': {
        const target = peer && world.get(peer, s.seq);
        return { type: 'reply', data: { message_seq: s.seq, sender_id: target?.sender ?? world.bot.id, time: target?.time ?? 0, segments: target ? toIncomingSegments(world, target.segments) : [] } };
      }
      case 'image': return { type: 'image', data: { resource_id: s.resourceId, temp_url: temp(s.resourceId), width: 640, height: 480, summary: s.summary ?? '[图片]', sub_type: 'normal' } };
      case 'record': return { type: 'record', data: { resource_id: s.resourceId, temp_url: temp(s.resourceId), duration: s.duration } };
      case 'video': return { type: 'video', data: { resource_id: s.resourceId, temp_url: temp(s.resourceId), width: 640, height: 480, duration: 1 } };
      case 'forward': return { type: 'forward', data: { forward_id: s.forwardId, title: '聊天记录', preview: [], summary: `${world.forwards.get(s.forwardId)?.length ?? 0} 条消息` } };
    }
  });
}

export function friendEntity(u: User): Json {
  return { user_id: u.id, nickname: u.nickname, sex: u.sex, qid: '', remark: '', category: { category_id: 0, category_name: '我的好友' } };
}

export function groupEntity(g: Group): Json {
  return { group_id: g.id, group_name: g.name, member_count: g.members.size, max_member_count: 500, remark: '', created_time: g.createdTime, description: '', question: '', announcement: '' };
}

export function memberEntity(world: World, groupId: number, m: Member): Json {
  const u = world.user(m.userId);
  return { user_id: m.userId, nickname: u?.nickname ?? String(m.userId), sex: u?.sex ?? 'unknown', group_id: groupId, card: m.card, title: '', level: 1, role: m.role, join_time: m.joinTime, last_sent_time: m.lastSentTime };
}

export function incomingMessage(world: World, m: Message): Json {
  const base = { message_scene: m.scene, peer_id: m.peer, message_seq: m.seq, sender_id: m.sender, time: m.time, segments: toIncomingSegments(world, m.segments, m) };
  if (m.scene === 'group') {
    const g = world.groups.get(m.peer)!;
    const member = g.members.get(m.sender) ?? { userId: m.sender, role: 'member', card: '', joinTime: 0, lastSentTime: 0 };
    return { ...base, group: groupEntity(g), group_member: memberEntity(world, g.id, member) };
  }
  const friend = world.user(m.sender === world.bot.id ? m.peer : m.sender)!;
  return { ...base, friend: friendEntity(friend) };
}

/** A world event in Milky's event form (undefined when Milky has no such event). */
export function milkyEvent(world: World, e: WorldEvent): Json | undefined {
  const head = { time: world.now(), self_id: world.bot.id };
  switch (e.kind) {
    case 'message': return { event_type: 'message_receive', ...head, data: incomingMessage(world, e.message) };
    case 'recall': return { event_type: 'message_recall', ...head, data: { message_scene: e.message.scene, peer_id: e.message.peer, message_seq: e.message.seq, sender_id: e.message.sender, operator_id: e.operator, display_suffix: '' } };
    case 'member_join': return { event_type: 'group_member_increase', ...head, data: { group_id: e.groupId, user_id: e.userId, ...(e.operator ? { operator_id: e.operator } : {}) } };
  }
}
