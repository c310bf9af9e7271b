/**
 * World-backed OneBot 11 family actions. Each returns a candidate that the front end fits to the
 * action's result schema (so go-cqhttp's and OpenShamrock's extra fields come from the same code).
 * An action not here answers its schema sample.
 */
import type { Peer, World } from '../../world.js';
import { forwardCandidates, fromSegments, messageCandidate, nodesOf, segmentsOf } from './map.js';

type Json = Record<string, unknown>;
/** A business failure (entity not found, …). */
export class OneBotFailure extends Error {}

const missing = (what: string): never => {
  throw new OneBotFailure(`${what} not found`);
};

function userCandidate(w: World, id: number): Json {
  const u = w.user(id) ?? missing(`user ${id}`);
  return { user_id: u.id, nickname: u.nickname, remark: '', sex: u.sex, age: 0, level: 1, login_days: 0, qid: '' };
}

function groupCandidate(w: World, id: number): Json {
  const g = w.groups.get(id) ?? missing(`group ${id}`);
  return { group_id: g.id, group_name: g.name, member_count: g.members.size, max_member_count: 500, group_create_time: g.createdTime, group_level: 1, group_memo: '', group_remark: '' };
}

function memberCandidate(w: World, groupId: number, userId: number): Json {
  const m = w.member(groupId, userId) ?? missing(`member ${userId} of group ${groupId}`);
  const u = w.user(userId);
  return { group_id: groupId, user_id: userId, nickname: u?.nickname ?? '', card: m.card, sex: u?.sex ?? 'unknown', age: 0, area: '', join_time: m.joinTime, last_sent_time: m.lastSentTime, level: '1', role: m.role, unfriendly: false, title: '', title_expire_time: 0, card_changeable: true, shut_up_timestamp: 0 };
}

function send(w: World, peer: Peer, p: Json): Json {
  if (peer.scene === 'group' ? !w.groups.has(peer.peer) : !w.users.has(peer.peer)) missing(`${peer.scene} ${peer.peer}`);
  const m = w.send(peer, w.bot.id, fromSegments(w, segmentsOf(p['message'], p['auto_escape'] === true)));
  return { message_id: m.id };
}

function sendForward(w: World, peer: Peer, p: Json): Json {
  if (peer.scene === 'group' ? !w.groups.has(peer.peer) : !w.users.has(peer.peer)) missing(`${peer.scene} ${peer.peer}`);
  const id = w.forward(nodesOf(w, segmentsOf(p['messages'])));
  const m = w.send(peer, w.bot.id, [{ type: 'forward', forwardId: id }]);
  return { message_id: m.id, forward_id: id, res_id: id };
}

const peerOfSend = (p: Json): Peer =>
  p['message_type'] === 'group' || (p['message_type'] === undefined && p['group_id'] !== undefined) ? { scene: 'group', peer: Number(p['group_id']) } : { scene: 'friend', peer: Number(p['user_id']) };

export const HANDLERS: Record<string, (w: World, p: Json) => unknown> = {
  get_login_info: (w) => ({ user_id: w.bot.id, nickname: w.bot.nickname }),
  get_friend_list: (w) => [...w.friends].map((id) => userCandidate(w, id)),
  get_stranger_info: (w, p) => userCandidate(w, Number(p['user_id'])),
  get_group_list: (w) => [...w.groups.keys()].map((id) => groupCandidate(w, id)),
  get_group_info: (w, p) => groupCandidate(w, Number(p['group_id'])),
  get_group_member_list: (w, p) => {
    const g = w.groups.get(Number(p['group_id'])) ?? missing(`group ${String(p['group_id'])}`);
    return [...g.members.keys()].map((u) => memberCandidate(w, g.id, u));
  },
  get_group_member_info: (w, p) => memberCandidate(w, Number(p['group_id']), Number(p['user_id'])),
  send_msg: (w, p) => send(w, peerOfSend(p), p),
  send_private_msg: (w, p) => send(w, { scene: 'friend', peer: Number(p['user_id']) }, p),
  send_group_msg: (w, p) => send(w, { scene: 'group', peer: Number(p['group_id']) }, p),
  get_msg: (w, p) => messageCandidate(w, w.byMessageId(Number(p['message_id'])) ?? missing(`message ${String(p['message_id'])}`)),
  delete_msg: (w, p) => {
    const m = w.byMessageId(Number(p['message_id'])) ?? missing(`message ${String(p['message_id'])}`);
    w.recall(m, m.seq);
    return null;
  },
  get_forward_msg: (w, p) => {
    const nodes = forwardCandidates(w, w.forwards.get(String(p['id'] ?? p['message_id'])) ?? missing(`forward ${String(p['id'])}`));
    return { message: nodes, messages: nodes };
  },
  send_group_forward_msg: (w, p) => sendForward(w, { scene: 'group', peer: Number(p['group_id']) }, p),
  send_private_forward_msg: (w, p) => sendForward(w, { scene: 'friend', peer: Number(p['user_id']) }, p),
  send_forward_msg: (w, p) => sendForward(w, peerOfSend(p), p),
  /** Newest first from message_seq (default: the newest), `count` (default 20) entries, oldest first. */
  get_group_msg_history: (w, p) => {
    const peer: Peer = { scene: 'group', peer: Number(p['group_id']) };
    if (!w.groups.has(peer.peer)) missing(`group ${peer.peer}`);
    const start = p['message_seq'] == null ? undefined : Number(p['message_seq']);
    return { messages: w.history(peer, start, Number(p['count'] ?? 20)).messages.map((m) => messageCandidate(w, m)) };
  },
  upload_group_file: (w, p) => ({ file_id: w.store('file', String(p['file']), String(p['name'])).id }),
  upload_private_file: (w, p) => ({ file_id: w.store('file', String(p['file']), String(p['name'])).id }),
};
