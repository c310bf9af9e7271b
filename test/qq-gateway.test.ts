/**
 * The QQ official gateway receiver against a local gateway that speaks the protocol byte for byte:
 * Identify with intents and shard, heartbeats with the last seq, Resume after a dropped socket with no
 * event lost or duplicated, op 7 / op 9, close codes, token refresh, URL from `get_gateway`, close().
 */
import { strict as assert } from 'node:assert';
import { afterEach, describe, it } from 'node:test';
import { createQqOfficialClient, protocol } from 'qqwire/qq-official';
import { type FetchLike } from '../runtime/index.js';
import { appAccessTokenAuth, createQqGateway, gatewayIntents, qqOfficialOptions, type QqGateway, type QqGatewayOptions } from '../runtime/qq-official-entry.js';
import { FakeQqGateway, READY_D, dispatch } from './helpers/fake-qq-gateway.js';
import { runExitCheck } from './helpers/run-exit-check.js';
import { Recorder } from './helpers/event-recorder.js';

const SECRET = 'client-secret-do-not-leak';
const facts = protocol.transport.events!.gateway!;

/** A token endpoint that hands out tok-1, tok-2, … (each fetch a new one). */
function tokenFetch(): FetchLike & { count: number } {
  const f = (async () => {
    f.count++;
    const body = JSON.stringify({ access_token: `tok-${f.count}`, expires_in: '7200' });
    return { status: 200, headers: { forEach() {} }, text: async () => body };
  }) as unknown as FetchLike & { count: number };
  f.count = 0;
  return f;
}


let fake: FakeQqGateway;
let gateway: QqGateway | undefined;

afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
  await fake?.close();
});

async function setup(extra: Partial<QqGatewayOptions> = {}) {
  fake = new FakeQqGateway();
  const url = await fake.start();
  const fetch = tokenFetch();
  const clock = { now: 1_000_000 };
  const auth = appAccessTokenAuth({ appId: 'app-1', clientSecret: SECRET, auth: protocol.auth, fetch, now: () => clock.now });
  const rec = new Recorder();
  gateway = createQqGateway({ protocol, auth, url, sink: rec.sink, intents: ['GROUP_AND_C2C_EVENT', 'PUBLIC_GUILD_MESSAGES'], random: () => 0, ...extra });
  return { url, fetch, clock, auth, rec, gateway };
}

/** Identify on connection 0, READY s=1, then `start()` resolves. */
async function ready(g: QqGateway): Promise<void> {
  const started = g.start();
  await fake.frame(0, facts.opcodes.identify);
  fake.send(fake.conns[0]!, dispatch(1, 'READY', 'ready-1', READY_D));
  await started;
}

