/**
 * Simulator faults → the client's typed errors and behaviour (OneBot 11 over HTTP and forward WS;
 * Milky's are in sim-milky).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { createOnebot11Client, protocol } from 'qqwire/onebot11';
import { createWsTransport, DisconnectedError, Int64PrecisionError, onEvents, RateLimitError, ResponseValidationError, staticTokenAuth, TimeoutError } from '../runtime/index.js';
import { startSimulator, type Faults } from '../sim/index.js';

const ALICE = 20002000;
const BOB = 20003000;

async function withSim(faults: Faults, body: (urls: Readonly<Record<string, string>>, sim: Awaited<ReturnType<typeof startSimulator>>) => Promise<void>): Promise<void> {
  const sim = await startSimulator({ protocol: 'onebot11', faults });
  try {
    await body(sim.urls, sim);
  } finally {
    await sim.close();
  }
}
const wsClient = (url: string, extra: object = {}) => {
  const transport = createWsTransport({ protocol, url, auth: staticTokenAuth(protocol.auth, undefined), maxAttempts: 1, ...extra });
  return { transport, client: createOnebot11Client({ transport, validate: { result: 'throw' } }) };
};

describe('simulator faults (OneBot 11)', () => {
  it('latencyMs past the call timeout → TimeoutError', () =>
    withSim({ latencyMs: 300 }, async (urls) => {
      const client = createOnebot11Client({ baseUrl: urls['http'], timeoutMs: 50 });
      await assert.rejects(client.getLoginInfo(), (e) => e instanceof TimeoutError);
    }));

  it('rateLimit → RateLimitError carrying Retry-After', () =>
    withSim({ rateLimit: { every: 1, retryAfter: 3 } }, async (urls) => {
      const client = createOnebot11Client({ baseUrl: urls['http'] });
      await assert.rejects(client.getLoginInfo(), (e) => e instanceof RateLimitError && e.retryAfterMs === 3000);
    }));

  it('bigIntegers: ids past 2^53 are refused in number mode (never rounded) and exact in bigint and string modes', () =>
    withSim({ bigIntegers: true }, async (urls) => {
      const exact = 2n ** 53n + 10001000n;
      const numbers = createOnebot11Client({ baseUrl: urls['http'], validate: { result: 'throw' } });
      await assert.rejects(numbers.getLoginInfo(), (e) => e instanceof Int64PrecisionError && /user_id/.test(e.message));
      const bigints = createOnebot11Client({ baseUrl: urls['http'], int64: 'bigint', validate: { result: 'throw' } });
      assert.equal((await bigints.getLoginInfo()).user_id, exact);
      const strings = createOnebot11Client({ baseUrl: urls['ws'], int64: 'string', validate: { result: 'throw' } });
      assert.deepEqual((await strings.getGroupList({})).map((g) => typeof g.group_id), ['string']);
      assert.equal((await strings.getLoginInfo()).user_id, exact.toString());
      await strings.close();
    }));

  it('invalidResponse → ResponseValidationError naming the action', () =>
    withSim({ invalidResponse: ['get_login_info'] }, async (urls) => {
      const client = createOnebot11Client({ baseUrl: urls['http'], validate: { result: 'throw' } });
      await assert.rejects(client.getLoginInfo(), (e) => e instanceof ResponseValidationError && /get_login_info/.test(e.message));
    }));

  it('reorderWs: answers come back in reverse order, and each call still gets its own answer', () =>
    withSim({ reorderWs: true }, async (urls) => {
      const raw = new WebSocket(urls['ws']!);
      await new Promise((r) => raw.once('open', r));
      const echoes: string[] = [];
      const two = new Promise<void>((resolve) => raw.on('message', (d) => void (echoes.push((JSON.parse(String(d)) as { echo: string }).echo) === 2 && resolve())));
      raw.send(JSON.stringify({ action: 'get_login_info', params: {}, echo: 'first' }));
      raw.send(JSON.stringify({ action: 'get_login_info', params: {}, echo: 'second' }));
      await two;
      raw.close();
      assert.deepEqual(echoes, ['second', 'first']);
      const { transport, client } = wsClient(urls['ws']!);
      const [a, b] = await Promise.all([client.getStrangerInfo({ user_id: ALICE }), client.getStrangerInfo({ user_id: BOB })]);
      await transport.close();
      assert.deepEqual([a.nickname, b.nickname], ['alice', 'bob']);
    }));

  it('dropAfterFrames: the connection drops after N frames; the call in flight settles with DisconnectedError', () =>
    withSim({ dropAfterFrames: 1 }, async (urls) => {
      const { transport, client } = wsClient(urls['ws']!);
      const results = await Promise.allSettled([client.getLoginInfo(), client.getStrangerInfo({ user_id: ALICE })]);
      await transport.close();
      assert.equal(results[0].status, 'fulfilled');
      assert.ok(results[1].status === 'rejected' && results[1].reason instanceof DisconnectedError, String((results[1] as PromiseRejectedResult).reason));
    }));

  it('duplicateEvents: every event arrives twice (the same message_id)', () =>
    withSim({ duplicateEvents: true }, async (urls, sim) => {
      const { transport, client } = wsClient(urls['ws']!);
      await client.getLoginInfo();
      const ids: number[] = [];
      const two = new Promise<void>((resolve) => onEvents(transport, (e) => void (ids.push((e as { message_id: number }).message_id) === 2 && resolve())));
      const m = sim.world.userSends({ from: ALICE, group: 30001000, text: 'twice' });
      await two;
      await transport.close();
      assert.deepEqual(ids, [m.id, m.id]);
    }));
});
