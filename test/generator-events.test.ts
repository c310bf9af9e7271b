/**
 * Events in the generator (`transport.events.type`), given → want with no disk: a root tagged union
 * (nested unions included) in, event names and located load errors out; the validator schema of a
 * nested union; the names each protocol's rule gives.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { Ajv } from 'ajv';
import { analyze } from '../generator/analyze.js';
import { SchemaErrors } from '../generator/errors.js';
import { computeEvents, leafName, type EventNameRule } from '../generator/events.js';
import { validatorSchemas } from '../generator/json-schema.js';
import { parseFile, type LoadedFolder } from '../generator/load.js';
import type { Node } from '../generator/node.js';
import { normalise } from '../generator/normalise.js';
import { resolveAll } from '../generator/resolve.js';

const META = fileURLToPath(new URL('../../schemas/qqwire.schema.json', import.meta.url));

/** Raw named schemas → nodes (no problem allowed). */
function nodes(raw: Record<string, object>): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const [name, schema] of Object.entries(raw)) {
    out.set(name, normalise(schema, `/types/${name}`, (pointer, detail) => assert.fail(`${pointer}: ${detail}`)));
  }
  return out;
}

const union = (tag: string, ...variants: string[]) => ({ discriminator: { propertyName: tag }, oneOf: variants.map((v) => ({ $ref: `#/types/${v}` })) });
const leaf = (consts: Record<string, string>, extra: Record<string, object> = {}) => ({
  type: 'object',
  properties: { ...Object.fromEntries(Object.entries(consts).map(([k, v]) => [k, { const: v }])), ...extra },
  required: Object.keys(consts),
});

const ONEBOT11: EventNameRule = {
  parts: [['post_type'], ['message_type', 'notice_type', 'request_type', 'meta_event_type']],
  refine: [{ when: 'notice.notify', field: 'sub_type' }],
};

/** A OneBot 11 shaped tree: Event → by post_type → by message_type / notice_type (→ notify by sub_type). */
const ONEBOT11_TYPES = {
  Event: union('post_type', 'MessageEvent', 'NoticeEvent', 'HeartbeatEvent'),
  MessageEvent: union('message_type', 'PrivateMessageEvent', 'GroupMessageEvent'),
  NoticeEvent: union('notice_type', 'GroupRecallNoticeEvent', 'NotifyEvent'),
  NotifyEvent: union('sub_type', 'PokeNotifyEvent', 'LuckyKingNotifyEvent'),
  PrivateMessageEvent: leaf({ post_type: 'message', message_type: 'private' }, { user_id: { type: 'integer' } }),
  GroupMessageEvent: leaf({ post_type: 'message', message_type: 'group' }, { group_id: { type: 'integer' } }),
  GroupRecallNoticeEvent: leaf({ post_type: 'notice', notice_type: 'group_recall' }),
  PokeNotifyEvent: leaf({ post_type: 'notice', notice_type: 'notify', sub_type: 'poke' }),
  LuckyKingNotifyEvent: leaf({ post_type: 'notice', notice_type: 'notify', sub_type: 'lucky_king' }),
  HeartbeatEvent: leaf({ post_type: 'meta_event', meta_event_type: 'heartbeat' }),
};

