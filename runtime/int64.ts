/**
 * The int64 check the precompiled validators call (keyword `qqwireInt64`). The validators are the same
 * code for every client; the mode comes in through ajv's `passContext` (`this.int64`).
 *
 * A value passes when it has the representation the mode delivers — `number`: a safe integer,
 * `bigint`: a bigint, `string`: a decimal string — and lies within [min, max] (the schema's
 * `minimum`/`maximum`, else the signed 64-bit range).
 */
import type { Int64Mode } from './decode.js';

const DECIMAL = /^-?(0|[1-9]\d*)$/;

export function int64Ok(value: unknown, context: { int64?: Int64Mode | undefined } | undefined, min: bigint, max: bigint): boolean {
  const mode = context?.int64 ?? 'number';
  let n: bigint;
  if (mode === 'number') {
    // Exact without BigInt: a bound beyond 2^53 rounds, but stays beyond every safe integer.
    return typeof value === 'number' && Number.isSafeInteger(value) && value >= Number(min) && value <= Number(max);
  } else if (mode === 'bigint') {
    if (typeof value !== 'bigint') return false;
    n = value;
  } else {
    if (typeof value !== 'string' || value.length > 21 || !DECIMAL.test(value)) return false;
    n = BigInt(value);
  }
  return n >= min && n <= max;
}
