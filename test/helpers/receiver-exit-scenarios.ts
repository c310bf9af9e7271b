/**
 * The event receivers' close() scenarios, run by exit-check.ts in a child process: each leaves a
 * receiver mid-work (backoff timer armed, stream open, keep-alive connection, long poll in flight)
 * and closes it; the child then reports the handles still alive.
 */
import { createServer } from 'node:http';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { protocol as milky } from 'qqwire/milky';
import { protocol as onebot11 } from 'qqwire/onebot11';
import { createOnebot12Client, protocol as onebot12 } from 'qqwire/onebot12';
import { createPollReceiver, createSseReceiver, createWebhookReceiver, createWsEventReceiver } from '../../runtime/events-entry.js';
import { FakeOneBot } from './fake-onebot.js';
import { freePort } from './free-port.js';

const quiet = { onEvent: () => undefined, onError: () => undefined };
// A leaked backoff timer would keep the process alive for a minute.
const slow = { initialDelayMs: 60_000, maxDelayMs: 60_000, random: () => 1 };

async function sseServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const s = createServer((_q, res) => res.writeHead(200, { 'content-type': 'text/event-stream' }).write(': open\n\n'));
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => (s.close(() => r()), s.closeAllConnections())),
  };
}

export const receiverScenarios: Record<string, () => Promise<void>> = {
  /** SSE: one receiver with an open stream, one waiting in backoff. */
  async sse() {
    const server = await sseServer();
    const open = createSseReceiver({ protocol: milky, url: server.url, sink: quiet, ...slow });
    await open.start();
    const retrying = createSseReceiver({ protocol: milky, url: `http://127.0.0.1:${await freePort()}`, sink: quiet, ...slow });
    void retrying.start().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
    await open.close();
    await retrying.close();
    await server.close();
  },
  /** WebSocket: one receiver open (ping timer armed), one waiting in backoff after a refused connection. */
  async ws() {
    const http = createServer();
    const wss = new WebSocketServer({ server: http });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    const open = createWsEventReceiver({ protocol: milky, url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}`, sink: quiet, pingIntervalMs: 60_000, ...slow });
    await open.start();
    await open.close();
    wss.close();
    await new Promise<void>((r) => http.close(() => r()));
    const retrying = createWsEventReceiver({ protocol: milky, url: `ws://127.0.0.1:${await freePort()}`, sink: quiet, ...slow });
    void retrying.start().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
    await retrying.close();
  },
  /** Webhook: a client keeps its keep-alive connection open across close(). */
  async webhook() {
    const receiver = createWebhookReceiver({ protocol: onebot11, port: 0, host: '127.0.0.1', sink: quiet });
    await receiver.start();
    const agent = new Agent({ keepAlive: true, keepAliveMsecs: 60_000 });
    await new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: receiver.port, method: 'POST', path: '/', agent, headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      });
      req.on('error', reject);
      req.end('{"post_type":"meta_event","meta_event_type":"heartbeat"}');
    });
    await receiver.close();
    agent.destroy();
  },
  /** Polling: a long poll the server never answers. */
  async poll() {
    const fake = new FakeOneBot({ actionPath: '/' });
    const base = await fake.startHttp();
    fake.respond = () => ({ none: true });
    const client = createOnebot12Client({ baseUrl: base, timeoutMs: 60_000 });
    const receiver = createPollReceiver({ protocol: onebot12, client, sink: quiet, timeoutMs: 60_000, ...slow });
    await receiver.start();
    while (fake.calls.length === 0) await new Promise((r) => setTimeout(r, 5));
    await receiver.close();
    await client.close();
    await fake.close();
  },
};