describe('QQ official gateway: intents', () => {
  it('computes the bitmask from the schema names (the docs: 513 = GUILDS | GUILD_MESSAGES; 0|1<<30|1<<1)', () => {
    assert.equal(gatewayIntents(facts, ['GUILDS', 'GUILD_MESSAGES']), 513);
    assert.equal(gatewayIntents(facts, ['PUBLIC_GUILD_MESSAGES', 'GUILD_MEMBERS']), (1 << 30) | (1 << 1));
    assert.equal(gatewayIntents(facts, ['GROUP_AND_C2C_EVENT', 'GROUP_AND_C2C_EVENT']), 1 << 25, 'a repeated name counts once');
    assert.equal(gatewayIntents(facts, 42), 42);
    assert.throws(() => gatewayIntents(facts, ['GROUP_MESSAGES']), /unknown intent GROUP_MESSAGES \(known: GUILDS, /);
  });

  it('the URL action named by the schema is an action of the protocol, bound to GET /gateway', () => {
    assert.equal(facts.urlAction, 'get_gateway');
    assert.deepEqual(protocol.actions[facts.urlAction!]!.rest, { method: 'GET', path: '/gateway' });
    assert.deepEqual(protocol.actions['get_gateway_bot']!.rest, { method: 'GET', path: '/gateway/bot' });
  });
});

describe('QQ official gateway: session', () => {
  it('Hello → Identify with the token, intents and shard → READY delivered with the bot id', async () => {
    const { rec, gateway: g } = await setup({ shard: [1, 4], properties: { $os: 'linux' } });
    const started = g.start();
    const identify = await fake.frame(0, 2);
    assert.equal(
      fake.conns[0]!.raw.find((r) => r.includes('"op":2')),
      '{"op":2,"d":{"token":"QQBot tok-1","intents":1107296256,"shard":[1,4],"properties":{"$os":"linux"}}}',
    );
    assert.deepEqual(identify.d, { token: 'QQBot tok-1', intents: (1 << 25) + 2 ** 30, shard: [1, 4], properties: { $os: 'linux' } });
    assert.equal(g.state, 'identifying');
    fake.send(fake.conns[0]!, dispatch(1, 'READY', 'r', READY_D));
    await started;
    assert.equal(g.state, 'ready');
    assert.equal(g.sessionId, '082ee18c-0be3-491b-9d8b-fbd95c51673a');
    assert.equal(rec.events.length, 1);
    assert.equal(rec.events[0]!.frame['t'], 'READY');
    assert.deepEqual(rec.events[0]!.info, { delivery: 'gateway', selfId: '6158788878435714165' });
  });

  it('dispatches reach the sink in order with op, s, t, id and d exactly as sent (big integers losslessly)', async () => {
    const { rec, gateway: g } = await setup();
    await ready(g);
    const d = '{"id":"m1","author":{"user_openid":"U1"},"content":"hi","timestamp":"2024-01-01T00:00:00+08:00","n":12345678901234567890}';
    fake.send(fake.conns[0]!, dispatch(2, 'C2C_MESSAGE_CREATE', 'C2C_MESSAGE_CREATE:abc', d));
    fake.send(fake.conns[0]!, dispatch(3, 'SOME_FUTURE_EVENT', 'ev-3', '{"x":1}'));
    await rec.until(() => rec.events.length === 3);
    assert.deepEqual(rec.events[1]!.frame, {
      op: 0,
      s: 2,
      t: 'C2C_MESSAGE_CREATE',
      id: 'C2C_MESSAGE_CREATE:abc',
      d: { id: 'm1', author: { user_openid: 'U1' }, content: 'hi', timestamp: '2024-01-01T00:00:00+08:00', n: 12345678901234567890n },
    });
    assert.equal(rec.events[2]!.frame['t'], 'SOME_FUTURE_EVENT', 'an unknown event type is delivered, not an error');
    assert.equal(g.seq, 3);
  });

  it('heartbeats carry the last seq (null before any)', async () => {
    const { rec, gateway: g } = await setup();
    fake.hello = '{"op":10,"d":{"heartbeat_interval":15}}';
    const started = g.start();
    await fake.frame(0, 2);
    // Across connections: a loaded machine may miss an ACK in time, drop and resume; the seq still holds.
    const beats = () => fake.conns.flatMap((c) => c.frames.filter((f) => f.op === 1).map((f) => f.d));
    await fake.until(() => beats().length >= 1);
    assert.equal(beats()[0], null, 'no dispatch yet: d is null');
    fake.send(fake.conns[0]!, dispatch(1, 'READY', 'r', READY_D));
    await started;
    fake.send(fake.conns[0]!, dispatch(2, 'A', 'a', '{}'));
    fake.send(fake.conns[0]!, dispatch(3, 'B', 'b', '{}'));
    await rec.until(() => rec.events.length === 3);
    await fake.until(() => beats().includes(3));
    const seen = beats();
    assert.deepEqual(seen.filter((d) => d !== null && d !== 1 && d !== 2 && d !== 3), [], 'only seqs actually received');
    assert.ok(seen.indexOf(3) > seen.lastIndexOf(null), 'the seq only grows');
  });

  it('answers a server heartbeat request (op 1) at once with the last seq', async () => {
    const { rec, gateway: g } = await setup(); // Hello says 45 s: no periodic heartbeat during the test
    await ready(g);
    fake.send(fake.conns[0]!, dispatch(2, 'A', 'a', '{}'));
    await rec.until(() => rec.events.length === 2);
    assert.equal(fake.conns[0]!.frames.some((f) => f.op === 1), false);
    fake.send(fake.conns[0]!, '{"op":1}');
    await fake.frame(0, 1);
    assert.deepEqual(fake.conns[0]!.raw.filter((r) => r.startsWith('{"op":1,')), ['{"op":1,"d":2}']);
  });

  it('a heartbeat the server does not acknowledge drops the connection and resumes', async () => {
    const { rec, gateway: g } = await setup();
    fake.hello = '{"op":10,"d":{"heartbeat_interval":15}}';
    await ready(g);
    fake.ackHeartbeats = false;
    await fake.frame(1, 6);
    assert.deepEqual(fake.conns[1]!.frames.find((f) => f.op === 6)!.d, { token: 'QQBot tok-1', session_id: '082ee18c-0be3-491b-9d8b-fbd95c51673a', seq: 1 });
    assert.ok(rec.errors.some((e) => /no heartbeat ACK/.test(e.message)));
  });
});

describe('QQ official gateway: resume, reconnect, invalid session', () => {
  it('a dropped socket is resumed with session_id and the last seq; replayed events are not delivered twice and none is lost', async () => {
    const { rec, gateway: g, fetch } = await setup();
    await ready(g);
    fake.send(fake.conns[0]!, dispatch(2, 'GROUP_AT_MESSAGE_CREATE', 'e2', '{"n":2}'));
    fake.send(fake.conns[0]!, dispatch(3, 'GROUP_AT_MESSAGE_CREATE', 'e3', '{"n":3}'));
    await rec.until(() => rec.events.length === 3);
    fake.conns[0]!.ws.terminate();
    const resume = await fake.frame(1, 6);
    assert.equal(fake.conns[1]!.raw.find((r) => r.includes('"op":6')), '{"op":6,"d":{"token":"QQBot tok-1","session_id":"082ee18c-0be3-491b-9d8b-fbd95c51673a","seq":3}}');
    assert.deepEqual(resume.d, { token: 'QQBot tok-1', session_id: '082ee18c-0be3-491b-9d8b-fbd95c51673a', seq: 3 });
    assert.equal(fake.conns[1]!.frames.some((f) => f.op === 2), false, 'no Identify on resume');
    // The gateway replays from its own view (it may repeat s=3), then the missed ones, then RESUMED.
    for (const [s, id] of [[3, 'e3'], [4, 'e4'], [5, 'e5']] as const) fake.send(fake.conns[1]!, dispatch(s, 'GROUP_AT_MESSAGE_CREATE', id, `{"n":${s}}`));
    fake.send(fake.conns[1]!, '{"op":0,"s":6,"t":"RESUMED","d":""}');
    await rec.until(() => rec.events.length === 6);
    assert.deepEqual(rec.ids, ['ready-1', 'e2', 'e3', 'e4', 'e5', undefined]);
    assert.equal(rec.events[5]!.frame['t'], 'RESUMED');
    assert.equal(g.state, 'ready');
    assert.equal(g.seq, 6);
    assert.equal(fetch.count, 1, 'a valid token is reused');
  });

  it('op 7 Reconnect: closes, reconnects and resumes', async () => {
    const { rec, gateway: g } = await setup();
    await ready(g);
    fake.send(fake.conns[0]!, dispatch(2, 'A', 'a', '{}'));
    await rec.until(() => rec.events.length === 2);
    fake.send(fake.conns[0]!, '{"op":7}');
    const resume = await fake.frame(1, 6);
    assert.deepEqual(resume.d, { token: 'QQBot tok-1', session_id: '082ee18c-0be3-491b-9d8b-fbd95c51673a', seq: 2 });
  });

  it('op 9 Invalid Session: the session is dropped and a new Identify carries a fresh token', async () => {
    const { rec, gateway: g, fetch } = await setup();
    await ready(g);
    fake.conns[0]!.ws.terminate();
    await fake.frame(1, 6);
    fake.send(fake.conns[1]!, '{"op":9,"d":false}');
    const identify = await fake.frame(2, 2);
    assert.equal((identify.d as { token: string }).token, 'QQBot tok-2');
    assert.equal(fetch.count, 2);
    assert.equal(g.sessionId, undefined);
    fake.send(fake.conns[2]!, dispatch(1, 'READY', 'ready-2', READY_D.replace('082ee18c', 'ffffffff')));
    await rec.until(() => rec.events.length === 2);
    assert.deepEqual(rec.ids, ['ready-1', 'ready-2'], 'a new session numbering from 1 again is not mistaken for a replay');
    assert.equal(g.sessionId, 'ffffffff-0be3-491b-9d8b-fbd95c51673a');
    assert.ok(rec.errors.some((e) => /Invalid Session/.test(e.message)));
  });

  it('an expired token is refreshed before Resume', async () => {
    const { gateway: g, clock, fetch } = await setup();
    await ready(g);
    clock.now += 7200_000;
    fake.conns[0]!.ws.terminate();
    const resume = await fake.frame(1, 6);
    assert.equal((resume.d as { token: string }).token, 'QQBot tok-2');
    assert.equal(fetch.count, 2);
  });

  it('a `reidentify` close code (4007 bad seq) identifies instead of resuming', async () => {
    const { gateway: g } = await setup();
    await ready(g);
    fake.conns[0]!.ws.close(4007, 'invalid seq');
    await fake.until(() => fake.conns[1]?.frames.some((f) => f.op === 2 || f.op === 6) ?? false);
    assert.deepEqual(fake.conns[1]!.frames.map((f) => f.op).filter((o) => o !== 1), [2]);
  });

  it('a `fatal` close code (4914 bot delisted) stops the receiver and rejects start()', async () => {
    const { rec, gateway: g } = await setup();
    const started = g.start();
    await fake.frame(0, 2);
    fake.conns[0]!.ws.close(4914, 'offline');
    await assert.rejects(started, /code 4914, which forbids reconnecting/);
    assert.equal(g.state, 'closed');
    assert.equal(fake.conns.length, 1, 'no reconnect');
    assert.ok(rec.errors.length >= 1);
  });

  it('no error carries the client secret or a token', async () => {
    const { rec, gateway: g } = await setup();
    await ready(g);
    fake.send(fake.conns[0]!, 'not json tok-1');
    fake.send(fake.conns[0]!, '{"op":9}');
    await rec.until(() => rec.errors.length >= 2);
    for (const e of rec.errors) {
      const text = `${e.message} ${JSON.stringify(e)} ${String((e as { raw?: string }).raw)}`;
      assert.ok(!text.includes(SECRET) && !text.includes('tok-1'), text);
    }
  });
});

describe('QQ official gateway: URL and close()', () => {
  it('asks the REST client for the URL (GET /gateway with the app token) when none is given', async () => {
    fake = new FakeQqGateway();
    const url = await fake.start();
    const fetch = tokenFetch();
    const requests: string[] = [];
    const routed: FetchLike = async (u, init) => {
      if (u.endsWith('/getAppAccessToken')) return fetch(u, init);
      requests.push(`${init.method} ${new URL(u).pathname} ${init.headers['Authorization'] ?? init.headers['authorization']}`);
      const body = JSON.stringify({ url });
      return { status: 200, headers: { forEach() {} }, text: async () => body };
    };
    const options = qqOfficialOptions({ protocol, appId: 'app-1', clientSecret: SECRET, baseUrl: 'https://api.example', fetch: routed });
    const client = createQqOfficialClient(options);
    const rec = new Recorder();
    gateway = createQqGateway({ protocol, auth: options.auth, client, sink: rec.sink, intents: ['GUILDS'], random: () => 0 });
    const started = gateway.start();
    const identify = await fake.frame(0, 2);
    assert.deepEqual(requests, ['GET /gateway QQBot tok-1']);
    assert.equal((identify.d as { intents: number }).intents, 1);
    fake.send(fake.conns[0]!, dispatch(1, 'READY', 'r', READY_D));
    await started;
    await client.close();
  });

  it('needs a URL or a client', () => {
    const auth = { accessToken: async () => 't', secrets: () => [] };
    assert.throws(() => createQqGateway({ protocol, auth, sink: { onEvent() {} }, intents: [] }), /give `url`, or `client`/);
    assert.throws(() => createQqGateway({ protocol, auth, url: 'https://api.sgroup.qq.com/websocket', sink: { onEvent() {} }, intents: [] }), /not a WebSocket URL/);
  });

  it('close() before READY rejects start(); afterwards start() rejects', async () => {
    const { gateway: g } = await setup();
    const started = g.start();
    await fake.frame(0, 2);
    const rejected = assert.rejects(started, /closed before the gateway session was ready/);
    await g.close();
    await rejected;
    await assert.rejects(g.start(), /closed/);
    assert.equal(g.state, 'closed');
  });

  for (const scenario of ['qq-gateway-ready', 'qq-gateway-reconnecting']) {
    it(`close() leaves no socket or timer (${scenario})`, async () => {
      const { code, alive, stderr } = await runExitCheck(scenario);
      assert.equal(stderr, '');
      assert.deepEqual(alive, []);
      assert.equal(code, 0);
    });
  }
});
