/**
 * OneBot 11 CQ code (the "string" message format, also used by go-cqhttp and OpenShamrock).
 *
 *   parseCQ('hi&#91;1&#93;[CQ:face,id=123]')  → [{type:'text',data:{text:'hi[1]'}}, {type:'face',data:{id:'123'}}]
 *   stringifyCQ([{type:'at',data:{qq:10001}}, {type:'text',data:{text:' a&b'}}]) → '[CQ:at,qq=10001] a&amp;b'
 *
 * Format (OneBot 11 `message/string.md`, go-cqhttp `internal/msg`):
 * - A code is `[CQ:type,key=value,...]`. The type runs from `[CQ:` to the first `,` or `]`; parameters are
 *   split on `,`; a key is everything before the parameter's FIRST `=` (so values may contain `=`).
 * - Text escapes `&`→`&amp;` (first), `[`→`&#91;`, `]`→`&#93;`. Values additionally escape `,`→`&#44;`.
 *   Unescaping runs `&#44;` (values only), `&#91;`, `&#93;` and `&amp;` LAST, so `&amp;#91;` decodes to the
 *   literal text `&#91;` and never to `[`.
 * - Text is unescaped piece by piece, only AFTER the input has been split into codes and text, so
 *   `&#91;CQ:face,id=1&#93;` in text is the literal text `[CQ:face,id=1]`, never a code.
 *
 * Malformed codes (decision): by default the parser never throws. A `[CQ:` that does not form a valid
 * code is kept as (unescaped) text and merged with the text around it. A code is malformed when
 * - it has no closing `]` (`unterminated`), or a raw `[` appears before its `]` (`nested-bracket`;
 *   escaping never produces one, and resuming at that `[` recovers a real code that follows);
 * - its type is empty (`empty-type`), `[CQ:]` / `[CQ:,a=1]`;
 * - a parameter has no `=` (`missing-equals`, including a trailing or doubled `,`), or an empty key
 *   (`empty-key`), `[CQ:face,=1]`.
 * Duplicate keys: the last one wins. With `{strict: true}` every one of these (and a duplicate key)
 * throws a {@link CQCodeError} carrying `reason` and `offset` (the index of the code's `[`).
 * Stray `[` / `]` in text outside any `[CQ:` are accepted in both modes (hand-written messages contain
 * them and every implementation accepts them).
 *
 * The scanner is a single pass over the input with `indexOf` (no backtracking regex): linear time.
 */
import { QQWireError } from './errors.js';
import { parseJson, stringifyJson } from './json.js';

// ---------------------------------------------------------------------------------------------------------
// Types

/** A parsed value: a string, or (with `types`) a number, boolean, nested message or JSON value. */
export type CQDataValue = string | number | boolean | CQSegment[] | unknown[] | { [key: string]: unknown };

/** A segment as `parseCQ` returns it. Without `types`, every data value is a string. */
export interface CQSegment<V = CQDataValue> {
  type: string;
  data: Record<string, V>;
}

/** A segment as `stringifyCQ` accepts it. `data` values may be anything `String()`-able, null/undefined (omitted), or a nested message. */
export interface CQSegmentInput {
  readonly type: string;
  readonly data?: { readonly [key: string]: unknown } | null | undefined;
}

/** A OneBot 11 `message`: CQ text, one segment, or an array of segments. */
export type CQMessageInput = string | CQSegmentInput | readonly CQSegmentInput[];

/**
 * How a field's string value may be turned into a typed value. Conversion is only done when it is
 * lossless for that value (`String(converted) === original`), except `message` and `json`:
 * - `integer`: canonical decimal integers within ±(2^53−1) (`"123"`, `"-5"`; not `"007"`, `"-0"`, `"all"`)
 * - `number`:  strings that `String(Number(s))` gives back exactly (`"39.9"`, `"1e+21"`)
 * - `boolean`: `"true"` / `"false"` only. `0/1/yes/no` stay strings (or become numbers via `integer`),
 *              because `String(value)` must give the CQ text back
 * - `json`:    a JSON object or array (e.g. Shamrock's received `button.rows`); other text stays a string
 * - `message`: a nested CQ message (forward node `content`), parsed recursively into segments
 */
export type CQFieldKind = 'integer' | 'number' | 'boolean' | 'json' | 'message';

