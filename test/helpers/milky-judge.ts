/**
 * The judging half of the Milky differential tests (actions and events): one value goes to qqwire's
 * validator and to milky-types' zod schema, the two must agree, and the only disagreements allowed are
 * named ones, counted in a tally. Also the field-by-field comparison of descriptions, defaults and enums.
 */
import assert from 'node:assert/strict';
import { def, unwrap, type Mutation, type ZodLike } from './zod-cases.js';
import type { ProtocolJson } from './schema-sample.js';

/** What a differential needs from qqwire's side: a verdict, and the issues for the failure message. */
export interface Judged {
  is(value: unknown): boolean;
  check(value: unknown): unknown;
}

/** Named divergences: milky-types wraps these in `.catch`, so it accepts anything inside them. */
export const CAUGHT = {
  接收消息段: 'IncomingSegment: milky-types turns an invalid segment into text "[unknown]"; qqwire rejects a known type with invalid data and keeps an unknown type as {type: "unknown", raw}',
  群通知实体: 'GroupNotification: milky-types drops an invalid list element; qqwire rejects a known type with invalid data and drops an unknown type (x-unknown: skip)',
} as const;

export interface Tally {
  cases: number;
  agreements: number;
  divergences: Map<string, number>;
}

export const newTally = (): Tally => ({ cases: 0, agreements: 0, divergences: new Map() });

export function countDivergence(tally: Tally, reason: string): void {
  tally.divergences.set(reason, (tally.divergences.get(reason) ?? 0) + 1);
}

export function describeCase(subject: string, what: string, value: unknown): string {
  return `${subject} ${what}: ${JSON.stringify(value).slice(0, 400)}`;
}

/** Both sides judge one value; they must agree, unless the change sits inside a named `.catch`. */
export function judge(tally: Tally, subject: string, zod: ZodLike, ours: Judged, value: unknown, m?: Mutation): void {
  const zodOk = zod.safeParse(value).success;
  const ourOk = ours.is(value);
  tally.cases++;
  const what = m ? `${m.kind} at ${m.path}` : 'valid sample';
  if (!m?.shielded) {
    assert.equal(ourOk, zodOk, `${describeCase(subject, what, value)}\n  milky-types ${zodOk ? 'accepts' : 'rejects'}, qqwire ${ourOk ? 'accepts' : 'rejects'}: ${JSON.stringify(ours.check(value))}`);
    tally.agreements++;
    return;
  }
  const reason = CAUGHT[m.shielded.by as keyof typeof CAUGHT];
  assert.ok(reason, `${subject}: a change inside an unnamed zod .catch (${m.shielded.by}) at ${m.path}`);
  assert.equal(zodOk, true, `${describeCase(subject, what, value)}: milky-types was expected to swallow this`);
  // qqwire: an extra field is kept, null is an absent optional field; invalid data of a known variant is an error. A bad tag is left open here:
  // the client's decoder keeps (segments) or drops (notifications) an unknown tag before the validator sees it.
  if (m.kind === 'extra-field' || m.kind === 'null-optional') assert.equal(ourOk, true, describeCase(subject, what, value));
  else if (!m.shielded.tagOnly) assert.equal(ourOk, false, `${describeCase(subject, what, value)}: qqwire must reject invalid data of a known variant`);
  if (ourOk === zodOk) tally.agreements++;
  else countDivergence(tally, reason);
}

type Node = Record<string, unknown>;

export function resolveRef(json: ProtocolJson, s: Node): Node {
  let node = s;
  while (typeof node['$ref'] === 'string') node = json.$defs[(node['$ref'] as string).replace(/^.*\//, '')]!;
  return node;
}

/**
 * Compares a zod schema with qqwire's JSON Schema field by field: Chinese descriptions (except where
 * `seedWording` names qqwire's own), English present, defaults and enums equal. Returns the problems.
 * `seen` is shared across calls so a struct reached from many places is walked once.
 */
export function compareDocs(json: ProtocolJson, zod: ZodLike, ours: Node | undefined, at: string, seen: Set<unknown>, seedWording: Record<string, string> = {}): string[] {
  const problems: string[] = [];
  const resolve = (s: Node) => resolveRef(json, s);
  const compare = (zod: ZodLike, ours: Node | undefined, at: string): void => {
    if (!ours) return void problems.push(`${at}: missing in qqwire`);
    const u = unwrap(zod);
    const d = def(u.core);
    const text = (ours['description'] ?? resolve(ours)['description']) as string | undefined;
    const english = ours['x-description-en'] ?? resolve(ours)['x-description-en'];
    // A segment's `data` repeats the segment's own description in milky-types; qqwire describes the segment.
    const checked = u.description && at.includes('.') && !at.endsWith('>.data') && !(at in seedWording);
    if (at in seedWording && text !== seedWording[at]) problems.push(`${at}: description ${JSON.stringify(text)}`);
    if (checked && text !== u.description) {
      problems.push(`${at}: description ${JSON.stringify(text)} vs milky-types ${JSON.stringify(u.description)}`);
    }
    if (checked && typeof english !== 'string') problems.push(`${at}: no x-description-en`);
    if (u.hasDefault && JSON.stringify(ours['default']) !== JSON.stringify(u.defaultValue)) problems.push(`${at}: default ${JSON.stringify(ours['default'])} vs ${JSON.stringify(u.defaultValue)}`);
    if (!u.hasDefault && ours['default'] !== undefined) problems.push(`${at}: qqwire has a default milky-types lacks`);
    const target = resolve(ours);
    if (d.type === 'enum' && JSON.stringify(target['enum']) !== JSON.stringify(Object.values(d.entries!))) problems.push(`${at}: enum ${JSON.stringify(target['enum'])}`);
    if (seen.has(u.core)) return;
    seen.add(u.core);
    if (d.type === 'object') {
      const props = (target['properties'] ?? {}) as Record<string, Node>;
      for (const [key, field] of Object.entries(d.shape!)) compare(field, props[key], `${at}.${key}`);
    } else if (d.type === 'array') {
      compare(d.element!, target['items'] as Node, `${at}[]`);
    } else if (d.type === 'union') {
      const variants = ((target['oneOf'] ?? []) as Node[]).map(resolve);
      for (const option of d.options!) {
        const tag = (def(def(option).shape![d.discriminator!]!).values ?? [])[0];
        const match = variants.find((v) => (v['properties'] as Record<string, Node>)[d.discriminator!]?.['const'] === tag);
        compare(option, match, `${at}<${String(tag)}>`);
      }
    }
  };
  compare(zod, ours, at);
  return problems;
}