describe('event names: the runtime rule applied to the fixed values on the path to each leaf', () => {
  const cases: [string, EventNameRule, Record<string, object>, [string, string][]][] = [
    ['Milky: one part', { parts: [['event_type']] }, { Event: union('event_type', 'A', 'B'), A: leaf({ event_type: 'message_receive' }), B: leaf({ event_type: 'group_mute' }) }, [
      ['message_receive', 'A'],
      ['group_mute', 'B'],
    ]],
    ['OneBot 11: nested unions, first present field of a part, refine', ONEBOT11, ONEBOT11_TYPES, [
      ['message.private', 'PrivateMessageEvent'],
      ['message.group', 'GroupMessageEvent'],
      ['notice.group_recall', 'GroupRecallNoticeEvent'],
      ['notice.notify.poke', 'PokeNotifyEvent'],
      ['notice.notify.lucky_king', 'LuckyKingNotifyEvent'],
      ['meta_event.heartbeat', 'HeartbeatEvent'],
    ]],
    ['OneBot 12: type.detail_type, a one-value enum counts as const', { parts: [['type'], ['detail_type']] }, {
      Event: union('type', 'Heartbeat'),
      Heartbeat: { type: 'object', properties: { type: { const: 'meta' }, detail_type: { enum: ['heartbeat'] } }, required: ['type'] },
    }, [['meta.heartbeat', 'Heartbeat']]],
    ['QQ official: the dispatch t', { parts: [['t']] }, { Event: union('t', 'C2c'), C2c: leaf({ t: 'C2C_MESSAGE_CREATE' }) }, [['C2C_MESSAGE_CREATE', 'C2c']]],
  ];
  for (const [what, rule, raw, want] of cases) {
    test(what, () => {
      const { events, problems } = computeEvents('Event', rule, nodes(raw));
      assert.deepEqual(problems, []);
      assert.deepEqual(events.map((e) => [e.name, e.type]), want);
    });
  }

  test('a part with no single value, or a refine field with none, cannot be named', () => {
    const fixed = new Map([['post_type', 'notice'], ['notice_type', 'notify']]);
    assert.deepEqual(leafName(ONEBOT11, fixed, new Set(['post_type', 'notice_type', 'sub_type'])), {
      problem: 'is named "notice.notify" and so refined by "sub_type", which has no single value (`const`)',
    });
    assert.equal(leafName(ONEBOT11, fixed, new Set(['post_type', 'notice_type'])), 'notice.notify', 'no sub_type at all: the runtime names it notice.notify too');
    assert.deepEqual(leafName({ parts: [['t']] }, new Map(), new Set(['t'])), { problem: 'needs "t" with one value (`const`) to compute its event name: "t" has none' });
    // The runtime takes the first field present: a declared non-const `message_type` hides a later const.
    assert.deepEqual(leafName(ONEBOT11, new Map([['post_type', 'x'], ['notice_type', 'y']]), new Set(['message_type'])), {
      problem: 'needs one of "message_type", "notice_type", "request_type", "meta_event_type" with one value (`const`) to compute its event name: "message_type" has none',
    });
  });

  const problemCases: [string, Record<string, object>, EventNameRule, { type: string | undefined; pointer: string; detail: RegExp }][] = [
    ['two leaves with the same name', { Event: union('t', 'A', 'B'), A: leaf({ t: 'X' }), B: leaf({ t: 'X' }, { more: { type: 'string' } }) }, { parts: [['t']] },
      { type: 'Event', pointer: '/types/Event/oneOf/1', detail: /event B gets the name "X", already the name of A/ }],
    ['a leaf without the part field', { Event: union('t', 'A'), A: { type: 'object', properties: { t: { type: 'string' } } } }, { parts: [['t']] },
      { type: 'Event', pointer: '/types/Event/oneOf/0', detail: /event A needs "t" with one value/ }],
    ['the wildcard as a name', { Event: union('t', 'A'), A: leaf({ t: '*' }) }, { parts: [['t']] },
      { type: 'Event', pointer: '/types/Event/oneOf/0', detail: /"\*", which is reserved/ }],
    ['a scalar variant', { Event: union('t', 'A'), A: { type: 'string' } }, { parts: [['t']] },
      { type: 'Event', pointer: '/types/Event/oneOf/0', detail: /must be an object type or a tagged union, not a scalar/ }],
    ['a root that is not a union', { Event: leaf({ t: 'a' }) }, { parts: [['t']] },
      { type: undefined, pointer: '/protocol/transport/events/type', detail: /events type Event is an object, not a tagged union/ }],
    ['a root that does not exist', {}, { parts: [['t']] },
      { type: undefined, pointer: '/protocol/transport/events/type', detail: /events type Event is not a type of this protocol/ }],
  ];
  for (const [what, raw, rule, want] of problemCases) {
    test(`problem: ${what}`, () => {
      const { problems } = computeEvents('Event', rule, nodes(raw));
      assert.equal(problems.length, 1, JSON.stringify(problems));
      assert.equal(problems[0]!.type, want.type);
      assert.equal(problems[0]!.pointer, want.pointer);
      assert.match(problems[0]!.detail, want.detail);
    });
  }
});

/** An in-memory protocol folder (parsed and checked against the repo meta-schema, nothing written). */
function folder(id: string, files: Record<string, string>): LoadedFolder {
  return { id, dir: `schemas/${id}`, files: Object.entries(files).map(([name, text]) => parseFile(text, `schemas/${id}/${name}`, META)) };
}

const PROTOCOL = (type: string) => `protocol:
  name: demo
  title: Demo
  version: "1"
  transport:
    http: { path: '/{action}', body: params }
    events:
      type: ${type}
      name: { parts: [[post_type], [message_type, notice_type]] }
`;

const TYPES = `types:
  Event:
    discriminator: { propertyName: post_type }
    oneOf:
      - $ref: '#/types/MessageEvent'
      - $ref: '#/types/NoticeEvent'
  MessageEvent:
    discriminator: { propertyName: message_type }
    oneOf:
      - $ref: '#/types/PrivateMessageEvent'
      - $ref: '#/types/GroupMessageEvent'
  NoticeEvent:
    type: object
    properties:
      post_type: { const: notice }
      notice_type: { const: group_recall }
      message_id: { type: integer }
    required: [post_type, notice_type, message_id]
  PrivateMessageEvent:
    type: object
    properties:
      post_type: { const: message }
      message_type: { const: private }
      user_id: { type: integer }
    required: [post_type, message_type, user_id]
  GroupMessageEvent:
    type: object
    properties:
      post_type: { const: message }
      message_type: { const: group }
      group_id: { type: integer }
    required: [post_type, message_type, group_id]
`;

