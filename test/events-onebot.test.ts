/**
 * OneBot 11, go-cqhttp and OpenShamrock events (issue 12): the root `Event` union picks the leaf by
 * post_type → message_type / notice_type / … → notify sub_type; what each child protocol adds, widens
 * or removes by `extends` holds in its validators and hub (and nowhere else); quick operations are named
 * types linked from their events, and one typed quick operation answers an HTTP POST event.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { createGocqhttpEventHub, validators as gocq, type EventMap as GocqEvents } from 'qqwire/gocqhttp';
import { createOnebot11EventHub, protocol as onebot11, validators as ob11, type GroupMessageQuickOperation } from 'qqwire/onebot11';
import { createShamrockEventHub, validators as shamrock } from 'qqwire/shamrock';
import { createWebhookReceiver, type EventDeliveryInfo } from '../runtime/events-entry.js';
import { loadProtocolJson } from './helpers/schema-sample.js';

type Payload = Record<string, unknown>;
type Events = Record<string, { type: string }>;
const info: EventDeliveryInfo = { delivery: 'test' };
const FAMILY = { onebot11: ob11, gocqhttp: gocq, shamrock } as const;

const eventsOf = (id: string) => (loadProtocolJson(id) as unknown as { events: Events }).events;
const exampleOf = (id: string, name: string): Payload => {
  const json = loadProtocolJson(id);
  return structuredClone((json.$defs[eventsOf(id)[name]!.type]!['examples'] as Payload[])[0]!);
};

describe('the root Event union dispatches through the nested tags', () => {
  for (const [id, v] of Object.entries(FAMILY)) {
    it(`${id}: every event's example validates as Event, and a broken one fails at its own path`, () => {
      const json = loadProtocolJson(id);
      let n = 0;
      for (const [name, e] of Object.entries(eventsOf(id))) {
        for (const example of (json.$defs[e.type]!['examples'] as Payload[] | undefined) ?? []) {
          assert.equal(v.Event.check(example), undefined, `${id} ${name}`);
          n++;
        }
      }
      assert.ok(n >= Object.keys(eventsOf(id)).length, `${id}: ${n} examples`);
      // Three levels down (post_type → notice_type → sub_type): the poke leaf reports its own field.
      const poke = exampleOf(id, 'notice.notify.poke');
      assert.deepEqual(v.Event.check({ ...poke, target_id: 'x' })?.map((i) => i.path), ['/target_id']);
      const group = exampleOf(id, 'message.group');
      assert.deepEqual(v.Event.check({ ...group, group_id: '30003' })?.map((i) => i.path), ['/group_id']);
    });
  }

  it('a tag the schema does not know, at any level, reaches * as sent and is never an error', () => {
    const errors: Error[] = [];
    const hub = createOnebot11EventHub({ validation: 'throw', onError: (e) => errors.push(e) });
    const seen: [unknown, string | undefined][] = [];
    hub.on('*', (e, _i, name) => void seen.push([e, name]));
    const base = { time: 1, self_id: 10001 };
    const payloads = [
      { ...base, post_type: 'message_sent', message_type: 'private' },
      { ...base, post_type: 'notice', notice_type: 'group_card' },
      { ...base, post_type: 'notice', notice_type: 'notify', sub_type: 'title' },
      { ...base, post_type: 'meta_event', meta_event_type: 'status' },
    ];
    for (const p of payloads) hub.onEvent(p, info);
    assert.deepEqual(seen, payloads.map((p, i) => [p, ['message_sent.private', 'notice.group_card', 'notice.notify.title', 'meta_event.status'][i]]));
    assert.deepEqual(errors, []);
    // The union validator itself names the unknown tag (decoding, not validation, keeps it as `unknown`).
    assert.deepEqual(ob11.Event.check(payloads[2]), [{ path: '', message: 'unknown sub_type "title"' }]);
  });
});

describe('what go-cqhttp and OpenShamrock change by extends', () => {
  it('go-cqhttp: a friend poke (sender_id, no group_id) and private sub_type group_self are valid there, not in OneBot 11', () => {
    const friendPoke = { time: 1, self_id: 10001, post_type: 'notice', notice_type: 'notify', sub_type: 'poke', sender_id: 20002, user_id: 20002, target_id: 10001 };
    assert.equal(gocq.PokeEvent.check(friendPoke), undefined);
    assert.deepEqual(ob11.PokeEvent.check(friendPoke), [{ path: '', message: 'missing required property "group_id"' }]);
    const selfInGroup = { ...exampleOf('onebot11', 'message.private'), sub_type: 'group_self' };
    assert.equal(gocq.PrivateMessageEvent.check(selfInGroup), undefined);
    assert.deepEqual(ob11.PrivateMessageEvent.check(selfInGroup)?.map((i) => i.path), ['/sub_type']);
  });

  it('go-cqhttp: guild ids are strings, message_sent is its own post_type with the message data', () => {
    const guild = exampleOf('gocqhttp', 'message.guild');
    assert.equal(typeof guild['guild_id'], 'string');
    assert.deepEqual(gocq.GuildMessageEvent.check({ ...guild, channel_id: 6001 })?.map((i) => i.path), ['/channel_id']);
    const sent = exampleOf('gocqhttp', 'message_sent.group');
    assert.equal(gocq.Event.check(sent), undefined);
    assert.ok(gocq.GroupMessageEvent.check(sent)!.some((i) => i.path === '/post_type'), 'a sent message is not a received one');
  });

  it('OpenShamrock: the code-level shapes (un_set, anonymous with a name only, required peer_id) hold there only', () => {
    const admin = { ...exampleOf('onebot11', 'notice.group_admin'), sub_type: 'un_set' };
    assert.equal(shamrock.GroupAdminEvent.check(admin), undefined);
    assert.deepEqual(ob11.GroupAdminEvent.check(admin)?.map((i) => i.path), ['/sub_type']);
    const anonymous = { ...exampleOf('shamrock', 'message.group'), sub_type: 'anonymous', anonymous: { name: '匿名' } };
    assert.equal(shamrock.GroupMessageEvent.check(anonymous), undefined);
    assert.ok(ob11.GroupMessageEvent.check(anonymous)!.some((i) => i.path === '/anonymous'));
    const { peer_id: _, ...noPeer } = exampleOf('shamrock', 'message.private');
    assert.deepEqual(shamrock.PrivateMessageEvent.check(noPeer), [{ path: '', message: 'missing required property "peer_id"' }]);
    assert.equal(ob11.PrivateMessageEvent.check(noPeer), undefined);
  });

  it('OpenShamrock: the events its docs mark 未实现 are not in its schema and reach * as sent, not as errors', () => {
    const names = Object.keys(eventsOf('shamrock'));
    for (const gone of ['notice.friend_add', 'notice.notify.lucky_king', 'notice.notify.honor', 'notice.offline_file', 'notice.client_status']) {
      assert.ok(!names.includes(gone), gone);
    }
    const errors: Error[] = [];
    const hub = createShamrockEventHub({ validation: 'throw', onError: (e) => errors.push(e) });
    const seen: [unknown, string | undefined][] = [];
    hub.on('*', (e, _i, name) => void seen.push([e, name]));
    const friendAdd = exampleOf('onebot11', 'notice.friend_add');
    const honor = exampleOf('onebot11', 'notice.notify.honor');
    hub.onEvent(friendAdd, info);
    hub.onEvent(honor, info);
    assert.deepEqual(seen, [[friendAdd, 'notice.friend_add'], [honor, 'notice.notify.honor']]);
    assert.deepEqual(errors, []);
  });

  it('each child hub validates by its own schema: the same friend poke is delivered by go-cqhttp and rejected by OneBot 11', () => {
    const friendPoke = { time: 1, self_id: 10001, post_type: 'notice', notice_type: 'notify', sub_type: 'poke', sender_id: 20002, user_id: 20002, target_id: 10001 };
    const got: string[] = [];
    const errors: Error[] = [];
    const g = createGocqhttpEventHub({ validation: 'throw', onError: (e) => errors.push(e) });
    const o = createOnebot11EventHub({ validation: 'throw', onError: (e) => errors.push(e) });
    g.on('notice.notify.poke', (e: GocqEvents['notice.notify.poke']) => void got.push(`gocqhttp ${e.sender_id}`));
    o.on('notice.notify.poke', (e) => void got.push(`onebot11 ${e.group_id}`));
    g.onEvent(friendPoke, info);
    o.onEvent(friendPoke, info);
    assert.deepEqual(got, ['gocqhttp 20002']);
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.message, /notice\.notify\.poke.*group_id/);
  });
});

describe('quick operations (快速操作)', () => {
  it('exactly the message and request events name their quick-operation type, in all three protocols', () => {
    for (const id of Object.keys(FAMILY)) {
      const json = loadProtocolJson(id);
      const linked = Object.fromEntries(
        Object.entries(eventsOf(id))
          .map(([name, e]) => [name, json.$defs[e.type]!['x-quick-operation']] as const)
          .filter(([, q]) => q !== undefined),
      );
      assert.deepEqual(linked, {
        'message.private': 'PrivateMessageQuickOperation',
        'message.group': 'GroupMessageQuickOperation',
        'request.friend': 'FriendRequestQuickOperation',
        'request.group': 'GroupRequestQuickOperation',
      }, id);
      for (const type of Object.values(linked)) assert.equal(json.$defs[type as string]!['type'], 'object', `${id} ${String(type)}`);
    }
    assert.deepEqual(ob11.GroupMessageQuickOperation.check({ reply: 'hi', ban_duration: -1 })?.map((i) => i.path), ['/ban_duration']);
    assert.deepEqual(ob11.FriendRequestQuickOperation.check({ approve: 'yes' })?.map((i) => i.path), ['/approve']);
  });

  it('a signed HTTP POST group message is answered with the typed quick operation the handler returns', async () => {
    const secret = 'hmac-secret';
    const hub = createOnebot11EventHub({ validation: 'throw', onError: (e) => assert.fail(e) });
    hub.on('message.group', (e): GroupMessageQuickOperation | undefined =>
      e.raw_message.endsWith('ping') ? { reply: [{ type: 'text', data: { text: `pong ${e.group_id}` } }], at_sender: false } : undefined,
    );
    const receiver = createWebhookReceiver({ protocol: onebot11, port: 0, host: '127.0.0.1', secret, sink: hub });
    await receiver.start();
    try {
      const body = JSON.stringify(exampleOf('onebot11', 'message.group'));
      const signature = `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`;
      const res = await fetch(`http://127.0.0.1:${receiver.port}/`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-signature': signature } });
      assert.equal(res.status, 200);
      const answer: unknown = await res.json();
      assert.deepEqual(answer, { reply: [{ type: 'text', data: { text: 'pong 30003' } }], at_sender: false });
      assert.equal(ob11.GroupMessageQuickOperation.check(answer), undefined);
    } finally {
      await receiver.close();
    }
  });
});
