/**
 * Differential test of Milky's events against milky-types' zod `Event` (npm @saltify/milky-types): for
 * every event type, valid samples and single-fault mutations go through the client's decode (where an
 * unknown `event_type` becomes `{event_type: 'unknown', raw}`) and qqwire's `validators.Event`, and to
 * zod's `Event`; the two must agree. The disagreements allowed are named and counted: the `.catch`
 * divergences shared with the action differential (segments inside `message_receive`), and the unknown
 * event type, which milky-types rejects and qqwire keeps (schemas/milky/events.yaml, `x-divergence`).
 * The figures are printed: event types, cases, agreements and each named divergence.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Event as ZodEvent, milkyVersion } from '@saltify/milky-types';
import { eventValidators, protocol, validators } from 'qqwire/milky';
import { applyPlan, type PlanDefs } from 'qqwire/runtime/internal';
import { compareDocs, countDivergence, describeCase, judge, newTally, resolveRef, type Judged } from './helpers/milky-judge.js';
import { loadProtocolJson } from './helpers/schema-sample.js';
import { def, mutations, sample, sampleCount, type ZodLike } from './helpers/zod-cases.js';

type Node = Record<string, unknown>;

const zodEvent = ZodEvent as unknown as ZodLike;
const options = def(zodEvent).options!;
const tagOf = (option: ZodLike) => def(def(option).shape!['event_type']!).values![0] as string;
const json = loadProtocolJson('milky');
const eventSchema = json.$defs['Event']!;
const variants = (eventSchema['oneOf'] as Node[]).map((ref) => ({ name: (ref['$ref'] as string).replace(/^.*\//, ''), schema: resolveRef(json, ref) }));
const constOf = (schema: Node) => ((schema['properties'] as Record<string, Node>)['event_type']!)['const'] as string;

/** What a receiver does with a payload: the client's decode (open unions), then the validator. */
const decode = (value: unknown) => applyPlan({ k: 'ref', n: 'Event' }, protocol.plans as PlanDefs, value, 'number', 'decode');
const ours: Judged = { is: (v) => validators.Event.is(decode(v)), check: (v) => validators.Event.check(decode(v)) };

const UNKNOWN_EVENT = 'unknown event_type: milky-types rejects it (plain discriminatedUnion); qqwire delivers {event_type: "unknown", raw} (x-unknown: keep; Milky says ignore, never an error)';

/** The event example of Milky's communication.md @9620ed00 (WS/WebHook), as written there. */
const DOC_EXAMPLE = {
  time: 1234567890,
  self_id: 123456789,
  event_type: 'message_receive',
  data: {
    message_scene: 'friend',
    peer_id: 123456789,
    message_seq: 23333,
    sender_id: 123456789,
    time: 1234567890,
    segments: [{ type: 'text', data: { text: 'Hello, world!' } }],
  },
};

const tally = { eventTypes: 0, ...newTally() };

/** A mutation that replaces the root tag with another string: the one place qqwire's decode steps in. */
const isUnknownTag = (value: unknown) => typeof (value as Node)['event_type'] === 'string' && !options.some((o) => tagOf(o) === (value as Node)['event_type']);

function judgeEvent(subject: string, value: unknown, m?: Parameters<typeof judge>[5]): void {
  if (!isUnknownTag(value)) return judge(tally, subject, zodEvent, ours, value, m);
  tally.cases++;
  assert.equal(zodEvent.safeParse(value).success, false, describeCase(subject, 'unknown tag', value));
  const decoded = decode(value);
  assert.deepEqual(decoded, { event_type: 'unknown', raw: value }, describeCase(subject, 'unknown tag is kept', value));
  assert.equal(validators.Event.is(decoded), true, JSON.stringify(validators.Event.check(decoded)));
  countDivergence(tally, UNKNOWN_EVENT);
}