function loadErrors(files: Record<string, string>): string[] {
  try {
    resolveAll([folder('demo', files)]);
  } catch (error) {
    if (error instanceof SchemaErrors) return error.errors.map((e) => `${e.file}:${e.line}:${e.col} ${e.detail}`);
    throw error;
  }
  assert.fail('no load error');
}

describe('transport.events.type through the loader', () => {
  test('nested unions resolve: events in declaration order, the nested variant flagged with the tag its leaves share', () => {
    const [p] = resolveAll([folder('demo', { 'protocol.yaml': PROTOCOL('Event'), 'events.yaml': TYPES })]);
    assert.deepEqual(p!.events, [
      { name: 'message.private', type: 'PrivateMessageEvent' },
      { name: 'message.group', type: 'GroupMessageEvent' },
      { name: 'notice.group_recall', type: 'NoticeEvent' },
    ]);
    assert.deepEqual(p!.unions.get('Event')!.variants, [{ tag: 'message', type: 'MessageEvent', union: true }, { tag: 'notice', type: 'NoticeEvent' }]);
  });

  test('the validator of a nested union picks the branch by each tag in turn and names the path of a bad field', () => {
    const [p] = resolveAll([folder('demo', { 'protocol.yaml': PROTOCOL('Event'), 'events.yaml': TYPES })]);
    const { root } = validatorSchemas(p!, analyze(p!), 'https://qqwire.dev/t.json');
    const ajv = new Ajv({ strict: true, discriminator: true, allowUnionTypes: true, strictTuples: false });
    ajv.addSchema(root);
    const check = ajv.getSchema('https://qqwire.dev/t.json#/$defs/Event')!;
    assert.equal(check({ post_type: 'message', message_type: 'group', group_id: 1 }), true);
    assert.equal(check({ post_type: 'notice', notice_type: 'group_recall', message_id: 2 }), true);
    assert.equal(check({ post_type: 'message', message_type: 'group', group_id: 'x' }), false);
    assert.equal(check.errors![0]!.instancePath, '/group_id');
    assert.equal(check({ post_type: 'message', message_type: 'discuss' }), false, 'an unknown inner tag');
    assert.equal(check({ post_type: 'request' }), false, 'an unknown outer tag');
  });

  test('a duplicate name is located at the second union entry (file:line:col)', () => {
    const dup = TYPES.replace('message_type: { const: group }', 'message_type: { const: private }');
    const errors = loadErrors({ 'protocol.yaml': PROTOCOL('Event'), 'events.yaml': dup });
    // The union check sees the repeated tag first, at MessageEvent's second entry.
    assert.deepEqual(errors, ['schemas/demo/events.yaml:11:9 tag "private" is used twice']);
  });

  test('leaves of a nested union that disagree on the outer tag', () => {
    const bad = TYPES.replace("post_type: { const: message }\n      message_type: { const: group }", "post_type: { const: notice }\n      message_type: { const: group }");
    const errors = loadErrors({ 'protocol.yaml': PROTOCOL('Event'), 'events.yaml': bad });
    assert.deepEqual(errors, ['schemas/demo/events.yaml:5:9 the variants of MessageEvent must all have the same properties.post_type.const (found "message", "notice")']);
  });

  test('the same name from two branches (no shared tag) is located at the second leaf entry', () => {
    // Two post_type values whose leaves both compute "x.y": only the name rule sees the clash.
    const rule = PROTOCOL('Event').replace('[[post_type], [message_type, notice_type]]', '[[kind]]');
    const types = TYPES.replace(/notice_type: \{ const: group_recall \}/, 'notice_type: { const: group_recall }\n      kind: { const: same }')
      .replace('message_type: { const: group }', 'message_type: { const: group }\n      kind: { const: same }')
      .replace('message_type: { const: private }', 'message_type: { const: private }\n      kind: { const: one }');
    const errors = loadErrors({ 'protocol.yaml': rule, 'events.yaml': types });
    assert.deepEqual(errors, ['schemas/demo/events.yaml:6:9 event NoticeEvent gets the name "same", already the name of GroupMessageEvent: two events cannot share a name']);
  });

  test('an events type that is not a tagged union is located at transport.events.type', () => {
    const errors = loadErrors({ 'protocol.yaml': PROTOCOL('NoticeEvent'), 'events.yaml': TYPES });
    assert.deepEqual(errors, ['schemas/demo/protocol.yaml:8:13 events type NoticeEvent is an object, not a tagged union (`discriminator` + `oneOf`)']);
  });

  test('EventMap is a reserved type name', () => {
    const errors = loadErrors({ 'protocol.yaml': PROTOCOL('Event'), 'events.yaml': `${TYPES}  EventMap: { type: string }\n` });
    assert.deepEqual(errors, ['schemas/demo/events.yaml:33:13 type name EventMap is reserved by the generated code: rename it']);
  });
});