/** `{segmentType: {field: kind | kinds}}`, e.g. `{poke: {qq: 'integer'}}`. Kinds are tried in order. */
export type SegmentFieldKinds = {
  readonly [segmentType: string]: { readonly [field: string]: CQFieldKind | readonly CQFieldKind[] };
};

export interface ParseCQOptions {
  /** Throw a {@link CQCodeError} on malformed codes and duplicate keys instead of keeping them as text. */
  strict?: boolean;
  /** Per-segment field kinds (see {@link segmentFieldKinds}) used to convert string values. */
  types?: SegmentFieldKinds;
  /** Protocol name used in error messages (default `onebot11`). */
  protocol?: string;
}

export type CQCodeErrorReason =
  | 'unterminated'
  | 'nested-bracket'
  | 'empty-type'
  | 'missing-equals'
  | 'empty-key'
  | 'duplicate-key'
  | 'invalid-type'
  | 'invalid-key'
  | 'invalid-value';

/** A malformed CQ code (strict parsing) or a segment that cannot be written as CQ code (stringify). */
export class CQCodeError extends QQWireError {
  readonly reason: CQCodeErrorReason;
  /** Parse errors: index of the offending code's `[` in the parsed string. */
  readonly offset: number | undefined;
  constructor(protocol: string, reason: CQCodeErrorReason, message: string, offset?: number) {
    super({ protocol }, offset === undefined ? message : `${message} at offset ${offset}`);
    this.reason = reason;
    this.offset = offset;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Escaping (order per go-cqhttp internal/msg/element.go)

/** Escapes plain text: `&` first, then `[` and `]`. */
export function escapeText(text: string): string {
  if (!/[&[\]]/.test(text)) return text;
  return text.replaceAll('&', '&amp;').replaceAll('[', '&#91;').replaceAll(']', '&#93;');
}

/** Escapes a parameter value: the text rules plus `,`→`&#44;`. */
export function escapeValue(value: string): string {
  if (!/[&[\],]/.test(value)) return value;
  return value.replaceAll('&', '&amp;').replaceAll('[', '&#91;').replaceAll(']', '&#93;').replaceAll(',', '&#44;');
}

/** Unescapes text: `&#91;`, `&#93;`, then `&amp;` last. */
export function unescapeText(text: string): string {
  if (!text.includes('&')) return text;
  return text.replaceAll('&#91;', '[').replaceAll('&#93;', ']').replaceAll('&amp;', '&');
}

/** Unescapes a parameter value: `&#44;` first, then as text (`&amp;` last). */
export function unescapeValue(value: string): string {
  if (!value.includes('&')) return value;
  return unescapeText(value.replaceAll('&#44;', ','));
}

// ---------------------------------------------------------------------------------------------------------
// Parsing

const OPEN = '[CQ:';
const CH_OPEN = 0x5b; // [
const CH_CLOSE = 0x5d; // ]

type Scan = { ok: true; end: number; segment: CQSegment } | { ok: false; resume: number; reason: CQCodeErrorReason; detail: string };

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty keeps `__proto__` and friends as plain own data properties.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Scans the code starting at `start` (where `[CQ:` is). */
function scanCode(s: string, start: number, strict: boolean): Scan {
  const from = start + OPEN.length;
  let close = from;
  const n = s.length;
  while (close < n) {
    const c = s.charCodeAt(close);
    if (c === CH_CLOSE || c === CH_OPEN) break;
    close++;
  }
  if (close >= n) return { ok: false, resume: n, reason: 'unterminated', detail: 'CQ code has no closing ]' };
  if (s.charCodeAt(close) === CH_OPEN) {
    return { ok: false, resume: close, reason: 'nested-bracket', detail: 'raw [ inside a CQ code (before its closing ])' };
  }
  const fail = (reason: CQCodeErrorReason, detail: string): Scan => ({ ok: false, resume: close + 1, reason, detail });

  // The body is s[from, close): "type" or "type,k=v,k=v". It contains no [ or ]. Every search below runs
  // inside the body only, so each character of the input is looked at a bounded number of times.
  const body = s.slice(from, close);
  const parts = body.split(',');
  const type = parts[0]!;
  if (type === '') return fail('empty-type', 'CQ code has an empty type');
  const data: Record<string, string> = {};
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!;
    const eq = part.indexOf('=');
    if (eq === -1) return fail('missing-equals', `CQ code parameter without "=" in [CQ:${type}]`);
    if (eq === 0) return fail('empty-key', `CQ code parameter with an empty key in [CQ:${type}]`);
    const key = part.slice(0, eq);
    if (strict && Object.hasOwn(data, key)) return fail('duplicate-key', `duplicate key "${key}" in [CQ:${type}]`);
    setOwn(data, key, unescapeValue(part.slice(eq + 1)));
  }
  return { ok: true, end: close + 1, segment: { type, data } };
}

function kindsFor(types: SegmentFieldKinds | undefined, type: string, key: string): readonly CQFieldKind[] | undefined {
  if (!types || !Object.hasOwn(types, type)) return undefined;
  const fields = types[type]!;
  if (!Object.hasOwn(fields, key)) return undefined;
  const k = fields[key]!;
  return typeof k === 'string' ? [k] : k;
}

const CANONICAL_INT = /^(?:0|-?[1-9][0-9]*)$/;

function convert(value: string, kinds: readonly CQFieldKind[], options: ParseCQOptions): CQDataValue {
  for (const kind of kinds) {
    switch (kind) {
      case 'boolean':
        if (value === 'true') return true;
        if (value === 'false') return false;
        break;
      case 'integer':
        if (CANONICAL_INT.test(value)) {
          const n = Number(value);
          if (Number.isSafeInteger(n)) return n;
        }
        break;
      case 'number': {
        if (value.trim() === '') break;
        const n = Number(value);
        if (Number.isFinite(n) && String(n) === value) return n;
        break;
      }
      case 'json': {
        const t = value.trimStart();
        if (t.startsWith('{') || t.startsWith('[')) {
          try {
            const parsed = parseJson(value);
            if (typeof parsed === 'object' && parsed !== null) return parsed as CQDataValue;
          } catch {
            /* not JSON: keep the string */
          }
        }
        break;
      }
      case 'message':
        return parseCQ(value, options);
    }
  }
  return value;
}

/**
 * Parses a CQ-code string into segments. Text becomes `text` segments (unescaped, adjacent pieces merged,
 * never empty), so no two text segments are ever adjacent; a `[CQ:text,text=…]` code counts as text too
 * (its other keys, if any, are dropped). See the module comment for malformed input.
 *
 * With `types` (see {@link segmentFieldKinds}), values of the listed fields are converted when the
 * conversion is lossless (see {@link CQFieldKind}); `message` fields are parsed recursively with the same
 * options. Without `types` every data value is a string, as in go-cqhttp's array output.
 */
export function parseCQ(text: string, options?: ParseCQOptions & { types?: undefined }): CQSegment<string>[];
export function parseCQ(text: string, options?: ParseCQOptions): CQSegment[];
export function parseCQ(text: string, options: ParseCQOptions = {}): CQSegment[] {
  if (typeof text !== 'string') throw new TypeError('parseCQ expects a string');
  const strict = options.strict === true;
  const types = options.types;
  const out: CQSegment[] = [];
  let pending = ''; // unescaped text not yet pushed (merges text around codes that are text themselves)
  let textStart = 0; // start of the raw text run not yet consumed
  let i = 0;
  const n = text.length;

  const flushRaw = (end: number): void => {
    if (end > textStart) pending += unescapeText(text.slice(textStart, end));
  };
  const pushPending = (): void => {
    if (pending !== '') out.push({ type: 'text', data: { text: pending } });
    pending = '';
  };

  while (i < n) {
    const start = text.indexOf(OPEN, i);
    if (start === -1) break;
    const r = scanCode(text, start, strict);
    if (!r.ok) {
      if (strict) throw new CQCodeError(options.protocol ?? 'onebot11', r.reason, r.detail, start);
      i = r.resume; // keep it as text: the raw run simply continues
      continue;
    }
    flushRaw(start);
    textStart = i = r.end;
    const seg = r.segment;
    if (seg.type === 'text') {
      // `[CQ:text,text=…]` is a text segment written as a code; other keys of a text code are dropped, as
      // stringifyCQ writes a text segment as its `text` only.
      if (Object.hasOwn(seg.data, 'text')) pending += seg.data.text as string;
      continue;
    }
    const keys = Object.keys(seg.data);
    pushPending();
    if (types) {
      for (const key of keys) {
        const kinds = kindsFor(types, seg.type, key);
        if (kinds) setOwn(seg.data, key, convert(seg.data[key] as string, kinds, options));
      }
    }
    out.push(seg);
  }
  flushRaw(n);
  pushPending();
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Stringifying

function isSegment(v: unknown): v is CQSegmentInput {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const o = v as { type?: unknown; data?: unknown };
  return typeof o.type === 'string' && (o.data === undefined || o.data === null || (typeof o.data === 'object' && !Array.isArray(o.data)));
}

function isMessageArray(v: unknown): v is readonly CQSegmentInput[] {
  return Array.isArray(v) && v.every(isSegment);
}

function valueToString(v: unknown, protocol: string): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(v);
    case 'object':
      if (v === null) return '';
      // A nested message (forward node `content`): CQ text first, escaped as a value by the caller.
      if (isSegment(v) || isMessageArray(v)) return stringifyCQ(v);
      return stringifyJson(v);
    default:
      throw new CQCodeError(protocol, 'invalid-value', `cannot write a ${typeof v} as a CQ code value`);
  }
}