describe(`Milky events differential against @saltify/milky-types (Milky ${milkyVersion})`, () => {
  test('every milky-types event type is a variant of qqwire\'s Event and vice versa, each a named type with a named data type', () => {
    const theirs = options.map(tagOf);
    assert.equal(theirs.length, 20);
    assert.deepEqual(variants.map((v) => constOf(v.schema)), theirs, 'same event types, same order');
    assert.equal(eventSchema['x-unknown'], 'keep');
    // protocol.json `events`: one entry per milky-types event type, keyed by it, pointing at its variant.
    const events = (json as unknown as { events: Record<string, { type: string }> }).events;
    assert.deepEqual(Object.keys(events), theirs, 'protocol.json events keyed by event_type, same order');
    assert.deepEqual(Object.values(events).map((e) => e.type), variants.map((v) => v.name));
    assert.deepEqual(Object.keys(eventValidators), theirs, 'one validator per event name');
    for (const { name, schema } of variants) {
      const tag = constOf(schema);
      const pascal = tag.replace(/(^|_)(\w)/g, (_, __, c: string) => c.toUpperCase());
      assert.equal(name, `${pascal}Event`, `${tag}: variant type name`);
      assert.deepEqual(schema['required'], ['event_type', 'time', 'self_id', 'data'], `${tag}: required`);
      const data = (schema['properties'] as Record<string, Node>)['data']!;
      assert.equal(data['$ref'], tag === 'message_receive' ? '#/$defs/IncomingMessage' : `#/$defs/${pascal}EventData`, `${tag}: data is a named type`);
      assert.equal(typeof validators[name as keyof typeof validators], 'object', `${tag}: exported validator ${name}`);
    }
  });

  test('every event type: validators.Event after decode agrees with milky-types on valid samples and every single-fault mutation', () => {
    for (const option of options) {
      tally.eventTypes++;
      const tag = tagOf(option);
      const n = sampleCount(option);
      for (let variant = 0; variant < n; variant++) {
        for (const mode of ['minimal', 'full'] as const) {
          const value = sample(option, variant, mode);
          assert.equal(zodEvent.safeParse(value).success, true, describeCase(tag, `zod sample ${variant}/${mode} is invalid for zod itself`, value));
          judgeEvent(tag, value);
          // The per-name validator the hub uses agrees with the union's on the valid sample.
          assert.equal(eventValidators[tag as keyof typeof eventValidators].check(decode(value)), undefined, describeCase(tag, 'eventValidators', value));
          for (const m of mutations(option, value)) judgeEvent(tag, m.value, m);
        }
      }
    }
    const divergences = [...tally.divergences].map(([why, count]) => `${count}× ${why}`).join('\n  ');
    console.log(`milky events differential: ${tally.eventTypes} event types, ${tally.cases} cases, ${tally.agreements} agreements, ${tally.cases - tally.agreements} named divergences\n  ${divergences}`);
    assert.equal(tally.eventTypes, 20);
    assert.ok(tally.cases > 2000, `only ${tally.cases} cases`);
    // Every disagreement is one of the named ones, and each of these is reached.
    assert.equal([...tally.divergences.values()].reduce((a, b) => a + b, 0), tally.cases - tally.agreements);
    assert.ok(tally.divergences.get(UNKNOWN_EVENT), 'the unknown event type was never exercised');
    assert.ok([...tally.divergences.keys()].some((k) => k.startsWith('IncomingSegment')), 'no segment .catch case inside message_receive');
  });

  test('Chinese descriptions and enums of every event and field match milky-types; every field has English', () => {
    const seen = new Set<unknown>();
    const problems: string[] = [];
    for (const option of options) {
      const tag = tagOf(option);
      const variant = variants.find((v) => constOf(v.schema) === tag)!.schema;
      if (variant['description'] !== option.description) problems.push(`${tag}: description ${JSON.stringify(variant['description'])} vs ${JSON.stringify(option.description)}`);
      if (typeof variant['x-description-en'] !== 'string') problems.push(`${tag}: no x-description-en`);
      problems.push(...compareDocs(json, option, variant, `event:${tag}`, seen));
    }
    assert.deepEqual(problems, []);
  });

  test('the event example of Milky\'s docs is rejected by both (it omits `friend`); completed with `friend`, both accept it', () => {
    assert.equal(zodEvent.safeParse(DOC_EXAMPLE).success, false);
    const issues = validators.Event.check(decode(DOC_EXAMPLE));
    assert.ok(issues?.some((i) => i.path === '/data' || i.path.startsWith('/data')), JSON.stringify(issues));
    const fixed = structuredClone(DOC_EXAMPLE) as typeof DOC_EXAMPLE & { data: Node };
    fixed.data['friend'] = { user_id: 123456789, nickname: 'a', sex: 'male', qid: '', remark: '', category: { category_id: 0, category_name: 'x' } };
    assert.equal(zodEvent.safeParse(fixed).success, true);
    assert.equal(validators.Event.check(decode(fixed)), undefined);
  });

  test('a 1.3 event (group_disband) reaches a 1.2 client as the unknown variant with the raw payload intact', () => {
    const event = { time: 1700000000, self_id: 10001, event_type: 'group_disband', data: { group_id: 987654321, operator_id: 10002 } };
    assert.equal(zodEvent.safeParse(event).success, false);
    const decoded = decode(event) as { event_type: string; raw: unknown };
    assert.equal(decoded.event_type, 'unknown');
    assert.equal(decoded.raw, event, 'the original object, not a copy');
    assert.equal(validators.Event.check(decoded), undefined);
    // A known event type with bad data is not rescued as unknown: it stays an error.
    const bad = { ...event, event_type: 'group_name_change' };
    assert.equal(decode(bad), bad);
    assert.equal(validators.Event.is(bad), false);
  });
});
