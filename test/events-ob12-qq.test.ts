/**
 * OneBot 12 and QQ official event schemas (issue 12): every documented event name (the committed lists
 * in test/fixtures/<protocol>/documented-events.json) is exactly one event of generated protocol.json
 * and one leaf of the schema's event union (`transport.events.type`),
 * every docs example validates, a wrong payload fails at its JSON path, each QQ event names an intent
 * of the gateway's intent table, and an extension or unknown event is delivered, not rejected.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createOnebot12EventHub, protocol as onebot12, validators as ob12 } from 'qqwire/onebot12';
import { createQqOfficialEventHub, protocol as qqOfficial, validators as qq } from 'qqwire/qq-official';
import { type EventDeliveryInfo, type Validator } from '../runtime/index.js';
import { gatewayIntents } from '../runtime/qq-official-entry.js';
import type { GatewayEventsInfo } from '../runtime/transport.js';
import { loadProtocolJson, type ProtocolJson } from './helpers/schema-sample.js';

type Schema = Record<string, unknown>;
const FIXTURES = new URL('../../test/fixtures/', import.meta.url);
const info: EventDeliveryInfo = { delivery: 'webhook', selfId: undefined };

interface DocumentedEvents {
  protocol: string;
  sources: { repo: string; commit: string | null; paths: string[] }[];
  events: string[];
}

function documented(folder: string): DocumentedEvents {
  return JSON.parse(readFileSync(new URL(`${folder}/documented-events.json`, FIXTURES), 'utf8')) as DocumentedEvents;
}

const refName = (s: Schema): string => String(s['$ref']).replace('#/$defs/', '');

/** Leaf type name → its event name, by the protocol's naming rule over the leaf's tag consts (an independent reading). */
function leafNames(json: ProtocolJson, roots: string[], parts: readonly (readonly string[])[]): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (name: string): void => {
    const def = json.$defs[name]!;
    if (def['discriminator']) return (def['oneOf'] as Schema[]).forEach((b) => visit(refName(b)));
    const props = def['properties'] as Record<string, Schema>;
    const consts = parts.map((fields) => fields.map((f) => props[f]?.['const']).find((c) => typeof c === 'string'));
    assert.ok(consts.every((c) => c !== undefined), `${name} has a const for every part of the event name`);
    out.set(name, consts.join('.'));
  };
  roots.forEach(visit);
  return out;
}

const cases = [
  { folder: 'onebot12', protocol: onebot12, validators: ob12 as unknown as Record<string, Validator<unknown>>, root: 'AnyEvent' },
  { folder: 'qq-official', protocol: qqOfficial, validators: qq as unknown as Record<string, Validator<unknown>>, root: 'Event' },
];

for (const c of cases) {
  describe(`${c.folder} events`, () => {
    const json = loadProtocolJson(c.folder) as ProtocolJson & { events: Record<string, { type: string }> };
    const leaves = leafNames(json, [c.root], c.protocol.transport.events!.name.parts);

    it('each documented event is exactly one event of protocol.json and one leaf of the union', () => {
      const doc = documented(c.folder);
      assert.equal(doc.protocol, c.folder);
      assert.ok(doc.sources.length > 0 && doc.sources.every((s) => s.paths.length > 0));
      assert.deepEqual([...new Set(doc.events)].sort(), doc.events, 'sorted, without duplicates');
      assert.equal((c.protocol.transport.events as { type?: string }).type, c.root, 'transport.events.type');
      assert.deepEqual(Object.keys(json.events).sort(), doc.events, `generated/${c.folder}/protocol.json events`);
      const names = [...leaves.values()];
      assert.equal(new Set(names).size, names.length, `no two leaves share a name: ${names.join(', ')}`);
      assert.deepEqual(names.sort(), doc.events);
      for (const [type, name] of leaves) assert.equal(json.events[name]!.type, type, name);
    });

    it('every example in the schemas validates with the generated validator', () => {
      let checked = 0;
      for (const [name, def] of Object.entries(json.$defs)) {
        for (const example of (def['examples'] as unknown[] | undefined) ?? []) {
          assert.ok(c.validators[name], `a validator for ${name}`);
          assert.deepEqual(c.validators[name]!.check(example), undefined, `${name}: ${JSON.stringify(example).slice(0, 120)}`);
          checked++;
        }
      }
      assert.ok(checked >= (c.folder === 'onebot12' ? 19 : 20), `examples checked: ${checked}`);
    });
  });
}

