/**
 * Differential test against Milky's own schemas (npm @saltify/milky-types, zod): for every API of every
 * category, valid samples and single-fault mutations of params and result are given to both qqwire's
 * generated validator and milky-types' zod schema, and the two must agree (accept/reject). The only
 * disagreements allowed are named in helpers/milky-judge.ts: the two places where milky-types' `.catch` swallows invalid
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
import { CAUGHT, compareDocs, describeCase, judge, newTally } from './helpers/milky-judge.js';
import { mutations, sample, sampleCount, type ZodLike } from './helpers/zod-cases.js';

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

/** Field descriptions where qqwire keeps the seed document's wording (a superset of milky-types' text). */
const SEED_WORDING: Record<string, string> = {
  'get_message:params.message_scene': '消息场景（可能值：`friend`, `group`, `temp`）',
};

const tally = { apis: 0, ...newTally() };

function exercise(api: string, side: 'params' | 'result', zod: ZodLike, ours: Validator<unknown>): void {
  const n = sampleCount(zod);
  for (let variant = 0; variant < n; variant++) {
    for (const mode of ['minimal', 'full'] as const) {
      const value = sample(zod, variant, mode);
      assert.equal(zod.safeParse(value).success, true, describeCase(`${api} ${side}`, `zod sample ${variant}/${mode} is invalid for zod itself`, value));
      judge(tally, `${api} ${side}`, zod, ours, value);
      for (const m of mutations(zod, value)) judge(tally, `${api} ${side}`, zod, ours, m.value, m);
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
    const compare = (zod: ZodLike, ours: Record<string, unknown> | undefined, at: string) => problems.push(...compareDocs(json, zod, ours, at, seen, SEED_WORDING));
    for (const { name, spec } of apis) {
      const action = jsonActions[name]!;
      if (spec.requestSchema) compare(spec.requestSchema, action['params'] as Record<string, unknown>, `${name}.params`.replace('.params', ':params'));
      if (spec.responseSchema) compare(spec.responseSchema, action['result'] as Record<string, unknown>, `${name}:result`);
    }
    assert.deepEqual(problems, []);
  });
});
