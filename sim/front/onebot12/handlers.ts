/** World-backed OneBot 12 actions (candidates fitted to the result schema); others answer samples. */
import type { Peer, World } from '../../world.js';
import { fromSegments, messageEvent } from './map.js';

type Json = Record<string, unknown>;
const missing = (what: string): never => {
  throw new Error(`${what} not found`);
};
const user = (w: World, id: number): Json => {
  const u = w.user(id) ?? missing(`user ${id}`);
  return { user_id: String(u.id), user_name: u.nickname, user_displayname: '', user_remark: '' };
};
const group = (w: World, id: number): Json => ({ group_id: String(id), group_name: (w.groups.get(id) ?? missing(`group ${id}`)).name });

export const HANDLERS: Record<string, (w: World, p: Json) => unknown> = {
  get_self_info: (w) => ({ user_id: String(w.bot.id), user_name: w.bot.nickname, user_displayname: '' }),
  get_user_info: (w, p) => user(w, Number(p['user_id'])),
  get_friend_list: (w) => [...w.friends].map((id) => user(w, id)),
  get_group_info: (w, p) => group(w, Number(p['group_id'])),
  get_group_list: (w) => [...w.groups.keys()].map((id) => group(w, id)),
  get_group_member_info: (w, p) => {
    const m = w.member(Number(p['group_id']), Number(p['user_id'])) ?? missing(`member ${String(p['user_id'])}`);
    return { ...user(w, m.userId), user_displayname: m.card };
  },
  get_group_member_list: (w, p) => [...(w.groups.get(Number(p['group_id'])) ?? missing(`group ${String(p['group_id'])}`)).members.values()].map((m) => ({ ...user(w, m.userId), user_displayname: m.card })),
  send_message: (w, p) => {
    const peer: Peer = p['detail_type'] === 'group' ? { scene: 'group', peer: Number(p['group_id']) } : { scene: 'friend', peer: Number(p['user_id']) };
    if (peer.scene === 'group' ? !w.groups.has(peer.peer) : !w.users.has(peer.peer)) missing(`${peer.scene} ${peer.peer}`);
    const m = w.send(peer, w.bot.id, fromSegments(w, p['message']));
    return { message_id: String(m.id), time: m.time };
  },
  get_message: (w, p) => messageEvent(w, w.byMessageId(Number(p['message_id'])) ?? missing(`message ${String(p['message_id'])}`)),
  delete_message: (w, p) => {
    const m = w.byMessageId(Number(p['message_id'])) ?? missing(`message ${String(p['message_id'])}`);
    w.recall(m, m.seq);
    return null;
  },
  upload_file: (w, p) => ({ file_id: w.store('file', String(p['url'] ?? p['path'] ?? p['name']), String(p['name'])).id }),
  get_file: (w, p) => {
    const r = w.resources.get(String(p['file_id'])) ?? missing(`file ${String(p['file_id'])}`);
    return { name: r.name, url: r.url };
  },
};
