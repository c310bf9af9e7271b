/**
 * WebSocket and polling receivers: Milky `ws://…/event` (own socket, reconnect after a drop with no
 * event lost or duplicated, 401 stops), OneBot 11 events on the client's universal socket (no second
 * socket), reverse WS events with the bot's self id, OneBot 12 `get_latest_events` long polling.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { WebSocketServer, type WebSocket } from 'ws';
import { encode as msgpackEncode } from '@msgpack/msgpack';
import { protocol as milky } from 'qqwire/milky';
import { createOnebot11Client, protocol as onebot11 } from 'qqwire/onebot11';
import { createOnebot12Client, protocol as onebot12 } from 'qqwire/onebot12';
import { AuthError, createEventHub, type EventDeliveryInfo } from '../runtime/index.js';
import { createPollReceiver, createTransportEventReceiver, createWsEventReceiver } from '../runtime/events-entry.js';
import { createReverseWsReceiver } from '../runtime/reverse-ws-entry.js';
import { FakeOneBot, ok } from './helpers/fake-onebot.js';

async function wsPeer(onConnection: (ws: WebSocket, url: string, n: number, auth: string | undefined) => void, refuse?: number, autoPong = true) {
  const http = createServer((_q, res) => res.writeHead(426).end());
  const wss = new WebSocketServer({ noServer: true, autoPong });
  let n = 0;
  http.on('upgrade', (req, socket, head) => {
    if (refuse) {
      socket.end(`HTTP/1.1 ${refuse} No\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, req.url ?? '', ++n, req.headers.authorization));
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  return {
    url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}`,
    connections: () => n,
    async close() {
      for (const c of wss.clients) c.terminate();
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}

const ev = (i: number) => ({ time: i, self_id: 1, event_type: 'group_nudge', data: { i, big: 12345678901234567890n.toString() } });

describe('Milky WebSocket /event', () => {
  it('delivers every frame once across a dropped socket and a reconnect; sends the token; path /event', async () => {
    const seen: { url: string; auth: string | undefined }[] = [];
    const peer = await wsPeer((ws, url, n, auth) => {
      seen.push({ url, auth });
      if (n === 1) {
        ws.send(JSON.stringify(ev(1)));
        ws.send(JSON.stringify(ev(2)), () => setTimeout(() => ws.terminate(), 10));
      } else {
        ws.send(JSON.stringify(ev(3)));
        ws.send('{"event_type": 12345678901234567890');
        ws.send('{"time":4,"self_id":1,"event_type":"group_nudge","data":{"i":4,"user_id":12345678901234567890}}');
      }
    });
    const errors: Error[] = [];
    const hub = createEventHub({ protocol: milky, onError: (e) => errors.push(e) });
    const iter = hub.events('group_nudge');
    const receiver = createWsEventReceiver({ protocol: milky, url: peer.url, accessToken: 'tk', sink: hub, initialDelayMs: 5, maxDelayMs: 5 });
    await receiver.start();
    const got: { i: number; user_id?: unknown }[] = [];
    for (let k = 0; k < 4; k++) got.push((await iter.next()).value.data);
    assert.deepEqual(got.map((d) => d.i), [1, 2, 3, 4]);
    assert.equal(got[3]!.user_id, 12345678901234567890n, 'an int64 beyond 2^53 arrives exact');
    assert.deepEqual(seen, [{ url: '/event', auth: 'Bearer tk' }, { url: '/event', auth: 'Bearer tk' }]);
    assert.ok(errors.some((e) => 'raw' in e && (e as { raw: string }).raw === '{"event_type": 12345678901234567890'), 'the bad frame is reported raw');
    await receiver.close();
    await peer.close();
  });

  it('a socket that stops answering pings is dropped and reconnected', async () => {
    const peer = await wsPeer(() => undefined, undefined, false);
    const errors: Error[] = [];
    let reconnected!: () => void;
    const twice = new Promise<void>((r) => (reconnected = r));
    const receiver = createWsEventReceiver({
      protocol: milky,
      url: peer.url,
      pingIntervalMs: 20,
      initialDelayMs: 5,
      maxDelayMs: 5,
      sink: { onEvent: () => undefined, onError: (e) => (errors.push(e), peer.connections() >= 2 && reconnected()) },
    });
    await receiver.start();
    await twice;
    assert.ok(errors.some((e) => /no pong within 20 ms/.test(e.message)));
    await receiver.close();
    await peer.close();
  });

  it('a 401 handshake stops the receiver with AuthError', async () => {
    const peer = await wsPeer(() => undefined, 401);
    const receiver = createWsEventReceiver({ protocol: milky, url: peer.url, sink: { onEvent: () => undefined, onError: () => undefined }, initialDelayMs: 5, maxDelayMs: 5 });
    await assert.rejects(receiver.start(), AuthError);
    await receiver.close();
    await peer.close();
  });
});

describe('events-only sockets of OneBot 11 (/event) and OneBot 12 (/, MessagePack binary frames)', () => {
  it('OneBot 11 connects to /event and names the frames', async () => {
    const urls: string[] = [];
    const peer = await wsPeer((ws, url) => {
      urls.push(url);
      ws.send('{"post_type":"notice","notice_type":"notify","sub_type":"poke","self_id":1,"target_id":12345678901234567890}');
    });
    const hub = createEventHub({ protocol: onebot11 });
    const got = new Promise<unknown>((r) => hub.on('notice.notify.poke', r));
    const receiver = createWsEventReceiver({ protocol: onebot11, url: peer.url, sink: hub });
    await receiver.start();
    assert.deepEqual(await got, { post_type: 'notice', notice_type: 'notify', sub_type: 'poke', self_id: 1, target_id: 12345678901234567890n });
    assert.deepEqual(urls, ['/event']);
    await receiver.close();
    await peer.close();
  });

  it('OneBot 12 decodes a binary MessagePack frame like a JSON text one', async () => {
    const event = { id: 'm', time: 1.25, type: 'meta', detail_type: 'heartbeat', sub_type: '', interval: 5000 };
    const peer = await wsPeer((ws) => {
      ws.send(Buffer.from(msgpackEncode(event)), { binary: true });
      ws.send(JSON.stringify({ ...event, id: 'j' }));
    });
    const hub = createEventHub({ protocol: onebot12 });
    const iter = hub.events('meta.heartbeat');
    const receiver = createWsEventReceiver({ protocol: onebot12, url: peer.url, sink: hub });
    await receiver.start();
    assert.deepEqual((await iter.next()).value, event);
    assert.deepEqual((await iter.next()).value, { ...event, id: 'j' });
    await receiver.close();
    await peer.close();
  });
});

describe('OneBot 11 forward WS: events on the client socket', () => {
  it('the receiver shares the client socket: one connection, calls answered, events named and delivered', async () => {
    const fake = new FakeOneBot();
    const url = await fake.startWs();
    fake.respond = () => ok({ message_id: 9 });
    const client = createOnebot11Client({ baseUrl: url });
    const hub = createEventHub({ protocol: onebot11 });
    const infos: EventDeliveryInfo[] = [];
    const got = new Promise<unknown>((r) => hub.on('message.private', (e, info) => (infos.push(info), r(e))));
    const receiver = createTransportEventReceiver({ source: client, sink: hub });
    await receiver.start();
    assert.deepEqual(await client.sendPrivateMsg({ user_id: 1, message: 'x' }), { message_id: 9 });
    fake.broadcastEvent({ post_type: 'message', message_type: 'private', user_id: 12345678901234567890n, message: 'hi' });
    assert.deepEqual(await got, { post_type: 'message', message_type: 'private', user_id: 12345678901234567890n, message: 'hi' });
    assert.equal(fake.connectionCount, 1);
    assert.equal(infos[0]!.delivery, 'ws');
    await receiver.close();
    await client.close();
    await fake.close();
  });
});

describe('reverse WS', () => {
  it('events from connected bots arrive with their self id; close() of an owned server leaves it closed', async () => {
    const hub = createEventHub({ protocol: onebot11 });
    const receiver = createReverseWsReceiver({ sink: hub, serverOptions: { protocol: onebot11, port: 0, host: '127.0.0.1', accessToken: 't' } });
    await receiver.start();
    const { port } = await receiver.server.ready();
    const fake = new FakeOneBot();
    const bot = await fake.connectReverse(`ws://127.0.0.1:${port}`, { selfId: '10001', token: 't', role: 'Event' });
    const got = new Promise<[unknown, EventDeliveryInfo]>((r) => hub.on('request.friend', (e, info) => r([e, info])));
    bot.sendEvent({ post_type: 'request', request_type: 'friend', self_id: 10001, user_id: 2, flag: 'f' });
    const [event, info] = await got;
    assert.deepEqual(event, { post_type: 'request', request_type: 'friend', self_id: 10001, user_id: 2, flag: 'f' });
    assert.deepEqual(info, { delivery: 'reverse-ws', selfId: '10001' });
    await receiver.close();
    await assert.rejects(fake.connectReverse(`ws://127.0.0.1:${port}`, { selfId: '10001', token: 't' }));
    await fake.close();
  });
});

describe('OneBot 12 get_latest_events polling', () => {
  it('long-polls with timeout and limit, delivers each batch in order, retries after a failure', async () => {
    const fake = new FakeOneBot({ actionPath: '/' });
    const base = await fake.startHttp();
    let n = 0;
    const msg = (id: string) => ({ id, time: 1.5, type: 'message', detail_type: 'private', sub_type: '', self: { platform: 'qq', user_id: 'b' }, message_id: id, message: [], alt_message: '', user_id: 'u' });
    const batches = [[msg('1'), msg('2')], 'fail', [msg('3')]];
    fake.respond = () => {
      const b = batches[n++];
      if (b === 'fail') return { http: 500, body: 'oops' };
      return ok(b ?? []);
    };
    const client = createOnebot12Client({ baseUrl: base });
    const errors: Error[] = [];
    const hub = createEventHub({ protocol: onebot12, onError: (e) => errors.push(e) });
    const iter = hub.events('message.private');
    const receiver = createPollReceiver({ protocol: onebot12, client, sink: hub, timeoutMs: 0, limit: 10, intervalMs: 5, initialDelayMs: 5, maxDelayMs: 5 });
    await receiver.start();
    const ids = [];
    for (let k = 0; k < 3; k++) ids.push(((await iter.next()).value as { id: string }).id);
    assert.deepEqual(ids, ['1', '2', '3']);
    assert.deepEqual(fake.calls[0]!.params, { limit: 10, timeout: 0 });
    assert.equal(fake.calls[0]!.action, 'get_latest_events');
    assert.ok(errors.some((e) => /polling failed/.test(e.message)));
    await receiver.close();
    await client.close();
    await fake.close();
  });
});
