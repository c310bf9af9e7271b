/** OneBot 12 forms ↔ the neutral world: string ids, segment arrays, `self`, events with `id`. */
import type { Message, Segment, World, WorldEvent } from '../../world.js';

type Json = Record<string, unknown>;
interface Seg { type: string; data: Json }
export const PLATFORM = 'qq';

export function fromSegments(world: World, message: unknown): Segment[] {
  return ((Array.isArray(message) ? message : [message]) as Seg[]).map((s): Segment => {
    const d = s.data ?? {};
    switch (s.type) {
      case 'text': return { type: 'text', text: String(d['text']) };
      case 'mention': return { type: 'mention', userId: Number(d['user_id']) };
      case 'mention_all': return { type: 'mention_all' };
      case 'reply': return { type: 'reply', seq: world.byMessageId(Number(d['message_id']))?.seq ?? 0 };
      case 'image': return { type: 'image', resourceId: String(d['file_id']) };
      default: return { type: 'text', text: `[${s.type}]` };
    }
  });
}

export function toSegments(world: World, segs: Segment[], m: Message): Seg[] {
  return segs.map((s): Seg => {
    switch (s.type) {
      case 'text': return { type: 'text', data: { text: s.text } };
      case 'mention': return { type: 'mention', data: { user_id: String(s.userId) } };
      case 'mention_all': return { type: 'mention_all', data: {} };
      case 'reply': return { type: 'reply', data: { message_id: String(world.get(m, s.seq)?.id ?? 0) } };
      case 'image': case 'record': case 'video': return { type: s.type === 'record' ? 'voice' : s.type, data: { file_id: s.resourceId } };
      case 'face': return { type: 'text', data: { text: `[face ${s.faceId}]` } };
      case 'forward': return { type: 'text', data: { text: `[forward ${s.forwardId}]` } };
    }
  });
}

const alt = (segs: Seg[]) => segs.map((s) => (s.type === 'text' ? String(s.data['text']) : `[${s.type}]`)).join('');

export function messageEvent(world: World, m: Message): Json {
  const message = toSegments(world, m.segments, m);
  const group = m.scene === 'group';
  return {
    id: `msg-${m.id}`, self: { platform: PLATFORM, user_id: String(world.bot.id) }, time: m.time, type: 'message', detail_type: group ? 'group' : 'private', sub_type: '',
    message_id: String(m.id), message, alt_message: alt(message), user_id: String(m.sender), ...(group ? { group_id: String(m.peer) } : {}),
  };
}

export function eventOf(world: World, e: WorldEvent): Json | undefined {
  const self = { platform: PLATFORM, user_id: String(world.bot.id) };
  switch (e.kind) {
    case 'message': return messageEvent(world, e.message);
    case 'recall': {
      const m = e.message;
      const group = m.scene === 'group';
      return { id: `del-${m.id}`, self, time: world.now(), type: 'notice', detail_type: group ? 'group_message_delete' : 'private_message_delete', sub_type: e.operator === m.sender ? 'recall' : 'delete', message_id: String(m.id), user_id: String(m.sender), ...(group ? { group_id: String(m.peer), operator_id: String(e.operator) } : {}) };
    }
    case 'member_join': return { id: `join-${e.groupId}-${e.userId}-${e.time}`, self, time: e.time, type: 'notice', detail_type: 'group_member_increase', sub_type: e.operator ? 'invite' : 'join', group_id: String(e.groupId), user_id: String(e.userId), operator_id: String(e.operator) };
  }
}
