/**
 * The OneBot 11 family simulator (onebot11, gocqhttp, shamrock: one front end, three protocol.json)
 * against each generated client over real HTTP and forward WebSocket: every action answers a
 * schema-valid result, state is consistent, events arrive valid, failures use each dialect's codes.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ApiError, createWsTransport, HttpError, onEvents, staticTokenAuth, type ProtocolDescriptor, type Validator } from '../runtime/index.js';
import { startSimulator, World, type Simulator } from '../sim/index.js';
import { HANDLERS } from '../sim/front/onebot11/handlers.js';
import { actionCases, loadProtocolJson } from './helpers/schema-sample.js';

const TOKEN = 'ob-token';
const ALICE = 20002000;
const GROUP = 30001000;
type Client = Record<string, (p?: unknown) => Promise<unknown>> & { core: { transport: unknown; call(action: string, params: unknown): Promise<unknown> } };
interface Mod {
  protocol: ProtocolDescriptor;
  createClient(o: unknown): Client;
  eventValidators: Record<string, Validator<unknown>>;
}
/** What each dialect answers for a bad request (HTTP status when no envelope), from the issue. */
/** A world-backed action on a missing entity: the dialect's business code (OneBot 11 leaves it open). */
const NOT_FOUND: Record<string, number> = { onebot11: 100, gocqhttp: 100, shamrock: 35000 };
const BAD_REQUEST: Record<string, { http: number | string; ws: number }> = {
  onebot11: { http: 'HTTP 400', ws: 1400 },
  gocqhttp: { http: 100, ws: 100 },
  shamrock: { http: 10003, ws: 10003 },
};

const methodOf = (client: object, action: string) => Object.keys(client).find((k) => k.toLowerCase() === action.replaceAll('_', '').toLowerCase());

for (const name of ['onebot11', 'gocqhttp', 'shamrock'] as const) {
  describe(`${name} simulator`, () => {
    let sim: Simulator;
    let mod: Mod;
    let http: Client;
    before(async () => {
      mod = (await import(`qqwire/${name}`)) as Mod;
      sim = await startSimulator({ protocol: name, token: TOKEN });
      http = mod.createClient({ baseUrl: sim.urls['http'], accessToken: TOKEN, validate: { result: 'throw' } });
    });
    after(() => sim.close());

    it('every action answers a schema-valid result (world-backed ones: a typed business error for a missing entity)', async () => {
      const cases = actionCases(name, (a) => !mod.protocol.actions[a]?.result);
      let answered = 0;
      for (const c of cases) {
        try {
          await http.core.call(c.action, c.params);
          answered++;
        } catch (e) {
          const def = loadProtocolJson(name).actions[c.action]!;
          const base = def['variant-of']?.action ?? def['alias-of'] ?? c.action;
          assert.ok(e instanceof ApiError && e.retcode === NOT_FOUND[name] && base in HANDLERS, `${c.action}: ${String(e)}`);
        }
      }
      assert.ok(answered > cases.length / 2, `only ${answered} of ${cases.length} answered`);
    });

    it('the default world is discoverable; send → get → history → forward → recall agree', async () => {
      assert.deepEqual(await http['getLoginInfo']!(), { user_id: 10001000, nickname: 'qqwire-bot' });
      const groups = (await http['getGroupList']!({})) as { group_id: number }[];
      assert.deepEqual(groups.map((g) => g.group_id), [GROUP]);
      const sent = (await http['sendGroupMsg']!({ group_id: GROUP, message: 'hi [CQ:at,qq=20002000]' })) as { message_id: number };
      const got = (await http['getMsg']!({ message_id: sent.message_id })) as { message: unknown; sender: { user_id: number } };
      assert.deepEqual(got.message, [{ type: 'text', data: { text: 'hi ' } }, { type: 'at', data: { qq: String(ALICE) } }]);
      assert.equal(got.sender.user_id, 10001000);
      if (methodOf(http, 'get_group_msg_history')) {
        const page = (await http['getGroupMsgHistory']!({ group_id: GROUP, count: 1 })) as { messages: { message_id: number }[] };
        assert.deepEqual(page.messages.map((m) => m.message_id), [sent.message_id]);
      }
      if (methodOf(http, 'send_group_forward_msg')) {
        const fwd = (await http['sendGroupForwardMsg']!({ group_id: GROUP, messages: [{ type: 'node', data: { name: 'alice', uin: String(ALICE), content: 'quoted' } }] })) as { message_id: number };
        const m = (await http['getMsg']!({ message_id: fwd.message_id })) as { message: { type: string; data: { id: string } }[] };
        assert.equal(m.message[0]!.type, 'forward');
        const nodes = JSON.stringify(await http['getForwardMsg']!({ id: m.message[0]!.data.id }));
        assert.match(nodes, /quoted/);
      }
      await http['deleteMsg']!({ message_id: sent.message_id });
      await assert.rejects(http['getMsg']!({ message_id: sent.message_id }), (e) => e instanceof ApiError);
    });

    it(`a bad request gets ${name}'s own code over HTTP and WS`, async () => {
      const res = await fetch(`${sim.urls['http']}/send_group_msg`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: '{"group_id":"x"}' });
      const expected = BAD_REQUEST[name]!;
      if (typeof expected.http === 'string') assert.equal(`HTTP ${res.status}`, expected.http);
      else assert.equal(((await res.json()) as { retcode: number }).retcode, expected.http);
      const ws = new (await import('ws')).WebSocket(sim.urls['ws']!, { headers: { authorization: `Bearer ${TOKEN}` } });
      await new Promise((r) => ws.once('open', r));
      ws.send(JSON.stringify({ action: 'send_group_msg', params: { group_id: 'x' }, echo: 'e1' }));
      const frame = JSON.parse(String(await new Promise((r) => ws.once('message', r)))) as { retcode: number; echo: string };
      ws.close();
      assert.deepEqual([frame.retcode, frame.echo], [expected.ws, 'e1']);
    });

    it('a wrong token is refused', async () => {
      const bad = mod.createClient({ baseUrl: sim.urls['http'], accessToken: 'wrong' });
      await assert.rejects(bad['getLoginInfo']!(), (e) => (e instanceof HttpError && e.status === 403) || (e instanceof ApiError && e.retcode === 403));
    });

    it('user messages and recalls arrive over forward WS as valid events; the client calls over the same socket', async () => {
      const transport = createWsTransport({ protocol: mod.protocol, url: sim.urls['ws']!, auth: staticTokenAuth(mod.protocol.auth, TOKEN) });
      const ws = mod.createClient({ transport, validate: { result: 'throw' } });
      const seen: Record<string, unknown>[] = [];
      const two = new Promise<void>((resolve) => onEvents(transport, (e) => void (seen.push(e as Record<string, unknown>) === 2 && resolve())));
      assert.equal(((await ws['getLoginInfo']!()) as { user_id: number }).user_id, 10001000);
      const m = sim.world.userSends({ from: ALICE, group: GROUP, text: 'ping' });
      sim.world.recall(m, m.seq, ALICE);
      await two;
      await transport.close();
      assert.deepEqual(seen.map((e) => `${String(e['post_type'])}.${String(e['message_type'] ?? e['notice_type'])}`), ['message.group', 'notice.group_recall']);
      assert.equal(mod.eventValidators['message.group']!.check(seen[0]), undefined);
      assert.equal(mod.eventValidators['notice.group_recall']!.check(seen[1]), undefined);
      assert.deepEqual([seen[0]!['raw_message'], seen[1]!['message_id']], ['ping', m.id]);
    });
  });
}