describe('event payloads that break the schema fail at their JSON path', () => {
  it('OneBot 12: a group message event without group_id; a notice with the wrong detail_type', () => {
    const example = (loadProtocolJson('onebot12').$defs['GroupMessageEvent']!['examples'] as Schema[])[0]!;
    const { group_id: _, ...noGroup } = example;
    assert.deepEqual(ob12.GroupMessageEvent.check(noGroup), [{ path: '', message: 'missing required property "group_id"' }]);
    assert.ok(ob12.GroupMessageEvent.check({ ...example, time: '1632847927' })!.some((i) => i.path.includes('time')));
    const notice = { id: 'e', time: 1, type: 'notice', detail_type: 'friend_increase', sub_type: '', user_id: '1' };
    assert.equal(ob12.FriendIncreaseEvent.check(notice), undefined);
    assert.ok(ob12.FriendDecreaseEvent.check(notice)!.some((i) => i.path.includes('detail_type')));
    // The per-type union picks the variant by detail_type.
    assert.equal(ob12.AnyNoticeEvent.check(notice), undefined);
    assert.ok(ob12.AnyNoticeEvent.check({ ...notice, user_id: 1 })!.some((i) => i.path.includes('user_id')));
  });

  it('QQ official: GROUP_AT_MESSAGE_CREATE without d.group_openid, and a frame whose t is not the variant', () => {
    const d = { author: { member_openid: 'M' }, content: ' hi', group_openid: 'G', id: 'ROBOT1.0_x', timestamp: '2023-11-06T13:37:18+08:00' };
    const frame = { op: 0, s: 3, t: 'GROUP_AT_MESSAGE_CREATE', id: 'GROUP_AT_MESSAGE_CREATE:1', d };
    assert.equal(qq.GroupAtMessageCreateEvent.check(frame), undefined);
    assert.equal(qq.Event.check(frame), undefined);
    const { group_openid: _, ...noGroup } = d;
    const missing = [{ path: '/d', message: 'missing required property "group_openid"' }];
    assert.deepEqual(qq.GroupAtMessageCreateEvent.check({ ...frame, d: noGroup }), missing);
    assert.deepEqual(qq.Event.check({ ...frame, d: noGroup }), missing, 'the union picks the variant by t');
    assert.ok(qq.C2CMessageCreateEvent.check(frame)!.length > 0, 'a group frame is not a C2C event');
    assert.ok(qq.GroupAtMessageCreateEvent.check({ ...frame, op: 1 })!.some((i) => i.path.includes('op')));
  });
});

describe('QQ official intents', () => {
  const facts = qqOfficial.transport.events!.gateway as GatewayEventsInfo;
  const json = loadProtocolJson('qq-official');
  const leaves = leafNames(json, ['Event'], qqOfficial.transport.events!.name.parts);

  it("every event but READY / RESUMED names an intent of the gateway's table; every intent has an event", () => {
    const used = new Set<string>();
    for (const [type, name] of leaves) {
      const intent = json.$defs[type]!['x-intent'];
      if (name === facts.readyEvent || name === facts.resumedEvent) {
        assert.equal(intent, undefined, `${name} comes with any intents`);
        continue;
      }
      assert.ok(typeof intent === 'string' && intent in facts.intents, `${name}: x-intent ${String(intent)}`);
      used.add(intent as string);
    }
    assert.deepEqual([...used].sort(), Object.keys(facts.intents).sort());
  });

  it('the intents of the README bot are the documented bits (1<<25; with 1<<30 for channel @-messages)', () => {
    const intentOf = (t: string) => json.$defs[[...leaves].find(([, n]) => n === t)![0]]!['x-intent'] as string;
    assert.equal(gatewayIntents(facts, [intentOf('GROUP_AT_MESSAGE_CREATE'), intentOf('C2C_MESSAGE_CREATE')]), 2 ** 25);
    assert.equal(gatewayIntents(facts, [intentOf('AT_MESSAGE_CREATE'), intentOf('FRIEND_ADD')]), 2 ** 30 + 2 ** 25);
  });
});

describe('extension and unknown events are delivered, never rejected (generated hubs, validation: throw)', () => {
  it('OneBot 12: a qq.-prefixed notice and request reach * as sent; a broken standard event is reported, not dispatched', () => {
    const errors: Error[] = [];
    const hub = createOnebot12EventHub({ validation: 'throw', onError: (e) => errors.push(e) });
    const seen: [unknown, string | undefined][] = [];
    hub.on('*', (e, _i, name) => void seen.push([e, name]));
    let increases = 0;
    hub.on('notice.friend_increase', (e) => void (increases += e.user_id === '7' ? 1 : 0));
    const poke = { id: 'x', time: 1.5, type: 'notice', detail_type: 'qq.group_poke', sub_type: '', 'qq.target_id': '2' };
    const request = { id: 'y', time: 2, type: 'request', detail_type: 'qq.friend_request', sub_type: '' };
    const increase = { id: 'w', time: 3, type: 'notice', detail_type: 'friend_increase', sub_type: '', user_id: '7' };
    hub.onEvent(poke, info);
    hub.onEvent(request, info);
    hub.onEvent(increase, info);
    hub.onEvent({ id: 'z', time: 3, type: 'notice', detail_type: 'friend_increase', sub_type: '' }, info);
    assert.deepEqual(seen, [[poke, 'notice.qq.group_poke'], [request, 'request.qq.friend_request'], [increase, 'notice.friend_increase']]);
    assert.equal(increases, 1);
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.message, /notice\.friend_increase.*user_id/);
  });

  it('QQ official: a t the schema does not list reaches * as sent; a documented one is validated', () => {
    const errors: Error[] = [];
    const hub = createQqOfficialEventHub({ validation: 'throw', onError: (e) => errors.push(e) });
    const seen: unknown[] = [];
    hub.on('*', (e, _i, name) => void seen.push([name, e]));
    const later = { op: 0, s: 9, t: 'OPEN_FORUM_THREAD_CREATE', d: { anything: true } };
    const added = { op: 0, s: 10, t: 'FRIEND_ADD', id: 'FRIEND_ADD:1', d: { openid: 'O', timestamp: 1699240365 } };
    hub.onEvent(later, info);
    hub.onEvent(added, info);
    hub.onEvent({ ...added, s: 11, d: { openid: 'O' } }, info);
    assert.deepEqual(seen, [['OPEN_FORUM_THREAD_CREATE', later], ['FRIEND_ADD', added]]);
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.message, /FRIEND_ADD.*timestamp/);
  });
});
