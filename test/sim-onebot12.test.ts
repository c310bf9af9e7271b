/**
 * The OneBot 12 simulator against the generated OneBot 12 client over HTTP and WebSocket: every
 * action answers a schema-valid result, send → get → delete agree, events arrive valid, bad params
 * are 10003 and a bad token HTTP 401.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createOnebot12Client, protocol, validators } from 'qqwire/onebot12';
import { ApiError, createWsTransport, HttpError, onEvents, staticTokenAuth } from '../runtime/index.js';
import { HANDLERS } from '../sim/front/onebot12/handlers.js';
import { startSimulator, type Simulator } from '../sim/index.js';
import { actionCases } from './helpers/schema-sample.js';

const TOKEN = 'ob12-token';
const LOGIC_ERROR = 35000;

describe('OneBot 12 simulator', () => {
  let sim: Simulator;
  let client: ReturnType<typeof createOnebot12Client>;
  before(async () => {
    sim = await startSimulator({ protocol: 'onebot12', token: TOKEN });
    client = createOnebot12Client({ baseUrl: sim.urls['http']!.replace(/\/$/, ''), accessToken: TOKEN, validate: { result: 'throw' } });
  });
  after(() => sim.close());

  it('every action answers a schema-valid result (world-backed: LOGIC_ERROR for a missing entity)', async () => {
    let answered = 0;
    const cases = actionCases('onebot12', (a) => !protocol.actions[a]?.result);
    for (const c of cases) {
      try {
        await client.core.call(c.action, c.params);
        answered++;
      } catch (e) {
        assert.ok(e instanceof ApiError && e.retcode === LOGIC_ERROR && c.action in HANDLERS, `${c.action}: ${String(e)}`);
      }
    }
    assert.ok(answered > cases.length / 2, `${answered} of ${cases.length}`);
  });

  it('the default world through get_self_info / get_group_list; send → get → delete', async () => {
    assert.deepEqual(await client.getSelfInfo(), { user_id: '10001000', user_name: 'qqwire-bot', user_displayname: '' });
    assert.deepEqual((await client.getGroupList()).map((g) => g.group_id), ['30001000']);
    const sent = await client.sendMessage({ detail_type: 'group', group_id: '30001000', message: [{ type: 'text', data: { text: 'twelve' } }] });
    const got = await client.getMessage({ message_id: sent.message_id });
    assert.deepEqual([got.message, got.alt_message, got.group_id], [[{ type: 'text', data: { text: 'twelve' } }], 'twelve', '30001000']);
    await client.deleteMessage({ message_id: sent.message_id });
    await assert.rejects(client.getMessage({ message_id: sent.message_id }), (e) => e instanceof ApiError && e.retcode === LOGIC_ERROR);
  });

  it('bad params → retcode 10003; bad token → HTTP 401', async () => {
    const res = await fetch(sim.urls['http']!, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ action: 'get_user_info', params: { user_id: 1 } }) });
    assert.equal(((await res.json()) as { retcode: number }).retcode, 10003);
    const bad = createOnebot12Client({ baseUrl: sim.urls['http']!.replace(/\/$/, ''), accessToken: 'nope' });
    await assert.rejects(bad.getSelfInfo(), (e) => e instanceof HttpError && e.status === 401);
  });

  it('message and delete events arrive over WebSocket, valid against the schema', async () => {
    const transport = createWsTransport({ protocol, url: sim.urls['ws']!, auth: staticTokenAuth(protocol.auth, TOKEN) });
    const ws = createOnebot12Client({ transport });
    await ws.getSelfInfo();
    const seen: Record<string, unknown>[] = [];
    const two = new Promise<void>((resolve) => onEvents(transport, (e) => void (seen.push(e as Record<string, unknown>) === 2 && resolve())));
    const m = sim.world.userSends({ from: 20002000, group: 30001000, text: 'hi 12' });
    sim.world.recall(m, m.seq, 20002000);
    await two;
    await transport.close();
    assert.deepEqual(seen.map((e) => `${String(e['type'])}.${String(e['detail_type'])}`), ['message.group', 'notice.group_message_delete']);
    assert.equal(validators.MessageEvent.check(seen[0]), undefined);
    assert.equal(validators.Event.check(seen[1]), undefined);
    assert.equal(seen[0]!['alt_message'], 'hi 12');
  });
});
