/**
 * QQ official events/s: each receiver next to the raw parse of the same traffic, in one run.
 * - gateway: a loopback gateway writes N dispatch frames after READY; the receiver (seq tracking,
 *   lossless parse, sink call) vs a bare `ws` client that only `JSON.parse`s each frame.
 * - webhook: M signed POSTs (32 in flight); the receiver (ed25519 verify, dedupe, op 12 ack) vs a bare
 *   `node:http` server that reads and `JSON.parse`s the body and answers the same ack.
 * - in memory: `JSON.parse` alone over the same frames, the ceiling.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/qq-events.js
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { protocol } from 'qqwire/qq-official';
import { createQqGateway, createQqWebhookReceiver, qqWebhookSigner } from '../runtime/qq-official-entry.js';

const FRAMES = 50_000;
const POSTS = 4_000;
const IN_FLIGHT = 32;
const READY = '{"op":0,"s":1,"t":"READY","d":{"version":1,"session_id":"s-1","user":{"id":"6158788878435714165","bot":true},"shard":[0,1]}}';
const frame = (s: number) =>
  `{"op":0,"s":${s},"t":"GROUP_AT_MESSAGE_CREATE","id":"GROUP_AT_MESSAGE_CREATE:${s}","d":{"id":"ROBOT1.0_${s}","content":" hello","timestamp":"2024-05-01T12:00:00+08:00","group_openid":"C9F778FE6ADF9D1D1DBE395BF744A33A","author":{"member_openid":"E4F4AEA33253A2797FB897C50B81D7ED"}}}`;
const frames = Array.from({ length: FRAMES }, (_, i) => frame(i + 2));

/** A gateway that answers Identify with READY and then writes every frame. */
async function gatewayServer(): Promise<{ url: string; close(): Promise<void> }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  wss.on('connection', (ws) => {
    ws.send('{"op":10,"d":{"heartbeat_interval":45000}}');
    ws.on('message', (data: Buffer) => {
      if (!data.toString('utf8').startsWith('{"op":2')) return;
      ws.send(READY);
      for (const f of frames) ws.send(f);
    });
  });
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => wss.close(() => r())),
  };
}

async function gatewayReceiver(): Promise<number> {
  const server = await gatewayServer();
  let count = 0;
  let started = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const gateway = createQqGateway({
    protocol,
    url: server.url,
    intents: ['GROUP_AND_C2C_EVENT'],
    auth: { accessToken: async () => 'token', secrets: () => [] },
    sink: {
      onEvent: () => {
        if (count++ === 0) started = performance.now();
        else if (count === FRAMES + 1) done();
      },
    },
  });
  await gateway.start();
  await finished;
  const rate = FRAMES / ((performance.now() - started) / 1000);
  await gateway.close();
  await server.close();
  return rate;
}

async function gatewayRaw(): Promise<number> {
  const server = await gatewayServer();
  let count = 0;
  let started = 0;
  const ws = new WebSocket(server.url, { perMessageDeflate: false });
  await new Promise<void>((resolve) => {
    ws.on('message', (data: Buffer) => {
      const f = JSON.parse(data.toString('utf8')) as { op: number };
      if (f.op === 10) return ws.send('{"op":2,"d":{}}');
      if (count++ === 0) started = performance.now();
      else if (count === FRAMES + 1) resolve();
    });
  });
  const rate = FRAMES / ((performance.now() - started) / 1000);
  ws.terminate();
  await server.close();
  return rate;
}

/** POSTs every body (IN_FLIGHT at a time); returns requests per second. */
async function postAll(url: string, bodies: { body: string; headers: Record<string, string> }[]): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < bodies.length) {
      const { body, headers } = bodies[next++]!;
      const res = await fetch(url, { method: 'POST', headers, body });
      if ((await res.text()) !== '{"op":12}') throw new Error(`unexpected answer ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return bodies.length / ((performance.now() - started) / 1000);
}

async function webhook(): Promise<{ receiver: number; raw: number }> {
  const secret = 'bench-secret-0123456789';
  const signer = qqWebhookSigner(secret);
  const bodies = frames.slice(0, POSTS).map((body) => ({
    body,
    headers: {
      'content-type': 'application/json',
      'x-signature-timestamp': '1725442341',
      'x-signature-ed25519': Buffer.from(signer.sign(Buffer.from('1725442341' + body))).toString('hex'),
    },
  }));
  let delivered = 0;
  const hook = createQqWebhookReceiver({ protocol, clientSecret: secret, host: '127.0.0.1', sink: { onEvent: () => void delivered++ } });
  await hook.start();
  const receiver = await postAll(`http://127.0.0.1:${hook.address()!.port}/`, bodies);
  await hook.close();
  if (delivered !== POSTS) throw new Error(`delivered ${delivered} of ${POSTS}`);

  const bare = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"op":12}');
    });
  });
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', () => r()));
  const raw = await postAll(`http://127.0.0.1:${(bare.address() as AddressInfo).port}/`, bodies);
  await new Promise<void>((r) => {
    bare.close(() => r());
    bare.closeAllConnections();
  });
  return { receiver, raw };
}

function parseOnly(): number {
  const started = performance.now();
  for (const f of frames) JSON.parse(f);
  return FRAMES / ((performance.now() - started) / 1000);
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const row = (cells: string[]) => `| ${cells.join(' | ')} |`;

const gw = await gatewayReceiver();
const gwRaw = await gatewayRaw();
const hook = await webhook();
const parse = parseOnly();
console.log(`QQ official events/s (${FRAMES} gateway frames, ${POSTS} webhook POSTs with ${IN_FLIGHT} in flight, loopback)\n`);
console.log(row(['delivery', 'qqwire receiver', 'bare socket + JSON.parse', 'ratio']));
console.log(row(['---', '---:', '---:', '---:']));
console.log(row(['gateway (WebSocket)', fmt(gw), fmt(gwRaw), `${(gw / gwRaw).toFixed(2)}×`]));
console.log(row(['webhook (HTTP, ed25519)', fmt(hook.receiver), fmt(hook.raw), `${(hook.receiver / hook.raw).toFixed(2)}×`]));
console.log(`\nJSON.parse alone over the same frames, in memory: ${fmt(parse)}/s`);