describe('OneBot 11 HTTP POST events and a shared world', () => {
  it('events are POSTed with X-Self-ID and an HMAC-SHA1 X-Signature; a Milky sim on the same world sees a OneBot send', async () => {
    const got: { headers: Record<string, unknown>; body: string }[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += String(c)));
      req.on('end', () => {
        got.push({ headers: req.headers, body });
        res.end('{}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const world = new World();
    const ob = await startSimulator({ protocol: 'onebot11', world, secret: 's3cret', webhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/` });
    const milky = await startSimulator({ protocol: 'milky', world });
    try {
      world.userSends({ from: ALICE, text: 'private hello' });
      await ob.flush();
      assert.equal(got.length, 1);
      assert.equal(got[0]!.headers['x-self-id'], '10001000');
      assert.equal(got[0]!.headers['x-signature'], `sha1=${createHmac('sha1', 's3cret').update(got[0]!.body).digest('hex')}`);
      assert.equal((JSON.parse(got[0]!.body) as { message_type: string }).message_type, 'private');
      const { createClient } = (await import('qqwire/onebot11')) as unknown as Mod;
      const sent = (await createClient({ baseUrl: ob.urls['http'] })['sendGroupMsg']!({ group_id: GROUP, message: 'cross' })) as { message_id: number };
      const { createMilkyClient } = await import('qqwire/milky');
      const hist = await createMilkyClient({ baseUrl: milky.baseUrl }).getHistoryMessages({ message_scene: 'group', peer_id: GROUP, limit: 1 });
      assert.deepEqual(hist.messages[0]!.segments, [{ type: 'text', data: { text: 'cross' } }]);
      assert.equal(world.byMessageId(sent.message_id)?.seq, hist.messages[0]!.message_seq);
    } finally {
      await ob.close();
      await milky.close();
      receiver.close();
    }
  });
});
