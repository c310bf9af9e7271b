/**
 * Run as a child process by the tests: exercises a transport (or the reverse server) through a
 * scenario, closes everything, then reports the handles still alive. The parent asserts that this
 * process exits by itself, with no timer or socket left.
 *
 *   node dist/test/helpers/exit-check.js <scenario>
 */
import { createServer } from 'node:net';
import { createOnebot11Client, protocol } from 'qqwire/onebot11';
import { staticTokenAuth } from '../../runtime/auth.js';
import { DisconnectedError } from '../../runtime/errors.js';
import { createReverseWsServer } from '../../runtime/reverse-ws.js';
import { createWsTransport } from '../../runtime/ws-transport.js';
import { FakeOneBot, ok } from './fake-onebot.js';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const scenarios: Record<string, () => Promise<void>> = {
  /** Connect, call, receive events, close. */
  async used() {
    const fake = new FakeOneBot();
    const url = await fake.startWs();
    fake.respond = () => ok({ message_id: 1 });
    const client = createOnebot11Client({ baseUrl: url });
    await client.sendPrivateMsg({ user_id: 10001, message: 'hi' });
    await client.close();
    await fake.close();
  },
  /** Close while reconnecting (a backoff timer is armed) with a call queued. */
  async reconnecting() {
    const port = await freePort();
    const transport = createWsTransport({
      protocol,
      url: `ws://127.0.0.1:${port}`,
      auth: staticTokenAuth(protocol.auth, undefined),
      // A leaked backoff timer would keep the process alive for a minute.
      initialDelayMs: 60_000,
      maxDelayMs: 60_000,
      random: () => 1,
    });
    await new Promise<void>((r) => transport.on('reconnect', () => r()));
    const client = createOnebot11Client({ transport, timeoutMs: 60_000 });
    const call = client.sendPrivateMsg({ user_id: 10001, message: 'queued' }).catch((e: unknown) => e);
    await client.close();
    const error = await call;
    if (!(error instanceof DisconnectedError)) throw new Error(`queued call: ${String(error)}`);
  },
  /** Close right after creation (still connecting), and a call in flight on a server that never answers. */
  async inflight() {
    const fake = new FakeOneBot();
    const url = await fake.startWs();
    fake.respond = () => ({ none: true });
    const early = createOnebot11Client({ baseUrl: url });
    await early.close();
    const client = createOnebot11Client({ baseUrl: url, timeoutMs: 60_000 });
    const call = client.sendPrivateMsg({ user_id: 10001, message: 'never answered' }).catch((e: unknown) => e);
    while (fake.calls.length === 0) await new Promise((r) => setTimeout(r, 5));
    await client.close();
    const error = await call;
    if (!(error instanceof DisconnectedError)) throw new Error(`in-flight call: ${String(error)}`);
    await fake.close();
  },
  /** A reverse server with a connected bot, a waiting waitForBot and a pending call. */
  async reverse() {
    const server = createReverseWsServer({ protocol, port: 0, host: '127.0.0.1', accessToken: 't' });
    const { port } = await server.ready();
    const fake = new FakeOneBot();
    fake.respond = () => ({ none: true });
    await fake.connectReverse(`ws://127.0.0.1:${port}`, { selfId: '10001', token: 't' });
    await server.waitForBot('10001');
    const waiting = server.waitForBot('20002');
    const client = createOnebot11Client({ transport: server.bot('10001'), timeoutMs: 60_000 });
    const call = client.sendPrivateMsg({ user_id: 1, message: 'x' });
    const settled = Promise.allSettled([waiting, call]);
    await server.close();
    const results = await settled;
    if (results.some((r) => r.status !== 'rejected' || !(r.reason instanceof DisconnectedError))) throw new Error('not rejected');
    await fake.close();
  },
};

const name = process.argv[2] ?? '';
const run = scenarios[name];
if (!run) throw new Error(`unknown scenario ${name}`);
await run();
// Sockets closed just now leave the list once libuv has run their close callbacks.
await new Promise((r) => setTimeout(r, 100));
// What keeps the event loop alive now (stdout pipes aside) would keep the process from exiting.
const alive = process.getActiveResourcesInfo().filter((r) => r !== 'PipeWrap' && r !== 'TTYWrap');
process.stdout.write(JSON.stringify({ scenario: name, alive }) + '\n');
