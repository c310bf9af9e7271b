/** World-backed Milky actions; an action not here answers its schema sample. */
import type { ForwardNode, Peer, World } from '../../world.js';
import { friendEntity, fromOutgoing, groupEntity, incomingMessage, memberEntity, toIncomingSegments } from './map.js';

type Json = Record<string, unknown>;
/** A handler's failure: the retcode name in protocol.json and a message. */
export class MilkyFailure extends Error {
  constructor(readonly retcode: string, message: string) {
    super(message);
  }
}

const notFound = (what: string): never => {
  throw new MilkyFailure('NOT_FOUND', `${what} not found`);
};
const peerOf = (p: Json): Peer => ({ scene: p['message_scene'] === 'group' ? 'group' : 'friend', peer: Number(p['peer_id']) });
const HISTORY_MAX = 30;

export const HANDLERS: Record<string, (world: World, p: Json) => Json | null> = {
  get_login_info: (w) => ({ uin: w.bot.id, nickname: w.bot.nickname }),
  get_impl_info: () => ({ impl_name: 'qqwire-sim', impl_version: '0.1.0', qq_protocol_version: '0', qq_protocol_type: 'linux', milky_version: '1.2' }),
  get_friend_list: (w) => ({ friends: [...w.friends].map((id) => friendEntity(w.user(id)!)) }),
  get_friend_info: (w, p) => {
    const id = Number(p['user_id']);
    return { friend: friendEntity(w.friends.has(id) ? w.user(id)! : notFound(`friend ${id}`)) };
  },
  get_user_profile: (w, p) => {
    const u = w.user(Number(p['user_id'])) ?? notFound(`user ${String(p['user_id'])}`);
    return { nickname: u.nickname, qid: '', age: 0, sex: u.sex, remark: '', bio: '', level: 1, country: '', city: '', school: '' };
  },
  get_group_list: (w) => ({ groups: [...w.groups.values()].map(groupEntity) }),
  get_group_info: (w, p) => ({ group: groupEntity(w.groups.get(Number(p['group_id'])) ?? notFound(`group ${String(p['group_id'])}`)) }),
  get_group_member_list: (w, p) => {
    const g = w.groups.get(Number(p['group_id'])) ?? notFound(`group ${String(p['group_id'])}`);
    return { members: [...g.members.values()].map((m) => memberEntity(w, g.id, m)) };
  },
  get_group_member_info: (w, p) => {
    const gid = Number(p['group_id']);
    const m = w.member(gid, Number(p['user_id'])) ?? notFound(`member ${String(p['user_id'])} of group ${gid}`);
    return { member: memberEntity(w, gid, m) };
  },
  send_private_message: (w, p) => send(w, { scene: 'friend', peer: Number(p['user_id']) }, p),
  send_group_message: (w, p) => send(w, { scene: 'group', peer: Number(p['group_id']) }, p),
  recall_private_message: (w, p) => recall(w, { scene: 'friend', peer: Number(p['user_id']) }, p),
  recall_group_message: (w, p) => recall(w, { scene: 'group', peer: Number(p['group_id']) }, p),
  get_message: (w, p) => ({ message: incomingMessage(w, w.get(peerOf(p), Number(p['message_seq'])) ?? notFound(`message ${String(p['message_seq'])}`)) }),
  get_history_messages: (w, p) => {
    const limit = Math.min(Number(p['limit'] ?? 20), HISTORY_MAX);
    const start = p['start_message_seq'] == null ? undefined : Number(p['start_message_seq']);
    const page = w.history(peerOf(p), start, limit);
    return { messages: page.messages.map((m) => incomingMessage(w, m)), ...(page.nextSeq !== undefined ? { next_message_seq: page.nextSeq } : {}) };
  },
  get_forwarded_messages: (w, p) => {
    const nodes = w.forwards.get(String(p['forward_id'])) ?? notFound(`forward ${String(p['forward_id'])}`);
    return { messages: nodes.map((n, i) => forwardedMessage(w, n, i)) };
  },
  get_resource_temp_url: (w, p) => ({ url: (w.resources.get(String(p['resource_id'])) ?? notFound(`resource ${String(p['resource_id'])}`)).url }),
  upload_group_file: (w, p) => ({ file_id: w.store('file', String(p['file_uri']), String(p['file_name'])).id }),
  upload_private_file: (w, p) => ({ file_id: w.store('file', String(p['file_uri']), String(p['file_name'])).id }),
  get_group_file_download_url: (w, p) => ({ download_url: (w.resources.get(String(p['file_id'])) ?? notFound(`file ${String(p['file_id'])}`)).url }),
  get_private_file_download_url: (w, p) => ({ download_url: (w.resources.get(String(p['file_id'])) ?? notFound(`file ${String(p['file_id'])}`)).url }),
};

function forwardedMessage(w: World, n: ForwardNode, i: number): Json {
  return { message_seq: i + 1, sender_name: n.nickname, avatar_url: `https://sim.qqwire.invalid/avatar/${n.sender}`, time: n.time, segments: toIncomingSegments(w, n.segments) };
}

function send(w: World, peer: Peer, p: Json): Json {
  if (peer.scene === 'group' ? !w.groups.has(peer.peer) : !w.friends.has(peer.peer)) notFound(`${peer.scene} ${peer.peer}`);
  const m = w.send(peer, w.bot.id, fromOutgoing(w, p['message'] as never, w.bot.id));
  return { message_seq: m.seq, time: m.time };
}

function recall(w: World, peer: Peer, p: Json): null {
  if (!w.recall(peer, Number(p['message_seq']))) notFound(`message ${String(p['message_seq'])}`);
  return null;
}
