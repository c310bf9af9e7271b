/**
 * The typed event hub: names from each schema's rule, dispatch (name, '*', once, off), the async
 * iterator, handler failures reported (never thrown into the receiver), validation policies, replies.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMilkyEventHub, eventValidators as milkyEventValidators, protocol as milky } from 'qqwire/milky';
import { protocol as onebot11 } from 'qqwire/onebot11';
import { protocol as gocqhttp } from 'qqwire/gocqhttp';
import { protocol as shamrock } from 'qqwire/shamrock';
import { protocol as onebot12 } from 'qqwire/onebot12';
import { createEventHub, EventHandlerError, EventValidationError, type EventDeliveryInfo } from '../runtime/index.js';

const info: EventDeliveryInfo = { delivery: 'test' };

describe('event names follow each schema rule', () => {
  it('Milky: event_type', () => {
    const hub = createEventHub({ protocol: milky });
    assert.equal(hub.nameOf({ time: 1, self_id: 1, event_type: 'message_receive', data: {} }), 'message_receive');
    assert.equal(hub.nameOf({ event_type: 'group_mute' }), 'group_mute');
    assert.equal(hub.nameOf({ data: {} }), undefined);
  });
  it('OneBot 11 family: <post_type>.<detail>, notice.notify.<sub_type>; go-cqhttp and Shamrock inherit', () => {
    for (const protocol of [onebot11, gocqhttp, shamrock]) {
      const hub = createEventHub({ protocol });
      assert.equal(hub.nameOf({ post_type: 'message', message_type: 'group' }), 'message.group', protocol.name);
      assert.equal(hub.nameOf({ post_type: 'notice', notice_type: 'group_recall' }), 'notice.group_recall');
      assert.equal(hub.nameOf({ post_type: 'notice', notice_type: 'notify', sub_type: 'poke' }), 'notice.notify.poke');
      assert.equal(hub.nameOf({ post_type: 'request', request_type: 'friend' }), 'request.friend');
      assert.equal(hub.nameOf({ post_type: 'meta_event', meta_event_type: 'heartbeat' }), 'meta_event.heartbeat');
      assert.equal(hub.nameOf({ post_type: 'message_sent', message_type: 'private' }), 'message_sent.private');
      // A notice other than notify keeps its sub_type out of the name.
      assert.equal(hub.nameOf({ post_type: 'notice', notice_type: 'group_increase', sub_type: 'approve' }), 'notice.group_increase');
      assert.equal(hub.nameOf({ post_type: 'notice' }), undefined);
    }
  });
  it('OneBot 12: <type>.<detail_type>', () => {
    const hub = createEventHub({ protocol: onebot12 });
    assert.equal(hub.nameOf({ id: 'a', type: 'message', detail_type: 'private' }), 'message.private');
    assert.equal(hub.nameOf({ type: 'meta', detail_type: 'status_update' }), 'meta.status_update');
  });
});

describe('dispatch', () => {
  it("on(name), '*', once and off reach exactly the handlers registered", () => {
    const hub = createEventHub({ protocol: onebot11 });
    const seen: string[] = [];
    const group = (e: unknown) => void seen.push(`group:${(e as { message_id: number }).message_id}`);
    hub.on('message.group', group);
    hub.on('*', (_e, _i, name) => void seen.push(`*:${name}`));
    hub.once('notice.group_recall', () => void seen.push('recall-once'));
    hub.onEvent({ post_type: 'message', message_type: 'group', message_id: 1 }, info);
    hub.onEvent({ post_type: 'notice', notice_type: 'group_recall' }, info);
    hub.onEvent({ post_type: 'notice', notice_type: 'group_recall' }, info);
    hub.off('message.group', group);
    hub.onEvent({ post_type: 'message', message_type: 'group', message_id: 2 }, info);
    hub.onEvent({ no: 'name' }, info);
    assert.deepEqual(seen, ['group:1', '*:message.group', 'recall-once', '*:notice.group_recall', '*:notice.group_recall', '*:message.group', '*:undefined']);
  });

  it('off() with the original handler removes a once() registration', () => {
    const hub = createEventHub({ protocol: milky });
    let calls = 0;
    const h = () => void calls++;
    hub.once('group_mute', h);
    hub.off('group_mute', h);
    hub.onEvent({ event_type: 'group_mute' }, info);
    assert.equal(calls, 0);
  });

  it('a throwing or rejecting handler is reported with the event name; the others still run and onEvent does not throw', async () => {
    const errors: Error[] = [];
    const hub = createEventHub({ protocol: milky, onError: (e) => errors.push(e) });
    let after = 0;
    hub.on('message_receive', () => {
      throw new Error('boom');
    });
    hub.on('message_receive', async () => {
      throw new Error('async boom');
    });
    hub.on('message_receive', () => void after++);
    const result = hub.onEvent({ event_type: 'message_receive' }, info);
    assert.equal(await result, undefined);
    assert.equal(after, 1);
    assert.equal(errors.length, 2);
    assert.ok(errors.every((e) => e instanceof EventHandlerError && e.event === 'message_receive'));
    assert.match(errors.map((e) => e.message).join('|'), /boom.*async boom/);
  });

  it("the first handler's return value is the delivery's answer (sync and async)", async () => {
    const hub = createEventHub({ protocol: onebot11 });
    hub.on('message.private', () => undefined);
    hub.on('message.private', async () => ({ reply: 'pong' }));
    hub.on('*', () => ({ reply: 'not me' }));
    assert.deepEqual(await hub.onEvent({ post_type: 'message', message_type: 'private' }, info), { reply: 'pong' });
    const sync = createEventHub({ protocol: onebot11 });
    sync.on('message.private', () => ({ reply: 'sync' }));
    assert.deepEqual(sync.onEvent({ post_type: 'message', message_type: 'private' }, info), { reply: 'sync' });
  });
});

describe('async iterator', () => {
  it('yields the events of one name in order, buffered while not awaited, and ends on close()', async () => {
    const hub = createEventHub({ protocol: onebot12 });
    const it = hub.events('message.group');
    hub.onEvent({ type: 'message', detail_type: 'group', id: '1' }, info);
    hub.onEvent({ type: 'message', detail_type: 'private', id: 'x' }, info);
    hub.onEvent({ type: 'message', detail_type: 'group', id: '2' }, info);
    const got: string[] = [];
    const consumer = (async () => {
      for await (const e of it) got.push((e as { id: string }).id);
    })();
    await new Promise((r) => setImmediate(r));
    hub.onEvent({ type: 'message', detail_type: 'group', id: '3' }, info);
    await new Promise((r) => setImmediate(r));
    hub.close();
    await consumer;
    assert.deepEqual(got, ['1', '2', '3']);
  });

  it('break unsubscribes; an abort signal ends the iterator; overflow drops the oldest and reports it', async () => {
    const errors: Error[] = [];
    const hub = createEventHub({ protocol: milky, maxBuffered: 2, onError: (e) => errors.push(e) });
    const all = hub.events();
    for (let i = 0; i < 3; i++) hub.onEvent({ event_type: 'group_mute', i }, info);
    const first = await all.next();
    assert.deepEqual(first.value, { event_type: 'group_mute', i: 1 });
    assert.equal(errors.length, 1);
    await all.return!();
    const ac = new AbortController();
    const signalled = hub.events('group_mute', { signal: ac.signal });
    const pending = signalled.next();
    ac.abort();
    assert.deepEqual(await pending, { value: undefined, done: true });
  });
});

describe('validation policy', () => {
  const validate = (name: string, payload: unknown) =>
    name === 'group_mute' && !(payload as { data?: unknown }).data ? [{ path: '/data', message: 'is required' }] : undefined;

  for (const [policy, delivered, reported] of [['throw', false, true], ['warn', true, true], ['off', true, false]] as const) {
    it(`${policy}: delivered ${delivered}, reported ${reported}`, () => {
      const errors: Error[] = [];
      const hub = createEventHub({ protocol: milky, validate, validation: policy, onError: (e) => errors.push(e) });
      let got = 0;
      hub.on('group_mute', () => void got++);
      hub.onEvent({ event_type: 'group_mute' }, info);
      hub.onEvent({ event_type: 'group_mute', data: {} }, info);
      assert.equal(got, delivered ? 2 : 1);
      assert.equal(errors.length, reported ? 1 : 0);
      if (reported) {
        const e = errors[0] as EventValidationError;
        assert.ok(e instanceof EventValidationError);
        assert.equal(e.event, 'group_mute');
        assert.deepEqual(e.payload, { event_type: 'group_mute' });
        assert.match(e.message, /milky.*\/data is required/);
      }
    });
  }
});

describe('validators per event name (what the generated create…EventHub binds)', () => {
  it('the generated validator of the name decides, with the policy of results (default warn: reported and delivered)', () => {
    const errors: Error[] = [];
    const hub = createEventHub({ protocol: milky, validators: milkyEventValidators, onError: (e) => errors.push(e) });
    const got: unknown[] = [];
    hub.on('group_mute', (e) => void got.push(e));
    const bad = { event_type: 'group_mute', time: 1, self_id: 10001, data: { group_id: 'x', user_id: 10001, operator_id: 10001, duration: 60 } };
    hub.onEvent(bad, info);
    assert.deepEqual(got, [bad]);
    assert.equal(errors.length, 1);
    assert.deepEqual((errors[0] as EventValidationError).issues.map((i) => i.path), ['/data/group_id']);
  });

  it('a name with no own entry (a newer event, or an Object.prototype key) falls back to `validate`, else is not validated', () => {
    const asked: string[] = [];
    const errors: Error[] = [];
    const hub = createEventHub({ protocol: milky, validators: milkyEventValidators, validate: (name) => void asked.push(name), validation: 'throw', onError: (e) => errors.push(e) });
    let all = 0;
    hub.on('*', () => void all++);
    for (const name of ['group_disband', 'toString', '__proto__', 'constructor']) hub.onEvent({ event_type: name }, info);
    assert.deepEqual(asked, ['group_disband', 'toString', '__proto__', 'constructor']);
    assert.equal(all, 4);
    assert.deepEqual(errors, []);
  });
});

describe('the generated hub decodes an event as the client decodes a result', () => {
  const message = (segments: unknown[], time: unknown = 1700000000) => ({
    event_type: 'message_receive',
    time,
    self_id: 10001,
    data: {
      message_scene: 'friend', peer_id: 10002, message_seq: 5, sender_id: 10002, time, segments,
      friend: { user_id: 10002, nickname: 'a', sex: 'male', qid: '', remark: '', category: { category_id: 0, category_name: 'x' } },
    },
  });

  it('an unknown segment type inside a message is kept as { type: unknown, raw } (x-unknown: keep), as in results, not an invalid event', () => {
    const errors: Error[] = [];
    const hub = createMilkyEventHub({ validation: 'throw', onError: (e) => errors.push(e) });
    const got: { data: { segments: unknown[] } }[] = [];
    hub.on('message_receive', (e) => void got.push(e as never));
    const text = { type: 'text', data: { text: 'hi' } };
    hub.onEvent(message([text, { type: 'future_segment', data: {} }]), info);
    assert.deepEqual(errors, []);
    assert.deepEqual(got[0]!.data.segments, [text, { type: 'unknown', raw: { type: 'future_segment', data: {} } }]);
  });

  it('int64 fields arrive in the int64 mode; a value beyond 2^53 in number mode is reported, and under warn delivered as parsed', () => {
    const big = 2n ** 60n;
    const asBigint = createMilkyEventHub({ int64: 'bigint', validation: 'throw', onError: (e) => assert.fail(e) });
    const seen: unknown[] = [];
    asBigint.on('message_receive', (e) => void seen.push(e.time));
    asBigint.onEvent(message([], big), info);
    asBigint.onEvent(message([], 1700000000), info);
    assert.deepEqual(seen, [big, 1700000000n]);

    const errors: Error[] = [];
    const numbers = createMilkyEventHub({ onError: (e) => errors.push(e) });
    const raw: unknown[] = [];
    numbers.on('message_receive', (e) => void raw.push(e.time));
    numbers.onEvent(message([], big), info);
    assert.deepEqual(raw, [big], 'never rounded');
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof EventValidationError);
    assert.match(errors[0].message, /\/time.*beyond 2\^53/);
  });
});

it('a protocol without transport.events cannot make a hub', () => {
  assert.throws(() => createEventHub({ protocol: { ...milky, transport: {} } }), /milky declares no events/);
});
