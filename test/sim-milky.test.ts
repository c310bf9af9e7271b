/**
 * The Milky simulator against the generated Milky client over real sockets: every action answers
 * (world-backed or schema sample) with a result the client validates and milky-types' zod accepts;
 * state is consistent (send → get → history → recall → forward); events arrive over SSE and WS.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Event as MilkyEvent, zodApiCategories } from '@saltify/milky-types';
import { ApiError, RateLimitError, ResponseValidationError } from '../runtime/index.js';
import { createSseReceiver, createWsEventReceiver } from '../runtime/events-entry.js';
import { createMilkyClient, createMilkyEventHub, protocol } from 'qqwire/milky';
import { startSimulator, type Simulator } from '../sim/index.js';
import { HANDLERS } from '../sim/front/milky/handlers.js';
import { actionCases } from './helpers/schema-sample.js';
import type { ZodLike } from './helpers/zod-cases.js';

const TOKEN = 'sim-token';
const ALICE = 20002000;
const GROUP = 30001000;
const categories = zodApiCategories as unknown as Record<string, { apis: Record<string, { responseSchema: ZodLike | null }> }>;
const zodResult = new Map(Object.values(categories).flatMap((c) => Object.entries(c.apis).map(([n, s]) => [n, s.responseSchema] as const)));
const HANDLED_NOT_FOUND = -404;

describe('Milky simulator', () => {
  let sim: Simulator;
  const bodies: { action: string; body: Record<string, unknown> }[] = [];
  const recordingFetch: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    const action = String(input).split('/').pop()!;
    bodies.push({ action, body: (await res.clone().json()) as Record<string, unknown> });
    return res;
  };
  let client: ReturnType<typeof createMilkyClient>;
  before(async () => {
    sim = await startSimulator({ protocol: 'milky', token: TOKEN });
    client = createMilkyClient({ baseUrl: sim.urls['api']!.replace(/\/api$/, ''), accessToken: TOKEN, fetch: recordingFetch, validate: { result: 'throw' } });
  });
  after(() => sim.close());

  it('the default world is discoverable through the protocol actions', async () => {
    assert.deepEqual(await client.getLoginInfo(), { uin: 10001000, nickname: 'qqwire-bot' });
    const friends = await client.getFriendList({});
    assert.deepEqual(friends.friends.map((f) => f.nickname), ['alice', 'bob']);
    const groups = await client.getGroupList({});
    assert.deepEqual(groups.groups.map((g) => [g.group_id, g.member_count]), [[GROUP, 4]]);
    const members = await client.getGroupMemberList({ group_id: GROUP });
    assert.equal(members.members.find((m) => m.user_id === ALICE)?.role, 'owner');
  });

  it('every action answers a schema-valid result (or, world-backed, a typed NOT_FOUND for a missing entity)', async () => {
    const cases = actionCases('milky', (a) => !protocol.actions[a]?.result);
    let answered = 0;
    for (const c of cases) {
      try {
        await (client.core as unknown as { call(a: string, p: unknown): Promise<unknown> }).call(c.action, c.params);
        answered++;
      } catch (e) {
        assert.ok(e instanceof ApiError && e.retcode === HANDLED_NOT_FOUND && c.action in HANDLERS, `${c.action}: ${String(e)}`);
      }
    }
    assert.ok(answered > cases.length / 2, `only ${answered} of ${cases.length} answered`);
    for (const { action, body } of bodies) {
      const zod = zodResult.get(action);
      if (zod && body['status'] === 'ok') assert.equal(zod.safeParse(body['data']).success, true, `milky-types rejects ${action}: ${JSON.stringify(body).slice(0, 300)}`);
    }
  });

  it('send → get → history pages → forward → recall, consistent in Milky incoming form', async () => {
    const sent = await client.sendGroupMessage({ group_id: GROUP, message: [{ type: 'text', data: { text: 'one' } }, { type: 'image', data: { uri: 'https://example.invalid/a.png' } }] });
    const first = { message_seq: Number(sent.message_seq) };
    const got = await client.getMessage({ message_scene: 'group', peer_id: GROUP, message_seq: first.message_seq });
    assert.equal(got.message.sender_id, 10001000);
    const image = got.message.segments[1]!;
    assert.equal(image.type, 'image');
    const resourceId = (image as { data: { resource_id: string } }).data.resource_id;
    assert.match((await client.getResourceTempUrl({ resource_id: resourceId })).url, /^https:\/\//);
    for (const text of ['two', 'three', 'four']) await client.sendGroupMessage({ group_id: GROUP, message: [{ type: 'text', data: { text } }] });
    const page1 = await client.getHistoryMessages({ message_scene: 'group', peer_id: GROUP, limit: 2 });
    assert.deepEqual(page1.messages.map((m) => m.message_seq), [first.message_seq + 2, first.message_seq + 3]);
    const page2 = await client.getHistoryMessages({ message_scene: 'group', peer_id: GROUP, limit: 2, start_message_seq: Number(page1.next_message_seq) });
    assert.deepEqual(page2.messages.map((m) => m.message_seq), [first.message_seq, first.message_seq + 1]);
    const fwd = await client.sendGroupMessage({ group_id: GROUP, message: [{ type: 'forward', data: { messages: [{ user_id: ALICE, sender_name: 'alice', segments: [{ type: 'text', data: { text: 'quoted' } }] }] } }] });
    const fwdMsg = await client.getMessage({ message_scene: 'group', peer_id: GROUP, message_seq: fwd.message_seq });
    const forwardId = (fwdMsg.message.segments[0] as { data: { forward_id: string } }).data.forward_id;
    const nodes = await client.getForwardedMessages({ forward_id: forwardId });
    assert.deepEqual(nodes.messages[0]!.segments, [{ type: 'text', data: { text: 'quoted' } }]);
    await client.recallGroupMessage({ group_id: GROUP, message_seq: first.message_seq });
    await assert.rejects(client.getMessage({ message_scene: 'group', peer_id: GROUP, message_seq: first.message_seq }), (e) => e instanceof ApiError && e.retcodeName === 'NOT_FOUND');
  });

  it('a bad request is retcode -400 and a bad token is HTTP 401', async () => {
    const res = await fetch(`${sim.urls['api']}/send_group_message`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: '{"group_id":"x"}' });
    const body = (await res.json()) as { retcode: number; status: string };
    assert.deepEqual([body.status, body.retcode], ['failed', -400]);
    const bad = createMilkyClient({ baseUrl: sim.baseUrl, accessToken: 'wrong' });
    await assert.rejects(bad.getLoginInfo(), (e: unknown) => (e as { status?: number }).status === 401);
  });

  it('user messages and recalls arrive over SSE and WS as valid Milky events (milky-types agrees)', async () => {
    const seen: { via: string; event: unknown }[] = [];
    const hub = createMilkyEventHub({ validation: 'throw', onError: (e) => assert.fail(e) });
    hub.on('*', (e) => void seen.push({ via: 'hub', event: e }));
    const sse = createSseReceiver({ protocol, url: sim.urls['sse']!, accessToken: TOKEN, sink: hub });
    const ws = createWsEventReceiver({ protocol, url: sim.urls['ws']!, accessToken: TOKEN, sink: hub });
    await sse.start();
    await ws.start();
    const done = new Promise<void>((resolve) => hub.on('*', () => seen.length === 4 && resolve()));
    const m = sim.world.userSends({ from: ALICE, group: GROUP, text: 'hello bot' });
    sim.world.recall({ scene: 'group', peer: GROUP }, m.seq, ALICE);
    await done;
    await sse.close();
    await ws.close();
    const names = seen.map((s) => (s.event as { event_type: string }).event_type).sort();
    assert.deepEqual(names, ['message_recall', 'message_recall', 'message_receive', 'message_receive']);
    for (const s of seen) assert.equal((MilkyEvent as unknown as ZodLike).safeParse(s.event).success, true, JSON.stringify(s.event));
    const received = seen.find((s) => (s.event as { event_type: string }).event_type === 'message_receive')!.event as { data: { segments: unknown[]; sender_id: number } };
    assert.deepEqual([received.data.sender_id, received.data.segments], [ALICE, [{ type: 'text', data: { text: 'hello bot' } }]]);
  });
});

describe('Milky simulator faults', () => {
  it('rateLimit → RateLimitError with retryAfter; invalidResponse → ResponseValidationError', async () => {
    const sim = await startSimulator({ protocol: 'milky', faults: { rateLimit: { every: 2, retryAfter: 7 }, invalidResponse: ['get_login_info'] } });
    try {
      const client = createMilkyClient({ baseUrl: sim.baseUrl, validate: { result: 'throw' } });
      await assert.rejects(client.getLoginInfo(), (e) => e instanceof ResponseValidationError);
      await assert.rejects(client.getFriendList({}), (e) => e instanceof RateLimitError && e.retryAfterMs === 7000);
    } finally {
      await sim.close();
    }
  });
});