function assertType(type: string): void {
  if (type === '' || /[[\],]/.test(type)) {
    throw new CQCodeError('onebot11', 'invalid-type', `segment type ${JSON.stringify(type)} cannot be written as CQ code (empty or contains [ ] ,)`);
  }
}

function assertKey(type: string, key: string): void {
  if (key === '' || /[[\],=]/.test(key)) {
    throw new CQCodeError('onebot11', 'invalid-key', `key ${JSON.stringify(key)} of ${type} cannot be written as CQ code (empty or contains [ ] , =)`);
  }
}

function segmentToCQ(seg: CQSegmentInput): string {
  if (!isSegment(seg)) throw new TypeError('stringifyCQ expects a segment {type, data}, an array of segments or a string');
  const data = seg.data ?? {};
  if (seg.type === 'text') {
    const t = data.text;
    return t === undefined || t === null ? '' : escapeText(valueToString(t, 'onebot11'));
  }
  assertType(seg.type);
  let out = OPEN + seg.type;
  for (const key of Object.keys(data)) {
    const v = data[key];
    if (v === undefined || v === null) continue;
    assertKey(seg.type, key);
    out += ',' + key + '=' + escapeValue(valueToString(v, 'onebot11'));
  }
  return out + ']';
}

/**
 * Writes a message as CQ code. A string is already CQ text and is returned unchanged (to send plain text,
 * pass `{type:'text', data:{text}}` or use {@link escapeText}). Data values: strings as they are, numbers,
 * booleans and bigints with `String(v)`, null/undefined omitted, a segment or segment array (forward node
 * `content`) as nested CQ text, any other object/array as JSON; each then escaped as a value.
 * Throws {@link CQCodeError} for a type that is empty or contains `[ ] ,`, or a key that is empty or
 * contains `[ ] , =`, since the result would not parse back.
 */
