/**
 * Reverse WebSocket server: the handshake (token schemes, self id, role, OneBot 12 subprotocol),
 * several bots at once routed by self id, events with their self id, the settle contract on
 * disconnect, waiting for a bot, and a clean close.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import WebSocket from 'ws';
import { createOnebot11Client, protocol as onebot11 } from 'qqwire/onebot11';
import { createOnebot12Client, protocol as onebot12 } from 'qqwire/onebot12';
import { protocol as gocqhttp } from 'qqwire/gocqhttp';
import { DisconnectedError, TimeoutError } from '../runtime/errors.js';
import { createReverseWsServer, type BotConnectInfo, type ReverseWsServer, type ReverseWsServerOptions } from '../runtime/reverse-ws.js';
import { onEvents } from '../runtime/ws-transport.js';
import { FakeOneBot, ok, type ReverseBot } from './helpers/fake-onebot.js';
import { runExitCheck } from './helpers/run-exit-check.js';

const TOKEN = 'reverse-token';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

async function start(options: Partial<ReverseWsServerOptions> = {}): Promise<{ server: ReverseWsServer; url: string; fake: FakeOneBot }> {
  const server = createReverseWsServer({ protocol: onebot11, port: 0, host: '127.0.0.1', accessToken: TOKEN, ...options });
  const { port } = await server.ready();
  const fake = new FakeOneBot();
  return { server, url: `ws://127.0.0.1:${port}/onebot/v11/ws`, fake };
}

async function refusedStatus(fake: FakeOneBot, url: string, options: Parameters<FakeOneBot['connectReverse']>[1]): Promise<number | undefined> {
  const error = await fake.connectReverse(url, options).then(
    (bot) => {
      void bot.close();
      return undefined;
    },
    (e: { status?: number }) => e,
  );
  return error?.status;
}

describe('reverse WebSocket: handshake', () => {
  it('OneBot 11 takes only its own scheme: `Token` is go-cqhttp\'s (auth.accepted-schemes), not OneBot 11\'s', async () => {
    const { server, url, fake } = await start();
    try {
      assert.equal(await refusedStatus(fake, url, { selfId: '1', token: TOKEN, scheme: 'Token' }), 401);
      const bearer = await fake.connectReverse(url, { selfId: '2', token: TOKEN, scheme: 'Bearer' });
      await until(() => server.bots().length === 1, 'one bot');
      await bearer.close();
    } finally {
      await server.close();
      await fake.close();
    }
  });

  it('accepts Bearer, go-cqhttp Token and ?access_token=; rejects a bad or missing token with 401', async () => {
    const { server, url, fake } = await start({ protocol: gocqhttp });
    try {
      const bearer = await fake.connectReverse(url, { selfId: '1', token: TOKEN, scheme: 'Bearer' });
      const tokenScheme = await fake.connectReverse(url, { selfId: '2', token: TOKEN, scheme: 'Token' });
      const lowercase = await fake.connectReverse(url, { selfId: '3', token: TOKEN, scheme: 'bearer' }); // Shamrock
      const query = await fake.connectReverse(`${url}?access_token=${TOKEN}`, { selfId: '4' });
      await until(() => server.bots().length === 4, 'four bots');
      assert.deepEqual(server.bots().sort(), ['1', '2', '3', '4']);
      assert.equal(await refusedStatus(fake, url, { selfId: '5', token: 'wrong' }), 401);
      assert.equal(await refusedStatus(fake, url, { selfId: '5', token: `${TOKEN}x` }), 401);
      assert.equal(await refusedStatus(fake, url, { selfId: '5' }), 401);
      assert.equal(await refusedStatus(fake, url, { selfId: '5', headers: { Authorization: TOKEN } }), 401, 'no scheme word');
      assert.equal(await refusedStatus(fake, `${url}?access_token=wrong`, { selfId: '5' }), 401);
      assert.equal(server.bots().length, 4);
      await Promise.all([bearer, tokenScheme, lowercase, query].map((b) => b.close()));
    } finally {
      await server.close();
      await fake.close();
    }
  });

  it('requires X-Self-ID for OneBot 11 and a known X-Client-Role (400 otherwise)', async () => {
    const { server, url, fake } = await start();
    try {
      assert.equal(await refusedStatus(fake, url, { token: TOKEN }), 400);
      assert.equal(await refusedStatus(fake, url, { selfId: '1', token: TOKEN, role: 'Boss' }), 400);
      const infos: BotConnectInfo[] = [];
      server.on('connect', (i) => infos.push(i));
      const bot = await fake.connectReverse(url, { selfId: '1', token: TOKEN, role: 'universal' });
      await until(() => infos.length === 1, 'connect');
      assert.equal(infos[0]!.selfId, '1');
      assert.equal(infos[0]!.role, 'Universal');
      assert.equal(infos[0]!.transport, server.bot('1'));
      await bot.close();
    } finally {
      await server.close();
      await fake.close();
    }
  });

  it('no token configured: every connection is accepted', async () => {
    const { server, url, fake } = await start({ accessToken: undefined });
    try {
      const bot = await fake.connectReverse(url, { selfId: '1' });
      await server.waitForBot('1', { timeoutMs: 2000 });
      await bot.close();
    } finally {
      await server.close();
      await fake.close();
    }
  });
});

describe('reverse WebSocket: several bots', () => {
  it('two bots with different X-Self-ID at once: calls routed by self id, events tagged with it', async () => {
    const { server, url, fake } = await start();
    const events: { selfId: string | undefined; event: unknown }[] = [];
    server.on('event', ({ selfId, event }) => events.push({ selfId, event }));
    // Each fake bot answers with its own id, so a misrouted call shows.
    fake.respond = (call) => ok({ message_id: Number(call.bot) });
    const a = createOnebot11Client({ transport: server.bot('10001') });
    const b = createOnebot11Client({ transport: server.bot(20002) });
    const aEvents: unknown[] = [];
    onEvents(a, (e) => aEvents.push(e));
    try {
      const botA = await fake.connectReverse(url, { selfId: '10001', token: TOKEN, scheme: 'Bearer' });
      const botB = await fake.connectReverse(url, { selfId: '20002', token: TOKEN });
      await Promise.all([server.waitForBot('10001', { timeoutMs: 2000 }), server.waitForBot('20002', { timeoutMs: 2000 })]);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? b : a).sendPrivateMsg({ user_id: 1000 + i, message: `m${i}` })),
      );
      results.forEach((r, i) => assert.equal(r.message_id, i % 2 ? 20002 : 10001, `call ${i}`));
      for (const call of fake.calls) {
        const i = (call.params as { user_id: number }).user_id - 1000;
        assert.equal(call.bot, i % 2 ? '20002' : '10001', `call ${i} went to the wrong bot`);
      }
      botA.sendEvent({ time: 1, self_id: 10001, post_type: 'message', message_type: 'private', message: 'from A' });
      botB.sendEvent({ time: 1, self_id: 20002, post_type: 'message', message_type: 'private', message: 'from B' });
      await until(() => events.length === 2, 'two events');
      assert.deepEqual(events.map((e) => e.selfId).sort(), ['10001', '20002']);
      await until(() => aEvents.length === 1, "bot A's event on its transport");
      assert.equal((aEvents[0] as { message: string }).message, 'from A');
      assert.equal(server.bot('10001').pendingCount, 0);
      assert.equal(server.bot('20002').pendingCount, 0);
    } finally {
      await a.close();
      await b.close();
      await server.close();
      await fake.close();
    }
  });

  it('API and Event role connections: calls go to the API one, events come from the Event one', async () => {
    const { server, url, fake } = await start({ protocol: gocqhttp });
    const events: { role: string }[] = [];
    server.on('event', (e) => events.push(e));
    fake.respond = () => ok({ message_id: 1 });
    const client = createOnebot11Client({ transport: server.bot('10001') });
    try {
      const eventConn = await fake.connectReverse(url, { selfId: '10001', role: 'Event', token: TOKEN, scheme: 'Token' });
      await sleep(20);
      assert.equal(server.bot('10001').connected, false, 'an Event connection takes no calls');
      const apiConn = await fake.connectReverse(url, { selfId: '10001', role: 'API', token: TOKEN, scheme: 'Token' });
      await server.waitForBot('10001', { timeoutMs: 2000 });
      await client.sendPrivateMsg({ user_id: 1, message: 'x' });
      assert.equal(fake.calls.length, 1);
      eventConn.sendEvent({ post_type: 'notice', self_id: 10001 });
      await until(() => events.length === 1, 'event');
      assert.equal(events[0]!.role, 'Event');
      await Promise.all([eventConn.close(), apiConn.close()]);
    } finally {
      await client.close();
      await server.close();
      await fake.close();
    }
  });

  it('a new connection with the same self id replaces the old one', async () => {
    const { server, url, fake } = await start();
    fake.respond = () => ok({ message_id: 1 });
    const client = createOnebot11Client({ transport: server.bot('10001') });
    try {
      const first = await fake.connectReverse(url, { selfId: '10001', token: TOKEN });
      const closed = new Promise<number>((r) => first.ws.once('close', (code) => r(code)));
      const second = await fake.connectReverse(url, { selfId: '10001', token: TOKEN });
      assert.equal(await closed, 1000);
      await client.sendPrivateMsg({ user_id: 1, message: 'x' });
      assert.equal(fake.calls.length, 1);
      assert.equal(second.ws.readyState, WebSocket.OPEN);
    } finally {
      await client.close();
      await server.close();
      await fake.close();
    }
  });
});

describe('reverse WebSocket: settle contract', () => {
  it('a bot disconnecting with calls in flight: all reject at once with DisconnectedError', async (t) => {
    const { server, url, fake } = await start();
    fake.respond = () => ({ none: true });
    const TIMEOUT = 20_000;
    const client = createOnebot11Client({ transport: server.bot('10001'), timeoutMs: TIMEOUT });
    try {
      const bot = await fake.connectReverse(url, { selfId: '10001', token: TOKEN });
      await server.waitForBot('10001', { timeoutMs: 2000 });
      const calls = Array.from({ length: 100 }, (_, i) => client.sendPrivateMsg({ user_id: i + 1, message: 'x' }));
      await until(() => fake.calls.length === 100, 'calls on the wire');
      assert.equal(server.bot('10001').pendingCount, 100);
      const started = performance.now();
      bot.drop();
      const results = await Promise.allSettled(calls);
      const elapsed = performance.now() - started;
      t.diagnostic(`100 in-flight calls rejected ${elapsed.toFixed(1)} ms after the bot dropped (timeout ${TIMEOUT} ms)`);
      for (const r of results) assert.ok(r.status === 'rejected' && r.reason instanceof DisconnectedError, String(r.status === 'rejected' && r.reason));
      assert.ok(elapsed < TIMEOUT / 10);
      assert.equal(server.bot('10001').pendingCount, 0);
      assert.equal(server.bot('10001').connected, false);
    } finally {
      await client.close();
      await server.close();
      await fake.close();
    }
  });

  it("a call to a bot that is away waits (bounded by its timeout) and is sent once when it reconnects; 'fail' fails fast", async () => {
    const { server, url, fake } = await start();
    fake.respond = () => ok({ message_id: 3 });
    const client = createOnebot11Client({ transport: server.bot('10001'), timeoutMs: 5000 });
    try {
      await assert.rejects(client.sendPrivateMsg({ user_id: 1, message: 'x' }, { timeoutMs: 50 }), TimeoutError);
      assert.equal(server.bot('10001').pendingCount, 0);
      const waiting = client.sendPrivateMsg({ user_id: 2, message: 'queued' });
      await sleep(20);
      const bot = await fake.connectReverse(url, { selfId: '10001', token: TOKEN });
      assert.deepEqual(await waiting, { message_id: 3 });
      assert.equal(fake.calls.length, 1);
      await bot.close();
    } finally {
      await client.close();
      await server.close();
    }
    const failing = await start({ whileDisconnected: 'fail' });
    const c2 = createOnebot11Client({ transport: failing.server.bot('1'), timeoutMs: 5000 });
    try {
      await assert.rejects(c2.sendPrivateMsg({ user_id: 1, message: 'x' }), (e: unknown) => e instanceof DisconnectedError && /not connected/.test(e.message));
    } finally {
      await c2.close();
      await failing.server.close();
      await fake.close();
    }
  });

  it('waitForBot resolves on connect, rejects with TimeoutError or on close', async () => {
    const { server, url, fake } = await start();
    try {
      await assert.rejects(server.waitForBot('10001', { timeoutMs: 30 }), TimeoutError);
      const pending = server.waitForBot('10001', { timeoutMs: 5000 });
      const bot = await fake.connectReverse(url, { selfId: '10001', token: TOKEN });
      assert.equal(await pending, server.bot('10001'));
      const never = server.waitForBot('99999');
      const settled = never.catch((e: unknown) => e);
      await bot.close();
      await server.close();
      assert.ok((await settled) instanceof DisconnectedError);
      await assert.rejects(server.waitForBot('1'), DisconnectedError);
    } finally {
      await server.close();
      await fake.close();
    }
  });

  it("a client's close() drops its bot's connection only", async () => {
    const { server, url, fake } = await start();
    fake.respond = () => ok({ message_id: 1 });
    const a = createOnebot11Client({ transport: server.bot('1') });
    const b = createOnebot11Client({ transport: server.bot('2') });
    try {
      const botA = await fake.connectReverse(url, { selfId: '1', token: TOKEN });
      const botB = await fake.connectReverse(url, { selfId: '2', token: TOKEN });
      await Promise.all([server.waitForBot('1'), server.waitForBot('2')]);
      const closed = new Promise<void>((r) => botA.ws.once('close', () => r()));
      await a.close();
      await closed;
      await assert.rejects(a.sendPrivateMsg({ user_id: 1, message: 'x' }), DisconnectedError);
      assert.deepEqual(await b.sendPrivateMsg({ user_id: 1, message: 'y' }), { message_id: 1 });
      assert.equal(botB.ws.readyState, WebSocket.OPEN);
    } finally {
      await b.close();
      await server.close();
      await fake.close();
    }
  });

  it('a close reason carrying the token is redacted in DisconnectedError', async () => {
    const SENTINEL = 'SENTINEL-reverse-token-91c2';
    const { server, url, fake } = await start({ accessToken: SENTINEL });
    fake.respond = () => ({ none: true });
    const client = createOnebot11Client({ transport: server.bot('1'), timeoutMs: 10_000 });
    try {
      const bot = await fake.connectReverse(url, { selfId: '1', token: SENTINEL });
      await server.waitForBot('1');
      const call = client.sendPrivateMsg({ user_id: 1, message: 'x' }).catch((e: unknown) => e as Error);
      await until(() => fake.calls.length === 1, 'on the wire');
      bot.ws.close(4001, `bye ${SENTINEL}`);
      const error = await call;
      assert.ok(error instanceof DisconnectedError, String(error));
      assert.match(error.message, /4001/);
      assert.ok(!`${error.message}${error.stack}`.includes(SENTINEL), error.message);
    } finally {
      await client.close();
      await server.close();
      await fake.close();
    }
  });
});

describe('reverse WebSocket: OneBot 12', () => {
  it('negotiates Sec-WebSocket-Protocol 12.<impl>, learns bots from event self, and calls carry that self', async () => {
    const server = createReverseWsServer({ protocol: onebot12, port: 0, host: '127.0.0.1', accessToken: TOKEN });
    const { port } = await server.ready();
    const fake = new FakeOneBot();
    fake.respond = (call) => ok({ message_id: `${(call.self as { user_id: string }).user_id}-1`, time: 1.5 });
    const connects: BotConnectInfo[] = [];
    server.on('connect', (c) => connects.push(c));
    const alice = createOnebot12Client({ transport: server.bot('123234') });
    const bob = createOnebot12Client({ transport: server.bot('555') });
    let conn: ReverseBot | undefined;
    try {
      // One connection carrying two bots, no X-Self-ID (OneBot 12 sends none).
      conn = await fake.connectReverse(`ws://127.0.0.1:${port}/`, { token: TOKEN, subprotocol: '12.walle-q' });
      assert.equal(conn.ws.protocol, '12.walle-q', 'the subprotocol is echoed back');
      conn.sendEvent({
        id: 'm1',
        time: 1,
        type: 'meta',
        detail_type: 'status_update',
        sub_type: '',
        status: { good: true, bots: [{ self: { platform: 'qq', user_id: '123234' }, online: true }] },
      });
      conn.sendEvent({ id: 'm2', time: 1, type: 'message', detail_type: 'private', sub_type: '', self: { platform: 'qq', user_id: '555' }, message: [] });
      await Promise.all([server.waitForBot('123234', { timeoutMs: 2000 }), server.waitForBot('555', { timeoutMs: 2000 })]);
      assert.deepEqual(
        connects.map((c) => [c.selfId, c.impl]),
        [
          ['123234', 'walle-q'],
          ['555', 'walle-q'],
        ],
      );
      const msg = [{ type: 'text' as const, data: { text: 'hi' } }];
      assert.deepEqual(await alice.sendMessage({ detail_type: 'private', user_id: '1', message: msg }), { message_id: '123234-1', time: 1.5 });
      assert.deepEqual(await bob.sendMessage({ detail_type: 'private', user_id: '1', message: msg }), { message_id: '555-1', time: 1.5 });
      assert.deepEqual(
        fake.calls.map((c) => c.self),
        [
          { platform: 'qq', user_id: '123234' },
          { platform: 'qq', user_id: '555' },
        ],
      );
      // Closing one bot's client keeps the connection the other bot shares.
      await alice.close();
      assert.equal(conn.ws.readyState, WebSocket.OPEN);
      assert.deepEqual(await bob.sendMessage({ detail_type: 'group', group_id: '2', message: msg }), { message_id: '555-1', time: 1.5 });
    } finally {
      await bob.close();
      await server.close();
      await fake.close();
    }
  });
});

describe('reverse WebSocket: attached to an existing server', () => {
  it('handles upgrades on its path only and leaves the server open on close()', async () => {
    const http: Server = createServer((_req, res) => res.end('plain http'));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    const port = (http.address() as AddressInfo).port;
    const server = createReverseWsServer({ protocol: onebot11, server: http, path: '/onebot', accessToken: TOKEN });
    const fake = new FakeOneBot();
    fake.respond = () => ok({ message_id: 4 });
    const client = createOnebot11Client({ transport: server.bot('1') });
    try {
      assert.equal((await server.ready()).port, port);
      const bot = await fake.connectReverse(`ws://127.0.0.1:${port}/onebot`, { selfId: '1', token: TOKEN });
      assert.deepEqual(await client.sendPrivateMsg({ user_id: 1, message: 'x' }), { message_id: 4 });
      await bot.close();
      await client.close();
      await server.close();
      const res = await fetch(`http://127.0.0.1:${port}/`);
      assert.equal(await res.text(), 'plain http', 'the shared server still serves');
    } finally {
      await server.close();
      await fake.close();
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    }
  });
});

describe('reverse WebSocket: close', () => {
  it('server.close() rejects pending calls and waiters and leaves no timers or sockets (child process exits by itself)', async () => {
    const { code, alive, stderr } = await runExitCheck('reverse');
    assert.equal(code, 0, `exit code ${code}; stderr: ${stderr}`);
    assert.deepEqual(alive, []);
  });
});
