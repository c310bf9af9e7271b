/**
 * Run as a child process by the tests: exercises a transport (or the reverse server) through a
 * scenario, closes everything, then reports the handles still alive. The parent asserts that this
 * process exits by itself, with no timer or socket left.
 *
 *   node dist/test/helpers/exit-check.js <scenario>
 *
 * The event receivers' scenarios live in receiver-exit-scenarios.ts.
 */
import { createOnebot11Client, protocol } from 'qqwire/onebot11';
import { staticTokenAuth } from '../../runtime/auth.js';
import { DisconnectedError } from '../../runtime/errors.js';
import { createReverseWsServer } from '../../runtime/reverse-ws.js';
import { createWsTransport } from '../../runtime/ws-transport.js';
import { FakeOneBot, ok } from './fake-onebot.js';
import { protocol as qqOfficial } from 'qqwire/qq-official';
import { createQqGateway, createQqWebhookReceiver } from '../../runtime/qq-official-entry.js';
import { FakeQqGateway, READY_D, dispatch } from './fake-qq-gateway.js';
import { freePort } from './free-port.js';
import { receiverScenarios } from './receiver-exit-scenarios.js';

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
  // ---- QQ official event receivers ----
  /** A gateway at READY with a 60 s heartbeat armed; then close(). */
  async 'qq-gateway-ready'() {
    const fake = new FakeQqGateway();
    fake.hello = '{"op":10,"d":{"heartbeat_interval":60000}}';
    const url = await fake.start();
    const gateway = createQqGateway({ protocol: qqOfficial, url, intents: ['GUILDS'], sink: { onEvent() {} }, auth: { accessToken: async () => 't', secrets: () => [] } });
    const started = gateway.start();
    await fake.frame(0, 2);
    fake.send(fake.last, dispatch(1, 'READY', 'r', READY_D));
    await started;
    await gateway.close();
    await fake.close();
  },
  /** A gateway whose peer is gone: a 60 s backoff timer is armed when close() runs. */
  async 'qq-gateway-reconnecting'() {
    const fake = new FakeQqGateway();
    const url = await fake.start();
    const errors: Error[] = [];
    const gateway = createQqGateway({
      protocol: qqOfficial,
      url,
      intents: ['GUILDS'],
      sink: { onEvent() {}, onError: (e) => errors.push(e) },
      auth: { accessToken: async () => 't', secrets: () => [] },
      initialDelayMs: 60_000,
      maxDelayMs: 60_000,
      random: () => 1,
    });
    void gateway.start().catch(() => undefined);
    await fake.frame(0, 2);
    await fake.close();
    while (gateway.state !== 'reconnecting') await new Promise((r) => setTimeout(r, 5));
    await gateway.close();
  },
  /** A webhook server with a keep-alive connection open; then close(). */
  async 'qq-webhook'() {
    const hook = createQqWebhookReceiver({ protocol: qqOfficial, clientSecret: 'secret', host: '127.0.0.1', sink: { onEvent() {} } });
    await hook.start();
    const { Agent, request } = await import('node:http');
    const agent = new Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: hook.address()!.port, method: 'POST', path: '/', agent }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      });
      req.on('error', reject);
      req.end('{"op":13,"d":{"plain_token":"abc","event_ts":"1"}}');
    });
    await hook.close();
    agent.destroy();
  },
};

const name = process.argv[2] ?? '';
const run = scenarios[name] ?? receiverScenarios[name];
if (!run) throw new Error(`unknown scenario ${name}`);
await run();
// Sockets closed just now leave the list once libuv has run their close callbacks.
await new Promise((r) => setTimeout(r, 100));
// What keeps the event loop alive now (stdout pipes aside) would keep the process from exiting.
const alive = process.getActiveResourcesInfo().filter((r) => r !== 'PipeWrap' && r !== 'TTYWrap');
process.stdout.write(JSON.stringify({ scenario: name, alive }) + '\n');
