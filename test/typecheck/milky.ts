// Type-level tests: compiled by `tsc -p tsconfig.generated.json` (TypeScript 7, no @types/node).
// Every `@ts-expect-error` must be an error; tsc fails if one is not.
import { createMilkyClient, type IncomingSegment, type OutgoingSegmentInput, type SendGroupMessageParams } from 'qqwire/milky';
import { ApiError, type StandardSchemaV1 } from 'qqwire/runtime';
import { validators } from 'qqwire/milky';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(_: T): void {}

export async function calls(): Promise<void> {
  const client = createMilkyClient({ baseUrl: 'http://127.0.0.1:3000', accessToken: 't' });

  const sent = await client.sendGroupMessage({ group_id: 123456, message: [{ type: 'text', data: { text: 'hi' } }] });
  assertType<Equal<typeof sent.message_seq, number>>(true);

  // Defaults may be omitted in input shapes: `is_large` and `sub_type` have defaults.
  const face: OutgoingSegmentInput = { type: 'face', data: { face_id: '14' } };
  const image: OutgoingSegmentInput = { type: 'image', data: { uri: 'base64://AAAA' } };
  await client.sendPrivateMessage({ user_id: 123456789, message: [face, image] });

  // @ts-expect-error group_id must be a number
  await client.sendGroupMessage({ group_id: '123456', message: [] });
  // @ts-expect-error message is required
  await client.sendGroupMessage({ group_id: 123456 });
  // @ts-expect-error unknown segment type in an outgoing message
  await client.sendGroupMessage({ group_id: 123456, message: [{ type: 'at', data: { qq: 1 } }] });
  // @ts-expect-error text segment needs data.text
  const bad: SendGroupMessageParams = { group_id: 1, message: [{ type: 'text', data: {} }] };
  void bad;

  // Generic call by wire name is typed too.
  const viaCall = await client.call('get_resource_temp_url', { resource_id: 'r' });
  assertType<Equal<typeof viaCall.url, string>>(true);
  // @ts-expect-error unknown action name
  await client.call('no_such_action', {});

  // No-result actions resolve to void.
  const recalled = await client.recallGroupMessage({ group_id: 123456, message_seq: 1 });
  assertType<Equal<typeof recalled, void>>(true);

  // int64 option changes the result type.
  const big = createMilkyClient({ int64: 'bigint' });
  const r = await big.sendPrivateMessage({ user_id: 123456789, message: [] });
  assertType<Equal<typeof r.message_seq, bigint>>(true);
  const str = createMilkyClient({ int64: 'string' });
  const h = await str.getHistoryMessages({ message_scene: 'group', peer_id: 123456 });
  assertType<Equal<NonNullable<typeof h.next_message_seq>, string>>(true);

  try {
    await client.getMessage({ message_scene: 'group', peer_id: 1, message_seq: 1 });
  } catch (e) {
    if (e instanceof ApiError) assertType<Equal<typeof e.retcode, number | undefined>>(true);
  }
}

export function narrowing(seg: IncomingSegment): string {
  switch (seg.type) {
    case 'text':
      return seg.data.text;
    case 'image':
      return `${seg.data.width}x${seg.data.height}`;
    case 'unknown':
      // Unknown variants keep the raw object.
      return seg.raw.type;
    default:
      // @ts-expect-error data has no `text` on the remaining variants
      return seg.data.text;
  }
}

export function standardSchema(value: unknown): void {
  const v: StandardSchemaV1<unknown, unknown> = validators.IncomingSegment;
  void v;
  if (validators.IncomingSegment.is(value)) {
    assertType<Equal<typeof value.type, IncomingSegment<number | bigint | string>['type']>>(true);
  }
}

// Milky 1.2's other categories (system, friend, group, file): typed like the message API.
export async function otherCategories(): Promise<void> {
  const client = createMilkyClient({ baseUrl: 'http://127.0.0.1:3000' });
  const login = await client.getLoginInfo();
  assertType<Equal<typeof login.uin, number>>(true);
  const impl = await client.getImplInfo();
  assertType<Equal<typeof impl.qq_protocol_type, 'windows' | 'linux' | 'macos' | 'android_pad' | 'android_phone' | 'ipad' | 'iphone' | 'harmony' | 'watch'>>(true);

  // Defaulted params may be omitted; an all-defaults params object may be omitted entirely.
  await client.setPeerPin({ message_scene: 'friend', peer_id: 123456 });
  await client.getFriendList();
  await client.sendGroupMessageReaction({ group_id: 123456, message_seq: 1, reaction: '66' });

  const { notifications } = await client.getGroupNotifications({ limit: 10 });
  // A notification type newer than the schema is dropped from the list (x-unknown: skip), as milky-types does.
  for (const n of notifications) {
    if (n.type === 'join_request') n.comment satisfies string;
    if (n.type === 'kick') n.operator_id satisfies number;
  }
  const { files, folders } = await client.getGroupFiles({ group_id: 123456 });
  assertType<Equal<(typeof files)[number]['file_size'], number>>(true);
  assertType<Equal<(typeof folders)[number]['folder_name'], string>>(true);
  const uploaded = await client.uploadGroupFile({ group_id: 123456, file_uri: 'file:///tmp/a.txt', file_name: 'a.txt' });
  assertType<Equal<typeof uploaded.file_id, string>>(true);
  const quit = await client.quitGroup({ group_id: 123456 });
  assertType<Equal<typeof quit, void>>(true);

  // @ts-expect-error notification_type is join_request | invited_join_request
  await client.acceptGroupRequest({ notification_seq: 1, notification_type: 'kick', group_id: 123456 });
  // @ts-expect-error is_filtered is a boolean
  await client.getFriendRequests({ is_filtered: 'yes' });
  // @ts-expect-error set_bio needs new_bio
  await client.setBio({});
  // @ts-expect-error reaction_type is face | emoji
  await client.sendGroupMessageReaction({ group_id: 123456, message_seq: 1, reaction: '66', reaction_type: 'sticker' });
}
