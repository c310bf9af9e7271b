// Type-level tests for the event hub (compiled by `tsc -p tsconfig.generated.json`, no @types/node):
// `on(name)` narrows the handler's event by the name; unknown names are refused; '*' sees unknown.
import { protocol } from 'qqwire/onebot11';
import { createEventHub } from 'qqwire/runtime';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(_: T): void {}

interface GroupMessage {
  post_type: 'message';
  message_type: 'group';
  group_id: number;
}
interface FriendRequest {
  post_type: 'request';
  request_type: 'friend';
  flag: string;
}
type Events = { 'message.group': GroupMessage; 'request.friend': FriendRequest };

export async function events(): Promise<void> {
  const hub = createEventHub<Events>({ protocol });
  hub.on('message.group', (e) => {
    assertType<Equal<typeof e, GroupMessage>>(true);
    return { reply: `group ${e.group_id}` };
  });
  hub.once('request.friend', (e) => {
    assertType<Equal<typeof e.flag, string>>(true);
  });
  hub.on('*', (e, info, name) => {
    assertType<Equal<typeof e, unknown>>(true);
    assertType<Equal<typeof name, string | undefined>>(true);
    void info.delivery;
  });
  // @ts-expect-error not an event of this map
  hub.on('message.privat', () => undefined);
  // @ts-expect-error the handler's event is a GroupMessage, which has no flag
  hub.on('message.group', (e) => e.flag);
  for await (const e of hub.events('request.friend')) {
    assertType<Equal<typeof e, FriendRequest>>(true);
    break;
  }
}
