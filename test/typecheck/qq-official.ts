// Type-level tests for QQ official binary (multipart) fields, compiled with `lib: es2022` and no DOM or
// @types/node: `BinaryData` needs neither. Every `@ts-expect-error` must be an error.
import { createQqOfficialClient, type BinaryData, type SendChannelMessageMultipartParams } from 'qqwire/qq-official';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(_: T): void {}

export async function multipart(blob: { readonly size: number; readonly type: string; arrayBuffer(): Promise<ArrayBuffer> }): Promise<void> {
  const client = createQqOfficialClient({ baseUrl: 'http://127.0.0.1:3000' });
  assertType<Equal<SendChannelMessageMultipartParams['file_image'], BinaryData>>(true);

  const sent = await client.sendChannelMessageMultipart({ channel_id: 'c1', file_image: new Uint8Array([1, 2]), content: 'hi' });
  assertType<Equal<typeof sent.id, string>>(true);
  await client.sendDmsMessageMultipart({ guild_id: 'g1', file_image: blob, msg_id: 'm1' });

  // @ts-expect-error file_image is bytes, not a path or a URL
  await client.sendChannelMessageMultipart({ channel_id: 'c1', file_image: './a.png' });
  // @ts-expect-error file_image is required
  await client.sendDmsMessageMultipart({ guild_id: 'g1', content: 'hi' });
  // @ts-expect-error a DELETE with a JSON body still checks its fields
  await client.deleteGuildMember({ guild_id: 'g1', user_id: 'u1', delete_history_msg_days: 1 });
}
