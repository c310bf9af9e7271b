// Type-level tests for the OneBot 11 family's event hubs: `on(name)` narrows by the generated EventMap,
// each child protocol's additions and removals show in its own map, and quick operations are typed.
import { createGocqhttpEventHub, type GuildMessageEvent, type PokeEvent as GocqPokeEvent } from 'qqwire/gocqhttp';
import {
  createOnebot11EventHub,
  type GroupMessageEvent,
  type GroupMessageQuickOperation,
  type GroupRequestQuickOperation,
  type PokeEvent,
  type PrivateMessageEvent,
} from 'qqwire/onebot11';
import { createShamrockEventHub, type PrivateUploadEvent } from 'qqwire/shamrock';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(_: T): void {}

export function onebot11Events(): void {
  const hub = createOnebot11EventHub();
  hub.on('message.group', (e): GroupMessageQuickOperation => {
    assertType<Equal<typeof e, GroupMessageEvent>>(true);
    assertType<Equal<typeof e.group_id, number>>(true);
    assertType<Equal<typeof e.sub_type, 'normal' | 'anonymous' | 'notice'>>(true);
    return { reply: 'pong', at_sender: false };
  });
  hub.on('message.private', (e) => assertType<Equal<typeof e, PrivateMessageEvent>>(true));
  hub.on('notice.notify.poke', (e) => assertType<Equal<typeof e.group_id, number>>(true));
  hub.on('request.group', (e): GroupRequestQuickOperation => ({ approve: e.sub_type === 'add', reason: 'no' }));
  // @ts-expect-error a private message has no group_id
  hub.on('message.private', (e) => e.group_id);
  // @ts-expect-error message_sent is go-cqhttp's, not OneBot 11's
  hub.on('message_sent.group', () => undefined);
  // @ts-expect-error the quick operation's ban_duration is a number
  const wrong: GroupMessageQuickOperation = { ban: true, ban_duration: '60' };
  void wrong;
  void ((p: PokeEvent) => p.target_id);
}

export function childEvents(): void {
  const gocq = createGocqhttpEventHub();
  gocq.on('message.guild', (e) => {
    assertType<Equal<typeof e, GuildMessageEvent>>(true);
    assertType<Equal<typeof e.channel_id, string>>(true);
  });
  gocq.on('message_sent.private', (e) => assertType<Equal<typeof e.post_type, 'message_sent'>>(true));
  // A friend poke has no group: go-cqhttp widens the inherited type.
  gocq.on('notice.notify.poke', (e) => assertType<Equal<typeof e, GocqPokeEvent>>(true));
  gocq.on('notice.notify.poke', (e) => assertType<Equal<typeof e.group_id, number | undefined>>(true));

  const shamrock = createShamrockEventHub();
  shamrock.on('notice.private_upload', (e) => assertType<Equal<typeof e, PrivateUploadEvent>>(true));
  shamrock.on('message.private', (e) => assertType<Equal<typeof e.peer_id, number>>(true));
  // @ts-expect-error OpenShamrock does not implement friend_add (removed from its schema)
  shamrock.on('notice.friend_add', () => undefined);
}
