/**
 * WebSocket calls/s: the generated OneBot 11 client (send_private_msg with a small message, params and
 * result validation on) next to a bare `ws` loop (raw JSON frames, echo matching by hand), against the
 * same loopback server, each for a fixed time at a fixed number of calls in flight.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/ws.js [--seconds 3]
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { createOnebot11Client } from 'qqwire/onebot11';

const secondsArg = process.argv.indexOf('--seconds');
const SECONDS = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 3;
const DURATION_MS = (Number.isFinite(SECONDS) && SECONDS > 0 ? SECONDS : 3) * 1000;
const CONCURRENCY = [1, 64];

/** The server: answers every frame with an ok envelope carrying its echo. */
async function startServer(): Promise<{ url: string; close(): Promise<void> }> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
  wss.on('connection', (ws) => {
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString('utf8')) as { echo: string };
      ws.send(`{"status":"ok","retcode":0,"data":{"message_id":123456},"echo":${JSON.stringify(frame.echo)}}`);
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  return {
    url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}`,
    async close() {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}

/** Keeps `concurrency` calls in flight for `ms`; returns completed calls per second. */
async function measure(call: (i: number) => Promise<unknown>, concurrency: number, ms: number): Promise<number> {
  let done = 0;
  let i = 0;
  const end = performance.now() + ms;
  const started = performance.now();
  const worker = async () => {
    while (performance.now() < end) {
      await call(i++);
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return done / ((performance.now() - started) / 1000);
}

/** The bare loop: one ws client, JSON frames, a Map from echo to resolver. */
async function bareClient(url: string) {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const pending = new Map<string, (v: unknown) => void>();
  let seq = 0;
  ws.on('message', (data: Buffer) => {
    const msg = JSON.parse(data.toString('utf8')) as { echo: string; data: unknown };
    const resolve = pending.get(msg.echo);
    if (resolve) {
      pending.delete(msg.echo);
      resolve(msg.data);
    }
  });
  return {
    call(userId: number): Promise<unknown> {
      const echo = `b${++seq}`;
      return new Promise((resolve) => {
        pending.set(echo, resolve);
        ws.send(JSON.stringify({ action: 'send_private_msg', params: { user_id: userId, message: 'hello' }, echo }));
      });
    },
    close: () =>
      new Promise<void>((r) => {
        ws.once('close', () => r());
        ws.close();
      }),
  };
}

async function main(): Promise<void> {
  const server = await startServer();
  const client = createOnebot11Client({ baseUrl: server.url, validate: { params: 'throw', result: 'throw' } });
  const bare = await bareClient(server.url);
  const qq = (i: number) => client.sendPrivateMsg({ user_id: 10001 + (i % 1000), message: 'hello' });
  const raw = (i: number) => bare.call(10001 + (i % 1000));
  // Warm up both paths (JIT, socket buffers).
  await measure(qq, 16, 300);
  await measure(raw, 16, 300);

  const rows: { concurrency: number; qqwire: number; bare: number }[] = [];
  for (const concurrency of CONCURRENCY) {
    const qqwire = await measure(qq, concurrency, DURATION_MS);
    const b = await measure(raw, concurrency, DURATION_MS);
    rows.push({ concurrency, qqwire, bare: b });
  }
  await client.close();
  await bare.close();
  await server.close();

  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  console.log(`WebSocket calls/s, loopback, ${DURATION_MS / 1000} s per run (node ${process.version})`);
  console.log('| in flight | qqwire onebot11 (validated) | bare ws + echo map | qqwire / bare |');
  console.log('|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.concurrency} | ${fmt(r.qqwire)} | ${fmt(r.bare)} | ${(r.qqwire / r.bare).toFixed(2)} |`);
}

await main();
