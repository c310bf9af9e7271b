/**
 * Events/s through each receiver (over loopback, into a hub with one named handler) next to the raw
 * parse of the same stream (`parseJson` of each event body, in process, no I/O), in one run.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/events.js [--events 20000]
 */
import { createHmac } from 'node:crypto';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { WebSocketServer } from 'ws';
import { protocol as milky } from 'qqwire/milky';
import { protocol as onebot11 } from 'qqwire/onebot11';
import { createEventHub, parseJson, type ProtocolDescriptor } from '../runtime/index.js';
import { SseParser, createSseReceiver, createWebhookReceiver, createWsEventReceiver } from '../runtime/events-entry.js';

export interface EventsBenchRow {
  delivery: string;
  events: number;
  /** Events the handler saw (equals `events` when nothing was lost). */
  delivered: number;
  perSecond: number;
  rawPerSecond: number;
}

function milkyEvent(i: number): string {
  return JSON.stringify({
    time: 1732780800 + i,
    self_id: 10001,
    event_type: 'message_receive',
    data: { message_scene: 'group', peer_id: 123456, message_seq: i, sender_id: 20002, time: 1732780800 + i, segments: [{ type: 'text', data: { text: `hello ${i}` } }] },
  });
}

function onebot11Event(i: number): string {
  return JSON.stringify({ time: 1732780800 + i, self_id: 10001, post_type: 'message', message_type: 'group', sub_type: 'normal', message_id: i, group_id: 123456, user_id: 20002, message: [{ type: 'text', data: { text: `hello ${i}` } }], raw_message: `hello ${i}`, font: 0, sender: { user_id: 20002, nickname: 'n' } });
}

function rawRate(bodies: string[]): number {
  const start = performance.now();
  for (const b of bodies) parseJson(b);
  return bodies.length / ((performance.now() - start) / 1000);
}

/** A hub with one handler; resolves when `n` events have been handled. */
function countingHub(protocol: ProtocolDescriptor, name: string, n: number) {
  // The SSE peer ends its stream after the last event: the receiver's reconnect notice is expected.
  const hub = createEventHub({ protocol, onError: () => undefined });
  let count = 0;
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  hub.on(name, () => {
    if (++count === n) done();
  });
  return { hub, all, count: () => count };
}

async function sse(n: number): Promise<EventsBenchRow> {
  const bodies = Array.from({ length: n }, (_, i) => milkyEvent(i));
  const text = bodies.map((b) => `event: milky_event\ndata: ${b}\n\n`).join('');
  const http = createServer((_q, res) => res.writeHead(200, { 'content-type': 'text/event-stream' }).end(text));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  const { hub, all, count } = countingHub(milky, 'message_receive', n);
  const receiver = createSseReceiver({ protocol: milky, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, sink: hub, initialDelayMs: 60_000 });
  const start = performance.now();
  await receiver.start();
  await all;
  const seconds = (performance.now() - start) / 1000;
  await receiver.close();
  await new Promise<void>((r) => (http.close(() => r()), http.closeAllConnections()));
  // The raw side for SSE includes the framing: the same text through SseParser + parseJson.
  const rawStart = performance.now();
  const parser = new SseParser((m) => parseJson(m.data));
  parser.feed(text);
  const rawPerSecond = n / ((performance.now() - rawStart) / 1000);
  return { delivery: 'Milky SSE', events: n, delivered: count(), perSecond: n / seconds, rawPerSecond };
}

async function ws(n: number): Promise<EventsBenchRow> {
  const bodies = Array.from({ length: n }, (_, i) => milkyEvent(i));
  const http = createServer();
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
  wss.on('connection', (socket) => {
    for (const b of bodies) socket.send(b);
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  const { hub, all, count } = countingHub(milky, 'message_receive', n);
  const receiver = createWsEventReceiver({ protocol: milky, url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}`, sink: hub, initialDelayMs: 60_000 });
  const start = performance.now();
  await receiver.start();
  await all;
  const seconds = (performance.now() - start) / 1000;
  await receiver.close();
  for (const c of wss.clients) c.terminate();
  wss.close();
  await new Promise<void>((r) => (http.close(() => r()), http.closeAllConnections()));
  return { delivery: 'Milky WebSocket', events: n, delivered: count(), perSecond: n / seconds, rawPerSecond: rawRate(bodies) };
}

/** The same POSTs against a bare `node:http` server that only answers 204: the loopback HTTP ceiling. */
async function bareHttp(n: number): Promise<EventsBenchRow> {
  const bodies = Array.from({ length: n }, (_, i) => onebot11Event(i));
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  const seconds = await postAll(port, bodies, bodies.map(() => ''));
  await new Promise<void>((r) => (server.close(() => r()), server.closeAllConnections()));
  return { delivery: 'bare node:http 204 server (no qqwire), same POSTs', events: n, delivered: n, perSecond: n / seconds, rawPerSecond: rawRate(bodies) };
}

async function postAll(port: number, bodies: string[], signatures: string[], done?: Promise<void>): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const send = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', agent, headers: { 'content-type': 'application/json', 'x-signature': signatures[i]! } }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end(bodies[i]);
    });
  const start = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < bodies.length) await send(next++);
  }));
  await done;
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  return seconds;
}

async function httpPost(n: number): Promise<EventsBenchRow> {
  const secret = 'bench-secret';
  const bodies = Array.from({ length: n }, (_, i) => onebot11Event(i));
  const { hub, all, count } = countingHub(onebot11, 'message.group', n);
  const receiver = createWebhookReceiver({ protocol: onebot11, port: 0, host: '127.0.0.1', secret, sink: hub });
  await receiver.start();
  const signatures = bodies.map((b) => 'sha1=' + createHmac('sha1', secret).update(b).digest('hex'));
  const seconds = await postAll(receiver.port!, bodies, signatures, all);
  await receiver.close();
  return { delivery: 'OneBot 11 HTTP POST (HMAC, 8 connections)', events: n, delivered: count(), perSecond: n / seconds, rawPerSecond: rawRate(bodies) };
}

export async function benchEvents(n: number): Promise<EventsBenchRow[]> {
  const posts = Math.max(1, Math.floor(n / 4));
  return [await sse(n), await ws(n), await bareHttp(posts), await httpPost(posts)];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = process.argv.indexOf('--events');
  const n = arg > 0 ? Number(process.argv[arg + 1]) : 20_000;
  const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
  console.log('| delivery | events | events/s (receiver + hub) | raw parse events/s | share |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const r of await benchEvents(n)) {
    console.log(`| ${r.delivery} | ${r.events} | ${fmt(r.perSecond)} | ${fmt(r.rawPerSecond)} | ${((r.perSecond / r.rawPerSecond) * 100).toFixed(1)}% |`);
  }
}
