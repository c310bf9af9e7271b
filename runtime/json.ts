/**
 * JSON that never rounds an integer. `JSON.parse` stays the fast path; only a body with a run of 16+
 * digits (where 2^53 starts) goes through lossless-json, which hands unsafe integers over as bigint.
 */
import { parse as losslessParse } from 'lossless-json';

const LONG_DIGITS = /\d{16}/;
const INTEGER_LITERAL = /^-?\d+$/;

function parseNumber(text: string): number | bigint {
  const n = Number(text);
  if (INTEGER_LITERAL.test(text) && !Number.isSafeInteger(n)) return BigInt(text);
  return n;
}

/** Parses JSON; integers beyond ±(2^53−1) come back as `bigint`, everything else as `JSON.parse` would. */
export function parseJson(text: string): unknown {
  if (!LONG_DIGITS.test(text)) return JSON.parse(text);
  return losslessParse(text, null, parseNumber);
}

const BIG_MARK = '\u0000qqwire-int:';
const BIG_MARK_JSON = /"\\u0000qqwire-int:(-?\d+)"/g;

function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? BIG_MARK + value.toString() : value;
}

/** Serializes JSON; a `bigint` is written as a plain JSON number with all its digits. */
export function stringifyJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    // JSON.stringify throws a TypeError on bigint; only then pay for the replacer.
    if (!(error instanceof TypeError)) throw error;
    return JSON.stringify(value, bigintReplacer).replace(BIG_MARK_JSON, '$1');
  }
}
