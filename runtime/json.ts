/**
 * JSON that never rounds an integer. `JSON.parse` stays the fast path; only a body with a run of 16+
 * digits (where 2^53 starts) or a number with an exponent goes through lossless-json, which hands every
 * integer-valued number token a double cannot hold exactly (`12345678901234567890`, `1e20`,
 * `9007199254740993.0`, `9.007199254740993e15`) over as an exact bigint. Non-integer numbers stay doubles.
 */
import { parse as losslessParse } from 'lossless-json';

/**
 * Where a number token starts (the text's start, or after `:` `[` `,`), a 16-digit run or a number with
 * an exponent: the only texts that can hold such a token. Digits inside strings (QQ's long decimal and
 * hex ids) rarely follow those characters, so they do not send a body down the slow path.
 */
const MAY_BE_UNSAFE = /(?:^|[:[,])\s*-?(?:\d{16}|\d+(?:\.\d+)?[eE])/;
const NUMBER_TOKEN = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;
/** An integer with more digits than this is refused rather than expanded (`1e1000000000`). */
const MAX_INTEGER_DIGITS = 1000;

/** Whether a JSON text may hold a number token that `JSON.parse` would round (cheap pre-check). */
export function mayHoldUnsafeNumber(text: string): boolean {
  return MAY_BE_UNSAFE.test(text);
}

/** The exact value of a JSON number token: a number when a double holds it exactly, else a bigint. */
function parseNumber(text: string): number | bigint {
  const n = Number(text);
  if (Number.isSafeInteger(n) && /^-?\d+$/.test(text)) return n;
  const m = NUMBER_TOKEN.exec(text);
  if (!m) return n;
  const [, sign, int, frac = '', exp = '0'] = m;
  // The token as digits × 10^e, trailing zeros moved into the exponent.
  let digits = (int! + frac).replace(/^0+(?=\d)/, '');
  let e = Number(exp) - frac.length;
  const trimmed = digits.replace(/0+$/, '');
  e += digits.length - trimmed.length;
  digits = trimmed;
  if (digits === '') return sign ? -0 : 0;
  if (e < 0) return n; // not an integer: a double, as JSON.parse gives it
  if (digits.length + e > MAX_INTEGER_DIGITS) throw new SyntaxError(`number token too large: ${text.slice(0, 40)}`);
  const exact = BigInt(sign + digits) * 10n ** BigInt(e);
  return Number.isSafeInteger(n) && BigInt(n) === exact ? n : exact;
}

/**
 * Parses JSON; integer-valued numbers beyond ±(2^53−1) (in any notation) come back as exact `bigint`s,
 * everything else as `JSON.parse` would.
 */
export function parseJson(text: string): unknown {
  if (!MAY_BE_UNSAFE.test(text)) return JSON.parse(text);
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
