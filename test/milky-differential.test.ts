/**
 * Differential test against Milky's own schemas (npm @saltify/milky-types, zod): for every API of every
 * category, valid samples and single-fault mutations of params and result are given to both qqwire's
 * generated validator and milky-types' zod schema, and the two must agree (accept/reject). The only
 * disagreements allowed are named below: the two places where milky-types' `.catch` swallows invalid
 * input, each pinned to what qqwire does instead. Mutations include null in every optional field (Milky's
 * `.nullish()`, qqwire's protocol-level `x-nullish: optional`) and int64 ranges.
 * The figures are printed: APIs, cases, agreements and each named divergence.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { milkyVersion, zodApiCategories } from '@saltify/milky-types';
import { protocol } from 'qqwire/milky';
import type { Validator } from '../runtime/index.js';
import { loadProtocolJson } from './helpers/schema-sample.js';
import { def, mutations, sample, sampleCount, unwrap, type Mutation, type ZodLike } from './helpers/zod-cases.js';

interface ApiSpec {
  description: string;
  requestSchema: ZodLike | null;
  responseSchema: ZodLike | null;
}
interface ActionEntry {
  params?: Validator<unknown>;
  result?: Validator<unknown>;
  noResult?: boolean;
}

const categories = zodApiCategories as unknown as Record<string, { name: string; apis: Record<string, ApiSpec> }>;
const apis = Object.entries(categories).flatMap(([category, c]) => Object.entries(c.apis).map(([name, spec]) => ({ name, category, spec })));
const json = loadProtocolJson('milky');
const jsonActions = json.actions as Record<string, Record<string, unknown>>;
const actions = protocol.actions as unknown as Record<string, ActionEntry>;
const isDraft = (name: string) => jsonActions[name]?.['removed-in'] !== undefined;

/** Named divergences: milky-types wraps these in `.catch`, so it accepts anything inside them. */
const CAUGHT = {
  接收消息段: 'IncomingSegment: milky-types turns an invalid segment into text "[unknown]"; qqwire rejects a known type with invalid data and keeps an unknown type as {type: "unknown", raw}',
  群通知实体: 'GroupNotification: milky-types drops an invalid list element; qqwire rejects a known type with invalid data and drops an unknown type (x-unknown: skip)',
} as const;

/** Field descriptions where qqwire keeps the seed document's wording (a superset of milky-types' text). */
const SEED_WORDING: Record<string, string> = {
  'get_message:params.message_scene': '消息场景（可能值：`friend`, `group`, `temp`）',
};

