/**
 * The `bigIntegers` fault: QQ numbers in an answer are shifted past 2^53, as a server with 64-bit ids
 * may send them. `stringifyJson` writes the bigints as exact JSON numbers, so a client in `number`
 * mode must refuse them (never round) and one in `bigint` / `string` mode must deliver them exactly.
 */
const SHIFT = 2n ** 53n;
const ID_KEY = /(^|_)(user_id|group_id|self_id|operator_id)$/;

export function shiftIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shiftIds);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = ID_KEY.test(key) && Number.isSafeInteger(v) ? BigInt(v as number) + SHIFT : shiftIds(v);
  return out;
}
