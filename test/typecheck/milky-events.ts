// Type-level tests for the generated Milky event hub: `createMilkyEventHub()` is pre-bound to the
// protocol and its validators, `on(name)` narrows the event by the generated `EventMap`, and a wrong
// name or field does not compile.
import { createMilkyEventHub, eventValidators, type EventMap, type GroupMuteEvent, type MessageReceiveEvent } from 'qqwire/milky';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(_: T): void {}

export async function milkyEvents(): Promise<void> {
  const hub = createMilkyEventHub({ validation: 'throw', onError: () => undefined });
  hub.on('message_receive', (e) => {
    assertType<Equal<typeof e, MessageReceiveEvent>>(true);
    // The message is itself a union on message_scene: narrowing reaches the group.
    if (e.data.message_scene === 'group') return e.data.group.group_id;
    return e.data.peer_id;
  });
  hub.on('group_mute', (e) => {
    assertType<Equal<typeof e, GroupMuteEvent>>(true);
    assertType<Equal<typeof e.data.duration, number>>(true);
  });
  // @ts-expect-error not a Milky event name
  hub.on('group_mutee', () => undefined);
  // @ts-expect-error a group_mute event has no `segments` in its data
  hub.on('group_mute', (e) => e.data.segments);
  // @ts-expect-error the protocol and validators are bound already
  createMilkyEventHub({ protocol: {} });
  hub.on('*', (e, _info, name) => {
    assertType<Equal<typeof e, unknown>>(true);
    assertType<Equal<typeof name, string | undefined>>(true);
  });
  for await (const e of hub.events('group_mute')) {
    assertType<Equal<typeof e, EventMap['group_mute']>>(true);
    break;
  }
  assertType<Equal<keyof typeof eventValidators, keyof EventMap>>(true);
  // The int64 option types int64 fields as the client option does.
  createMilkyEventHub({ int64: 'bigint' }).on('group_mute', (e) => assertType<Equal<typeof e.time, bigint>>(true));
  createMilkyEventHub({ int64: 'string' }).on('group_mute', (e) => assertType<Equal<typeof e.time, string>>(true));
  hub.on('group_mute', (e) => assertType<Equal<typeof e.time, number>>(true));
  // @ts-expect-error no validator for a name the schema does not have
  void eventValidators.group_mutee;
}
