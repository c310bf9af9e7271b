/**
 * Forward WebSocket transport: echo matching under load, the settle contract (disconnect, timeout,
 * abort, close), reconnection with backoff, events on the same socket, auth/subprotocol handshake,
 * no token in errors, MessagePack, and that nothing is left running after close().
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { createOnebot11Client, protocol as onebot11 } from 'qqwire/onebot11';
import { createOnebot12Client, protocol as onebot12 } from 'qqwire/onebot12';
import { createShamrockClient, protocol as shamrock } from 'qqwire/shamrock';
import { createMilkyClient } from 'qqwire/milky';
import { staticTokenAuth } from '../runtime/auth.js';
import { AbortError, AuthError, DisconnectedError, Int64PrecisionError, TimeoutError } from '../runtime/errors.js';
import { backoffDelay, createWsTransport, onEvents, type WsTransport, type WsTransportOptions } from '../runtime/ws-transport.js';
import { encode as msgpackEncode } from '@msgpack/msgpack';
import { FakeOneBot, failed, ok } from './helpers/fake-onebot.js';
import { runExitCheck } from './helpers/run-exit-check.js';
import { freePort } from './helpers/free-port.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

function transportFor(url: string, options: Partial<WsTransportOptions> = {}, token?: string): WsTransport {
  return createWsTransport({ protocol: onebot11, url, auth: staticTokenAuth(onebot11.auth, token), ...options });
}

describe('forward WebSocket: handshake', () => {
  it('sends the token as Authorization: Bearer, offers the subprotocol and frames calls as {action, params, echo}', async () => {
    const fake = new FakeOneBot({ token: 'secret-1' });
    const url = await fake.startWs();
    fake.respond = () => ok({ message_id: 7 });
    const transport = transportFor(url, { subprotocol: '11.qqwire' }, 'secret-1');
    const client = createOnebot11Client({ transport });
    try {
      assert.deepEqual(await client.sendPrivateMsg({ user_id: 10001, message: 'hi' }), { message_id: 7 });
      const hs = fake.handshakes[0]!;
      assert.equal(hs.headers['authorization'], 'Bearer secret-1');
      assert.equal(hs.headers['sec-websocket-protocol'], '11.qqwire');
      const call = fake.calls[0]!;
      assert.equal(call.action, 'send_private_msg');
      assert.deepEqual(call.params, { user_id: 10001, message: 'hi' });
      assert.match(String(call.echo), /^qqwire:/);
    } finally {
      await client.close();
      await fake.close();
    }
  });

  it('baseUrl ws:// selects the WebSocket transport; tokenInQuery sends ?access_token= instead of the header', async () => {
    const fake = new FakeOneBot({ token: 'secret-2' });
    const url = await fake.startWs();
    fake.respond = () => ok({ message_id: 1 });
    const client = createOnebot11Client({ baseUrl: url, accessToken: 'secret-2', tokenInQuery: true });
    try {
      assert.equal(client.core.transport.kind, 'ws');
      await client.sendGroupMsg({ group_id: 123456, message: 'x' });
      const hs = fake.handshakes[0]!;
      assert.equal(hs.headers['authorization'], undefined);
      assert.equal(new URL(hs.url, 'http://x').searchParams.get('access_token'), 'secret-2');
    } finally {
      await client.close();
      await fake.close();
    }
  });

  it('a bad baseUrl, or ws:// for a protocol without a WebSocket API, throws at once instead of reconnecting forever', () => {
    assert.throws(() => createOnebot11Client({ baseUrl: 'ws://' }), TypeError);
    assert.throws(() => transportFor('http://127.0.0.1:1'), TypeError);
    // Milky's WebSocket carries events only; its API is HTTP.
    assert.throws(() => createMilkyClient({ baseUrl: 'ws://127.0.0.1:1' }), /milky has no WebSocket API binding/);
  });
});

describe('forward WebSocket: echo matching', () => {
  it('10,000 concurrent calls answered in shuffled order: none lost, none mismatched, pending map empty', async (t) => {
    const N = 10_000;
    const fake = new FakeOneBot();
    const url = await fake.startWs();
    // message_id = the user_id of the request, so each result names the call it belongs to.
    fake.respond = (call) => ok({ message_id: (call.params as { user_id: number }).user_id - 100_000 });
    fake.holdReplies = N; // every answer is held until all N arrived, then sent in random order
    const client = createOnebot11Client({ baseUrl: url, timeoutMs: 60_000 });
    const transport = client.core.transport as WsTransport;
    try {
      await transport.ready();
      const started = performance.now();
      const calls = Array.from({ length: N }, (_, i) => client.sendPrivateMsg({ user_id: 100_000 + i, message: `m${i}` }));
      await until(() => transport.pendingCount === N, 'all calls pending', 20_000);
      const results = await Promise.allSettled(calls);
      const elapsed = performance.now() - started;
      let lost = 0;
      let mismatched = 0;
      results.forEach((r, i) => {
        if (r.status === 'rejected') lost++;
        else if (r.value.message_id !== i) mismatched++;
      });
      const echoes = new Set(fake.calls.map((c) => c.echo));
      t.diagnostic(`10k calls: ${elapsed.toFixed(0)} ms, lost ${lost}, mismatched ${mismatched}, unique echoes ${echoes.size}`);
      assert.equal(lost, 0);
      assert.equal(mismatched, 0);
      assert.equal(fake.calls.length, N);
      assert.equal(echoes.size, N, 'every call has its own echo');
      assert.equal(transport.pendingCount, 0);
    } finally {
      await client.close();
      await fake.close();
    }
  });

  it('events interleaved with answers reach the listener and never settle a call; late answers are dropped', async () => {
    const fake = new FakeOneBot();
    const url = await fake.startWs();
    const heartbeat = { time: 1, self_id: 10001, post_type: 'meta_event', meta_event_type: 'heartbeat', interval: 5000 };
    // An event that looks like an answer (status/retcode/data) but carries no echo of ours.
    const lookalike = { status: 'ok', retcode: 0, data: { message_id: -1 }, echo: 'someone-else' };
    fake.respond = (call) => {
      fake.broadcastEvent({ ...heartbeat, n: call.params });
      fake.broadcastEvent(lookalike);
      return ok({ message_id: (call.params as { user_id: number }).user_id });
    };
    const events: unknown[] = [];
    const client = createOnebot11Client({ baseUrl: url });
    const off = onEvents(client, (e) => events.push(e));
    const transport = client.core.transport as WsTransport;
    try {
      await transport.ready();
      const results = await Promise.all([1, 2, 3].map((i) => client.sendPrivateMsg({ user_id: 10000 + i, message: 'x' })));
      assert.deepEqual(
        results.map((r) => r.message_id),
        [10001, 10002, 10003],
      );
      await until(() => events.length === 6, 'six events');
      assert.equal(events.filter((e) => (e as { post_type?: string }).post_type === 'meta_event').length, 3);
      assert.equal(events.filter((e) => (e as { echo?: string }).echo === 'someone-else').length, 3);

      // A call that times out; its answer arrives later and must be neither a result nor an event.
      fake.respond = async (call) => {
        await sleep(150);
        return ok({ message_id: (call.params as { user_id: number }).user_id });
      };
      await assert.rejects(client.sendPrivateMsg({ user_id: 1, message: 'late' }, { timeoutMs: 30 }), TimeoutError);
      assert.equal(transport.pendingCount, 0, 'timed-out call removed from the pending map');
      fake.respond = () => ok({ message_id: 2 });
      assert.deepEqual(await client.sendPrivateMsg({ user_id: 2, message: 'next' }), { message_id: 2 });
      await sleep(200); // the late answer has arrived by now
      assert.equal(events.length, 6, 'the late answer is not an event');
      off();
      fake.broadcastEvent(heartbeat);
      await sleep(50);
      assert.equal(events.length, 6, 'unsubscribed');
    } finally {
      await client.close();
      await fake.close();
    }
  });

  it("the caller's abort signal removes the pending entry (AbortError)", async () => {
    const fake = new FakeOneBot();
    const url = await fake.startWs();
    fake.respond = () => ({ none: true });
    const client = createOnebot11Client({ baseUrl: url });
    const transport = client.core.transport as WsTransport;
    try {
      const controller = new AbortController();
      const call = client.sendPrivateMsg({ user_id: 1, message: 'x' }, { signal: controller.signal });
      await until(() => fake.calls.length === 1, 'call on the wire');
      assert.equal(transport.pendingCount, 1);
      controller.abort();
      await assert.rejects(call, AbortError);
      assert.equal(transport.pendingCount, 0);
    } finally {
      await client.close();
      await fake.close();
    }
  });

  it('a 1404 answer over WS is an ApiError, not a transport error', async () => {
    const fake = new FakeOneBot();
    const url = await fake.startWs();
    fake.respond = () => failed(1404);
    const client = createOnebot11Client({ baseUrl: url });
    try {
      await assert.rejects(client.getMsg({ message_id: 1 }), { name: 'ApiError', retcode: 1404, retcodeName: 'NOT_FOUND' });
    } finally {
      await client.close();
      await fake.close();
    }
  });
});

describe('forward WebSocket: disconnects', () => {
  it('the socket dropped with calls in flight: all reject at once with DisconnectedError', async (t) => {
    const fake = new FakeOneBot();
    const url = await fake.startWs();
    fake.respond = () => ({ none: true });
    const TIMEOUT = 20_000;
    const client = createOnebot11Client({ baseUrl: url, timeoutMs: TIMEOUT });
    const transport = client.core.transport as WsTransport;
    try {
      const calls = Array.from({ length: 200 }, (_, i) => client.sendPrivateMsg({ user_id: 10000 + i, message: 'x' }));
      await until(() => fake.calls.length === 200, 'calls on the wire');
      const started = performance.now();
      fake.dropConnections();
      const results = await Promise.allSettled(calls);
      const elapsed = performance.now() - started;
      t.diagnostic(`200 in-flight calls rejected ${elapsed.toFixed(1)} ms after the drop (timeout ${TIMEOUT} ms)`);
      for (const r of results) {
        assert.equal(r.status, 'rejected');
        assert.ok(r.reason instanceof DisconnectedError, String(r.reason));
        assert.equal(r.reason.action, 'send_private_msg');
      }
      assert.ok(elapsed < TIMEOUT / 10, `rejected after ${elapsed} ms`);
      assert.equal(transport.pendingCount, 0);
    } finally {
      await client.close();
      await fake.close();
    }
  });

  it('reconnects after a server restart with backoff; a call made while down is sent once, after reconnecting', async () => {
    const fake = new FakeOneBot();
    const url = await fake.startWs();
    const port = Number(new URL(url).port);
    fake.respond = () => ok({ message_id: 5 });
    const transport = transportFor(url, { initialDelayMs: 20, maxDelayMs: 200, factor: 2 });
    const reconnects: { attempt: number; delayMs: number }[] = [];
    const opens: number[] = [];
    transport.on('reconnect', (r) => reconnects.push(r));
    transport.on('open', (o) => opens.push(o.attempt));
    const client = createOnebot11Client({ transport, timeoutMs: 10_000 });
    try {
      await client.sendPrivateMsg({ user_id: 1, message: 'before' });
      await fake.stopWs();
      await until(() => reconnects.length >= 3, 'three reconnect attempts');
      assert.equal(transport.state, 'reconnecting');
      const queued = client.sendPrivateMsg({ user_id: 2, message: 'while down' });
      await sleep(30);
      assert.equal(fake.calls.length, 1, 'not sent while down');
      await fake.startWs({ port });
      assert.deepEqual(await queued, { message_id: 5 });
      assert.deepEqual(
        fake.calls.map((c) => (c.params as { message: string }).message),
        ['before', 'while down'],
      );
      assert.equal(opens.length, 2);
      // Backoff: attempts count up, every delay is a finite number within the cap for its attempt.
      reconnects.forEach((r, i) => {
        assert.equal(r.attempt, i + 1 + (reconnects[0]!.attempt - 1));
        assert.ok(Number.isFinite(r.delayMs) && r.delayMs >= 0 && r.delayMs <= Math.min(200, 20 * 2 ** (r.attempt - 1)), JSON.stringify(r));
      });
      assert.equal(transport.pendingCount, 0);
    } finally {
      await client.close();
      await fake.close();
    }
  });

  it("whileDisconnected 'wait': a call waits at most its own timeout and leaves nothing pending", async () => {
    const port = await freePort();
    const transport = transportFor(`ws://127.0.0.1:${port}`, { initialDelayMs: 50, maxDelayMs: 50 });
    const client = createOnebot11Client({ transport });
    try {
      const started = performance.now();
      await assert.rejects(client.sendPrivateMsg({ user_id: 1, message: 'x' }, { timeoutMs: 100 }), TimeoutError);
      assert.ok(performance.now() - started < 2000);
      assert.equal(transport.pendingCount, 0);
    } finally {
      await client.close();
    }
  });

  it("whileDisconnected 'fail': a call fails at once with DisconnectedError and is never sent", async () => {
    const fake = new FakeOneBot();
    const url = await fake.startWs();
    const port = Number(new URL(url).port);
    await fake.stopWs();
    const transport = transportFor(url, { whileDisconnected: 'fail', initialDelayMs: 10, maxDelayMs: 20 });
    const client = createOnebot11Client({ transport, timeoutMs: 10_000 });
    try {
      await assert.rejects(client.sendPrivateMsg({ user_id: 1, message: 'x' }), (e: unknown) => e instanceof DisconnectedError && /not connected/.test(e.message));
      fake.respond = () => ok({ message_id: 9 });
      await fake.startWs({ port });
      await transport.ready({ timeoutMs: 5000 });
      assert.deepEqual(await client.sendPrivateMsg({ user_id: 2, message: 'y' }), { message_id: 9 });
      assert.equal(fake.calls.length, 1);
    } finally {
      await client.close();
      await fake.close();
    }
  });

  it('maxAttempts: gives up after N failed attempts; queued and later calls reject with DisconnectedError', async () => {
    const port = await freePort();
    const transport = transportFor(`ws://127.0.0.1:${port}`, { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 10 });
    const errors: Error[] = [];
    transport.on('error', (e) => errors.push(e));
    const client = createOnebot11Client({ transport, timeoutMs: 10_000 });
    try {
      const started = performance.now();
      await assert.rejects(client.sendPrivateMsg({ user_id: 1, message: 'x' }), (e: unknown) => e instanceof DisconnectedError && /gave up after 3/.test(e.message));
      assert.ok(performance.now() - started < 5000);
      assert.equal(transport.state, 'closed');
      assert.equal(errors.length, 3, 'one error per failed attempt');
      await assert.rejects(client.sendPrivateMsg({ user_id: 1, message: 'y' }), DisconnectedError);
      await assert.rejects(transport.ready(), DisconnectedError);
    } finally {
      await client.close();
    }
  });

  it('a server that stops answering pings is dropped: in-flight calls reject, then it reconnects', async () => {
    const fake = new FakeOneBot();
    const url = await fake.startWs({ autoPong: false });
    fake.respond = () => ({ none: true });
    const transport = transportFor(url, { pingIntervalMs: 50, initialDelayMs: 10, maxDelayMs: 20 });
    const client = createOnebot11Client({ transport, timeoutMs: 20_000 });
    let opens = 0;
    transport.on('open', () => opens++);
    try {
      const started = performance.now();
      await assert.rejects(client.sendPrivateMsg({ user_id: 1, message: 'x' }), DisconnectedError);
      assert.ok(performance.now() - started < 5000);
      await until(() => opens >= 2, 'reconnected');
    } finally {
      await client.close();
      await fake.close();
    }
  });
});

describe('forward WebSocket: secrets', () => {
  const SENTINEL = 'SENTINEL-ws-token-7f3a9c';

  it('a rejected handshake fails queued calls with AuthError; no error anywhere carries the token', async () => {
    // The server echoes what it got into its refusal, as a careless implementation might.
    const fake = new FakeOneBot({ token: 'the-right-token', refusal: `bad token ${SENTINEL}` });
    const url = await fake.startWs();
    for (const inQuery of [false, true]) {
      const errors: Error[] = [];
      const client = createOnebot11Client({ baseUrl: url, accessToken: SENTINEL, tokenInQuery: inQuery, timeoutMs: 5000 });
      const transport = client.core.transport as WsTransport;
      transport.on('error', (e) => errors.push(e));
      try {
        const error = await client.sendPrivateMsg({ user_id: 1, message: 'x' }).catch((e: unknown) => e as Error);
        assert.ok(error instanceof AuthError, String(error));
        assert.equal(error.status, 401);
        await until(() => errors.length > 0, 'error reported');
        for (const e of [error, ...errors, transport.lastError!]) {
          const text = `${e.message} ${e.stack ?? ''} ${String((e as { cause?: unknown }).cause ?? '')}`;
          assert.ok(!text.includes(SENTINEL), `token leaked: ${text}`);
        }
        assert.equal(fake.calls.length, 0);
      } finally {
        await client.close();
      }
    }
    await fake.close();
  });

  it('a close reason carrying the token is redacted in DisconnectedError', async () => {
    const fake = new FakeOneBot({ token: SENTINEL });
    const url = await fake.startWs();
    fake.respond = () => ({ none: true });
    const client = createOnebot11Client({ baseUrl: url, accessToken: SENTINEL, timeoutMs: 10_000 });
    try {
      const call = client.sendPrivateMsg({ user_id: 1, message: 'x' });
      await until(() => fake.calls.length === 1, 'call on the wire');
      fake.closeAll(4000, `kicked ${SENTINEL}`);
      const error = await call.catch((e: unknown) => e as Error);
      assert.ok(error instanceof DisconnectedError, String(error));
      assert.match(error.message, /4000/);
      assert.match(error.message, /\[redacted\]/);
      assert.ok(!`${error.message}${error.stack}`.includes(SENTINEL));
    } finally {
      await client.close();
      await fake.close();
    }
  });
});

describe('forward WebSocket: OneBot 12', () => {
  const self = { platform: 'qq', user_id: '123234' };

  it('MessagePack round trip with the onebot12 client (binary frames both ways)', async () => {
    const fake = new FakeOneBot();
    const url = await fake.startWs();
    fake.respond = (call) =>
      call.action === 'send_message'
        ? ok({ message_id: '2452352435', time: 1632847927.599013 })
        : { envelope: { status: 'failed', retcode: 10002, data: null, message: 'unsupported' } };
    const transport = createWsTransport({ protocol: onebot12, url, auth: staticTokenAuth(onebot12.auth, undefined), encoding: 'msgpack', self });
    const client = createOnebot12Client({ transport, validate: { result: 'throw' } });
    const events: unknown[] = [];
    transport.onEvent((e) => events.push(e));
    try {
      const params = { detail_type: 'group', group_id: '12467', message: [{ type: 'text' as const, data: { text: '我是文字' } }] };
      assert.deepEqual(await client.sendMessage(params), { message_id: '2452352435', time: 1632847927.599013 });
      const call = fake.calls[0]!;
      assert.equal(call.binary, true, 'request sent as a binary MessagePack frame');
      assert.equal(call.action, 'send_message');
      assert.deepEqual(call.params, params);
      assert.deepEqual(call.self, self);
      await assert.rejects(client.deleteMessage({ message_id: '1' }), { name: 'ApiError', retcode: 10002, retcodeName: 'UNSUPPORTED_ACTION' });
      // Events stay JSON text frames.
      fake.broadcastEvent({ id: 'e1', type: 'meta', detail_type: 'heartbeat', interval: 5000 });
      await until(() => events.length === 1, 'event');
    } finally {
      await client.close();
      await fake.close();
    }
  });

  it('MessagePack int64: uint64 beyond 2^53 is exact as bigint, Int64PrecisionError by default; safe wide ints are numbers', async () => {
    const fake = new FakeOneBot();
    const url = await fake.startWs();
    // Written by hand: message_id_qq as a msgpack uint64 beyond 2^53, time as a uint64 that is safe.
    const data = {
      time: 2n ** 40n,
      message_type: 'group',
      message_id: 1,
      real_id: 7394016593722228163n,
      message_id_qq: 7394016593722228163n,
      sender: { user_id: 114514 },
      message: [{ type: 'text', data: { text: 'hi' } }],
      peer_id: 3,
    };
    fake.respond = () => ({ bytes: (echo) => Buffer.from(msgpackEncode({ status: 'ok', retcode: 0, data, message: '', echo }, { useBigInt64: true })) });
    const opts = (int64: 'number' | 'bigint') => ({
      transport: createWsTransport({ protocol: shamrock, url, auth: staticTokenAuth(shamrock.auth, undefined), encoding: 'msgpack' }),
      int64,
      validate: { result: 'throw' as const },
    });
    const big = createShamrockClient(opts('bigint'));
    const num = createShamrockClient(opts('number'));
    try {
      const a = await big.getMsg({ message_id: 1 });
      assert.equal(a.real_id, 7394016593722228163n);
      assert.equal(a.message_id_qq, '7394016593722228163', 'an opaque id is a decimal string in every mode');
      assert.equal(a.time, 2n ** 40n);
      await assert.rejects(num.getMsg({ message_id: 1 }), (e: unknown) => e instanceof Int64PrecisionError && e.path === '/real_id' && e.value === '7394016593722228163');
      // Without the unsafe value, a safe uint64 arrives as a plain number in number mode.
      (data as { real_id: bigint | number }).real_id = 2;
      const b = await num.getMsg({ message_id: 1 });
      assert.equal(b.time, 2 ** 40);
      assert.equal(b.message_id_qq, '7394016593722228163');
    } finally {
      await big.close();
      await num.close();
      await fake.close();
    }
  });

  it('self: every frame of a transport carries its self; withSelf() shares the connection', async () => {
    const fake = new FakeOneBot();
    const url = await fake.startWs();
    fake.respond = () => ok(null);
    const transport = createWsTransport({ protocol: onebot12, url, auth: staticTokenAuth(onebot12.auth, undefined), self });
    const other = { platform: 'qq', user_id: '999' };
    const a = createOnebot12Client({ transport });
    const b = createOnebot12Client({ transport: transport.withSelf(other) });
    try {
      await a.deleteMessage({ message_id: '1' });
      await b.deleteMessage({ message_id: '2' });
      await b.close(); // closing a view closes nothing
      await a.deleteMessage({ message_id: '3' });
      assert.deepEqual(
        fake.calls.map((c) => [c.self, (c.params as { message_id: string }).message_id]),
        [
          [self, '1'],
          [other, '2'],
          [self, '3'],
        ],
      );
      assert.equal(fake.connectionCount, 1);
      assert.equal(fake.handshakes[0]!.url, '/', 'OneBot 12 forward WS path');
    } finally {
      await a.close();
      await fake.close();
    }
  });
});

describe('backoff', () => {
  it('full jitter over an exponential cap; never NaN, never beyond the max, bad options fall back', () => {
    const opts = { initialDelayMs: 100, maxDelayMs: 5000, factor: 3 };
    assert.equal(backoffDelay(1, opts, () => 1), 100);
    assert.equal(backoffDelay(2, opts, () => 1), 300);
    assert.equal(backoffDelay(3, opts, () => 1), 900);
    assert.equal(backoffDelay(10, opts, () => 1), 5000);
    assert.equal(backoffDelay(3, opts, () => 0.5), 450);
    assert.equal(backoffDelay(3, opts, () => 0), 0);
    const weird = [
      { initialDelayMs: NaN, maxDelayMs: NaN, factor: NaN },
      { initialDelayMs: -1, maxDelayMs: Infinity, factor: 0 },
      { initialDelayMs: 1e300, maxDelayMs: 1e308, factor: 1e300 },
      { initialDelayMs: 0, factor: Infinity },
      {},
    ];
    for (const o of weird) {
      for (const attempt of [0, 1, 2, 50, 1e6, Infinity, NaN]) {
        for (const r of [0, 0.3, 1, NaN, 2]) {
          const d = backoffDelay(attempt, o, () => r);
          assert.ok(Number.isFinite(d) && d >= 0 && d <= 1e308, `${JSON.stringify(o)} ${attempt} ${r} → ${d}`);
        }
      }
    }
    // Bad options fall back to the defaults (500 ms initial, 30 s max, factor 2).
    assert.equal(backoffDelay(1, { initialDelayMs: NaN }, () => 1), 500);
    assert.equal(backoffDelay(100, { maxDelayMs: -5 }, () => 1), 30_000);
    assert.equal(backoffDelay(2, { factor: 0.5 }, () => 1), 1000);
  });
});

describe('close', () => {
  for (const scenario of ['used', 'reconnecting', 'inflight']) {
    it(`close() leaves no timers or sockets: the process exits by itself (${scenario})`, async () => {
      const { code, alive, stderr } = await runExitCheck(scenario);
      assert.equal(code, 0, `exit code ${code}; stderr: ${stderr}`);
      assert.deepEqual(alive, [], 'handles alive after close()');
    });
  }

  it('close() rejects in-flight and queued calls with DisconnectedError and later calls fail fast', async () => {
    const fake = new FakeOneBot();
    const url = await fake.startWs();
    fake.respond = () => ({ none: true });
    const client = createOnebot11Client({ baseUrl: url, timeoutMs: 20_000 });
    const transport = client.core.transport as WsTransport;
    const inflight = client.sendPrivateMsg({ user_id: 1, message: 'x' });
    await until(() => fake.calls.length === 1, 'on the wire');
    const closing = client.close();
    await assert.rejects(inflight, (e: unknown) => e instanceof DisconnectedError && /transport closed/.test(e.message));
    await closing;
    assert.equal(transport.state, 'closed');
    assert.equal(transport.pendingCount, 0);
    await assert.rejects(client.sendPrivateMsg({ user_id: 1, message: 'y' }), DisconnectedError);
    await client.close(); // idempotent
    await fake.close();
  });
});