export function stringifyCQ(message: CQMessageInput): string {
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) {
    let out = '';
    for (const seg of message as readonly CQSegmentInput[]) out += segmentToCQ(seg);
    return out;
  }
  return segmentToCQ(message as CQSegmentInput);
}

// ---------------------------------------------------------------------------------------------------------
// Schema-driven field kinds

type JsonObject = { [key: string]: unknown };

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const KIND_ORDER: readonly CQFieldKind[] = ['boolean', 'integer', 'number', 'json', 'message'];

/**
 * Derives {@link SegmentFieldKinds} from a generated `protocol.json`: for every variant of the union
 * `$defs.Segment` (its `oneOf`/`anyOf` `$ref`s), the variant's `type` const and the JSON types its
 * `data` properties allow (following `$ref`s and `oneOf`/`anyOf`/`allOf` of the data schema, e.g.
 * forward-node data variants). `integer` → 'integer', `number` → 'number', `boolean` → 'boolean', a
 * reference to `Segment` or an array of `Segment` (a `Message`) → 'message', other objects/arrays →
 * 'json'. String-only fields are left out, as are segment types without any convertible field.
 */
export function segmentFieldKinds(protocolJson: unknown): SegmentFieldKinds {
  if (!isObject(protocolJson) || !isObject(protocolJson.$defs) || !isObject(protocolJson.$defs.Segment)) {
    throw new TypeError('segmentFieldKinds expects a generated protocol.json with $defs.Segment');
  }
  const defs = protocolJson.$defs;
  const SEGMENT_REF = '#/$defs/Segment';

  const resolve = (schema: unknown, seen: Set<string>): JsonObject | undefined => {
    let cur = schema;
    while (isObject(cur) && typeof cur.$ref === 'string') {
      const ref = cur.$ref;
      if (!ref.startsWith('#/$defs/') || seen.has(ref)) return undefined;
      seen.add(ref);
      const target = defs[ref.slice('#/$defs/'.length)];
      // Keep sibling keywords of a $ref out of it: only the target matters for kinds.
      cur = target;
    }
    return isObject(cur) ? cur : undefined;
  };

  const branches = (s: JsonObject): unknown[] =>
    [s.oneOf, s.anyOf, s.allOf].flatMap((b) => (Array.isArray(b) ? (b as unknown[]) : []));

  const isSegmentRef = (schema: unknown): boolean => isObject(schema) && schema.$ref === SEGMENT_REF;

  const kindsOf = (schema: unknown, seen: Set<string>, acc: Set<CQFieldKind>): void => {
    if (isSegmentRef(schema)) {
      acc.add('message');
      return;
    }
    const s = resolve(schema, seen);
    if (!s) return;
    const types = typeof s.type === 'string' ? [s.type] : Array.isArray(s.type) ? s.type : [];
    for (const t of types) {
      if (t === 'integer') acc.add('integer');
      else if (t === 'number') acc.add('number');
      else if (t === 'boolean') acc.add('boolean');
      else if (t === 'object') acc.add('json');
      else if (t === 'array') acc.add(isSegmentRef(s.items) ? 'message' : 'json');
    }
    const consts = [...(Array.isArray(s.enum) ? s.enum : []), ...('const' in s ? [s.const] : [])];
    for (const c of consts) {
      if (typeof c === 'boolean') acc.add('boolean');
      else if (typeof c === 'number') acc.add(Number.isInteger(c) ? 'integer' : 'number');
    }
    for (const b of branches(s)) kindsOf(b, new Set(seen), acc);
  };

  const collectProps = (schema: unknown, seen: Set<string>, into: Map<string, Set<CQFieldKind>>): void => {
    const s = resolve(schema, seen);
    if (!s) return;
    if (isObject(s.properties)) {
      for (const [key, prop] of Object.entries(s.properties)) {
        let acc = into.get(key);
        if (!acc) into.set(key, (acc = new Set()));
        kindsOf(prop, new Set(seen), acc);
      }
    }
    for (const b of branches(s)) collectProps(b, new Set(seen), into);
  };

  const result: Record<string, Record<string, CQFieldKind | CQFieldKind[]>> = {};
  const segment = defs.Segment as JsonObject;
  for (const variantRef of branches(segment)) {
    const variant = resolve(variantRef, new Set());
    if (!variant || !isObject(variant.properties)) continue;
    const typeSchema = variant.properties.type;
    let typeName: unknown;
    if (isObject(typeSchema)) {
      typeName = typeSchema.const ?? (Array.isArray(typeSchema.enum) && typeSchema.enum.length === 1 ? typeSchema.enum[0] : undefined);
    }
    if (typeof typeName !== 'string') continue;
    const props = new Map<string, Set<CQFieldKind>>();
    collectProps(variant.properties.data, new Set(), props);
    for (const [key, acc] of props) {
      if (acc.has('number')) acc.delete('integer'); // 'number' converts integers too
      const kinds = KIND_ORDER.filter((k) => acc.has(k));
      if (kinds.length === 0) continue;
      if (!Object.hasOwn(result, typeName)) setOwn(result, typeName, {});
      const fields = result[typeName]!;
      const prev = Object.hasOwn(fields, key) ? fields[key] : undefined;
      const merged = prev === undefined ? kinds : KIND_ORDER.filter((k) => kinds.includes(k) || (typeof prev === 'string' ? prev === k : prev.includes(k)));
      setOwn(fields, key, merged.length === 1 ? merged[0]! : merged);
    }
  }
  return result;
}
