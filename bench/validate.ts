/**
 * Validator throughput: qqwire's precompiled ajv validator vs @saltify/milky-types (zod 4), the
 * Milky project's own published schemas, on the same 10-segment send_group_message payload.
 * Both are checked first to agree (valid accepted, invalid rejected).
 */
import { SendGroupMessageInput } from '@saltify/milky-types';
import { Bench } from 'tinybench';
import { validators } from 'qqwire/milky';

export const payload = {
  group_id: 123456789,
  message: [
    { type: 'text', data: { text: 'Hello, world!' } },
    { type: 'mention', data: { user_id: 10001 } },
    { type: 'face', data: { face_id: '14', is_large: false } },
    { type: 'image', data: { uri: 'base64://AAAA', sub_type: 'normal', summary: '[图片]' } },
    { type: 'reply', data: { message_seq: 23333 } },
    { type: 'text', data: { text: '第二段文本' } },
    { type: 'mention_all', data: {} },
    { type: 'record', data: { uri: 'https://example.com/a.amr' } },
    { type: 'video', data: { uri: 'file:///tmp/v.mp4', thumb_uri: 'file:///tmp/t.jpg' } },
    { type: 'light_app', data: { json_payload: '{"app":"com.tencent.miniapp"}' } },
  ],
};

export const invalid = { ...payload, message: [...payload.message.slice(0, 9), { type: 'text', data: { text: 42 } }] };

export async function benchValidators(time = 2000): Promise<Record<string, number>> {
  const ours = validators.SendGroupMessageParams;
  if (!ours.is(payload) || ours.is(invalid)) throw new Error('qqwire validator disagrees with the payloads');
  if (!SendGroupMessageInput.safeParse(payload).success || SendGroupMessageInput.safeParse(invalid).success) {
    throw new Error('milky-types disagrees with the payloads');
  }
  const bench = new Bench({ time, warmupTime: 300 });
  bench
    .add('qqwire (ajv standalone) valid', () => ours.is(payload))
    .add('@saltify/milky-types (zod) valid', () => SendGroupMessageInput.safeParse(payload))
    .add('qqwire (ajv standalone) invalid', () => ours.check(invalid))
    .add('@saltify/milky-types (zod) invalid', () => SendGroupMessageInput.safeParse(invalid));
  await bench.run();
  const hz: Record<string, number> = {};
  for (const task of bench.tasks) hz[task.name] = task.result && 'throughput' in task.result ? (task.result.throughput as { mean: number }).mean : NaN;
  return hz;
}
