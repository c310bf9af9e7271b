// Type-level tests of the OneBot 11 / 12 actions beyond messages (TypeScript 7, no ambient types).
// Every `@ts-expect-error` must be an error; tsc fails if one is not.
import { createOnebot11Client, type GroupMemberInfo } from 'qqwire/onebot11';
import { createOnebot12Client, type GetFileFragmentedResult } from 'qqwire/onebot12';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(_: T): void {}

export async function onebot11(): Promise<void> {
  const bot = createOnebot11Client({ baseUrl: 'http://127.0.0.1:5700' });
  const me = await bot.getLoginInfo();
  assertType<Equal<typeof me.user_id, number>>(true);
  const members = await bot.getGroupMemberList({ group_id: 123456 });
  assertType<Equal<typeof members, GroupMemberInfo[]>>(true);
  // Defaults (duration 1800) may be omitted; no-data actions resolve to void.
  const banned = await bot.setGroupBan({ group_id: 123456, user_id: 10001 });
  assertType<Equal<typeof banned, void>>(true);
  // @ts-expect-error the honor type is an enum
  await bot.getGroupHonorInfo({ group_id: 123456, type: 'dragon' });
  // @ts-expect-error sub_type is add or invite
  await bot.setGroupAddRequest({ flag: 'f', sub_type: 'join' });

  const wide = createOnebot11Client({ baseUrl: 'http://127.0.0.1:5700', int64: 'bigint' });
  const info = await wide.getStrangerInfo({ user_id: 10001n });
  assertType<Equal<typeof info.user_id, bigint>>(true);
}

export async function onebot12(): Promise<void> {
  const bot = createOnebot12Client({ baseUrl: 'http://127.0.0.1:5700' });
  const { file_id } = await bot.uploadFile({ type: 'url', name: 'logo.jpg', url: 'https://example.com/logo.jpg' });
  await bot.sendMessage({ detail_type: 'group', group_id: '1', message: [{ type: 'image', data: { file_id } }] });

  // The fragmented stages are a union tagged by `stage`.
  await bot.uploadFileFragmented({ stage: 'prepare', name: 'a.bin', total_size: 10 });
  await bot.uploadFileFragmented({ stage: 'transfer', file_id, offset: 0, data: 'AAAA' });
  // @ts-expect-error a transfer stage needs its data
  await bot.uploadFileFragmented({ stage: 'transfer', file_id, offset: 0 });
  // @ts-expect-error no such stage
  await bot.uploadFileFragmented({ stage: 'abort', file_id });
  const fragment = await bot.getFileFragmented({ stage: 'prepare', file_id });
  assertType<Equal<typeof fragment, GetFileFragmentedResult>>(true);

  const status = await bot.getStatus();
  assertType<Equal<typeof status.bots[number]['self']['user_id'], string>>(true);
}