type Node = Record<string, unknown>;
function resolveRef(s: Node): Node {
  let node = s;
  while (typeof node['$ref'] === 'string') node = json.$defs[(node['$ref'] as string).replace(/^.*\//, '')]!;
  return node;
}

interface Tally {
  apis: number;
  cases: number;
  agreements: number;
  divergences: Map<string, number>;
}
const tally: Tally = { apis: 0, cases: 0, agreements: 0, divergences: new Map() };

function describeCase(api: string, side: string, what: string, value: unknown): string {
  return `${api} ${side} ${what}: ${JSON.stringify(value).slice(0, 400)}`;
}

/** Both sides judge one value; they must agree, unless the change sits inside a named `.catch`. */
function judge(api: string, side: 'params' | 'result', zod: ZodLike, ours: Validator<unknown>, value: unknown, m?: Mutation): void {
  const zodOk = zod.safeParse(value).success;
  const ourOk = ours.is(value);
  tally.cases++;
  const what = m ? `${m.kind} at ${m.path}` : 'valid sample';
  if (!m?.shielded) {
    assert.equal(ourOk, zodOk, `${describeCase(api, side, what, value)}\n  milky-types ${zodOk ? 'accepts' : 'rejects'}, qqwire ${ourOk ? 'accepts' : 'rejects'}: ${JSON.stringify(ours.check(value))}`);
    tally.agreements++;
    return;
  }
  const reason = CAUGHT[m.shielded.by as keyof typeof CAUGHT];
  assert.ok(reason, `${api}: a change inside an unnamed zod .catch (${m.shielded.by}) at ${m.path}`);
  assert.equal(zodOk, true, `${describeCase(api, side, what, value)}: milky-types was expected to swallow this`);
  // qqwire: an extra field is kept, null is an absent optional field; invalid data of a known variant is an error. A bad tag is left open here:
  // the client's decoder keeps (segments) or drops (notifications) an unknown tag before the validator sees it.
  if (m.kind === 'extra-field' || m.kind === 'null-optional') assert.equal(ourOk, true, describeCase(api, side, what, value));
  else if (!m.shielded.tagOnly) assert.equal(ourOk, false, `${describeCase(api, side, what, value)}: qqwire must reject invalid data of a known variant`);
  if (ourOk === zodOk) tally.agreements++;
  else tally.divergences.set(reason, (tally.divergences.get(reason) ?? 0) + 1);
}

function exercise(api: string, side: 'params' | 'result', zod: ZodLike, ours: Validator<unknown>): void {
  const n = sampleCount(zod);
  for (let variant = 0; variant < n; variant++) {
    for (const mode of ['minimal', 'full'] as const) {
      const value = sample(zod, variant, mode);
      assert.equal(zod.safeParse(value).success, true, describeCase(api, side, `zod sample ${variant}/${mode} is invalid for zod itself`, value));
      judge(api, side, zod, ours, value);
      for (const m of mutations(zod, value)) judge(api, side, zod, ours, m.value, m);
    }
  }
}

describe(`Milky differential against @saltify/milky-types (Milky ${milkyVersion})`, () => {
  test('every milky-types API exists with the same wire name and category; every qqwire action but the drafts is in milky-types', () => {
    assert.equal(apis.length, 64);
    for (const { name, category } of apis) {
      assert.ok(jsonActions[name], `qqwire has no Milky action ${name}`);
      assert.equal(jsonActions[name]!['category'], category, `${name}: category`);
      assert.ok(!isDraft(name), `${name} is marked as a draft but milky-types has it`);
    }
    const known = new Set(apis.map((a) => a.name));
    const extra = Object.keys(jsonActions).filter((a) => !known.has(a));
    assert.deepEqual(extra.filter((a) => !isDraft(a)), [], 'qqwire actions missing from milky-types (and not marked removed-in)');
    assert.deepEqual(extra.sort(), ['get_history_group_message', 'get_history_private_message']);
  });

  test('the committed documented-actions list is exactly milky-types\' API list', () => {
    const path = fileURLToPath(new URL('../../test/fixtures/milky/documented-actions.json', import.meta.url));
    const doc = JSON.parse(readFileSync(path, 'utf8')) as { protocol: string; actions: string[] };
    assert.equal(doc.protocol, 'milky');
    assert.deepEqual(doc.actions, apis.map((a) => a.name).sort());
  });

  test('an API without input has no params validator; an API without output is declared result: null', () => {
    for (const { name, spec } of apis) {
      const entry = actions[name]!;
      assert.equal(entry.params === undefined, spec.requestSchema === null, `${name}: params present iff milky-types has a request schema`);
      assert.equal(entry.result === undefined, spec.responseSchema === null, `${name}: result present iff milky-types has a response schema`);
      assert.equal(entry.noResult === true, spec.responseSchema === null, `${name}: noResult`);
      assert.ok('result' in jsonActions[name]!, `${name}: result is written explicitly in protocol.json`);
    }
  });

  test('every API: params and result validators agree with milky-types on valid samples and every single-fault mutation', () => {
    for (const { name, spec } of apis) {
      tally.apis++;
      const entry = actions[name]!;
      if (spec.requestSchema) exercise(name, 'params', spec.requestSchema, entry.params!);
      if (spec.responseSchema) exercise(name, 'result', spec.responseSchema, entry.result!);
    }
    const divergences = [...tally.divergences].map(([why, count]) => `${count}× ${why}`).join('\n  ');
    console.log(`milky differential: ${tally.apis} APIs, ${tally.cases} cases, ${tally.agreements} agreements, ${tally.cases - tally.agreements} named divergences\n  ${divergences}`);
    assert.equal(tally.apis, 64);
    assert.ok(tally.cases > 5000, `only ${tally.cases} cases`);
    // Both named divergences are reached (a schema change that removed one would show here).
    for (const why of Object.values(CAUGHT)) assert.ok(tally.divergences.get(why), `never reached: ${why}`);
  });

  test('defaults, enums and Chinese descriptions of every field match milky-types; every field has English', () => {
    const problems: string[] = [];
    const seen = new Set<unknown>();
    const resolve = resolveRef;
    const compare = (zod: ZodLike, ours: Record<string, unknown> | undefined, at: string): void => {
      if (!ours) return void problems.push(`${at}: missing in qqwire`);
      const u = unwrap(zod);
      const d = def(u.core);
      const text = (ours['description'] ?? resolve(ours)['description']) as string | undefined;
      const english = ours['x-description-en'] ?? resolve(ours)['x-description-en'];
      // A segment's `data` repeats the segment's own description in milky-types; qqwire describes the segment.
      const checked = u.description && at.includes('.') && !at.endsWith('>.data') && !(at in SEED_WORDING);
      if (at in SEED_WORDING && text !== SEED_WORDING[at]) problems.push(`${at}: description ${JSON.stringify(text)}`);
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
        const props = (target['properties'] ?? {}) as Record<string, Record<string, unknown>>;
        for (const [key, field] of Object.entries(d.shape!)) compare(field, props[key], `${at}.${key}`);
      } else if (d.type === 'array') {
        compare(d.element!, target['items'] as Record<string, unknown>, `${at}[]`);
      } else if (d.type === 'union') {
        const variants = ((target['oneOf'] ?? []) as Record<string, unknown>[]).map(resolve);
        for (const option of d.options!) {
          const tag = (def(def(option).shape![d.discriminator!]!).values ?? [])[0];
          const match = variants.find((v) => (v['properties'] as Record<string, Record<string, unknown>>)[d.discriminator!]?.['const'] === tag);
          compare(option, match, `${at}<${String(tag)}>`);
        }
      }
    };
    for (const { name, spec } of apis) {
      const action = jsonActions[name]!;
      if (spec.requestSchema) compare(spec.requestSchema, action['params'] as Record<string, unknown>, `${name}.params`.replace('.params', ':params'));
      if (spec.responseSchema) compare(spec.responseSchema, action['result'] as Record<string, unknown>, `${name}:result`);
    }
    assert.deepEqual(problems, []);
  });
});
