/**
 * The runtime's QQ gateway and webhook receivers against the simulator over real sockets: READY and
 * dispatches in the docs' shapes, only the subscribed intents, resume after a dropped socket with no
 * event lost or duplicated, Reconnect (op 7) and Invalid Session (op 9), webhook URL validation and
 * ed25519-signed deliveries, duplicate deliveries de-duplicated by the receiver.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { protocol } from 'qqwire/qq-official';
import { createQqGateway, createQqWebhookReceiver, type QqGateway } from '../runtime/qq-official-entry.js';
import { startQqOfficialSimulator } from '../sim/front/qq-official.js';
import { ALICE, CHANNEL, GROUP, Recorder, simAndClient } from './helpers/sim-qq.js';

async function withGateway(intents: string[], body: (ctx: Awaited<ReturnType<typeof simAndClient>> & { rec: Recorder; gateway: QqGateway }) => Promise<void>, faults = {}) {
  const setup = await simAndClient({ faults });
  const rec = new Recorder();
  const gateway = createQqGateway({ protocol, auth: setup.options.auth, client: setup.client, sink: rec.sink, intents, random: () => 0, initialDelayMs: 1, maxDelayMs: 5 });
  try {
    await gateway.start();
    await body({ ...setup, rec, gateway });
  } finally {
    await gateway.close();
    await Promise.all([setup.client.close(), setup.sim.close()]);
  }
}

describe('qq-official simulator: gateway', () => {
  it('READY carries the session and bot; a group @-message and a C2C message arrive in the docs shapes with increasing s', async () => {
    await withGateway(['GROUP_AND_C2C_EVENT'], async ({ sim, rec, gateway }) => {
      assert.equal(rec.events[0]!.frame['t'], 'READY');
      assert.equal(typeof gateway.sessionId, 'string');
      assert.equal(rec.events[0]!.info.selfId, sim.world.bot.openid);
      const g = sim.world.userSends({ scene: 'group', target: GROUP, from: ALICE, text: 'hello' });
      const c = sim.world.userSends({ scene: 'c2c', from: ALICE, text: 'dm' });
      await rec.until(() => rec.messages.length === 2);
      const [first, second] = rec.messages as [Record<string, any>, Record<string, any>];
      assert.equal(first['t'], 'GROUP_AT_MESSAGE_CREATE');
      assert.deepEqual([first['d'].id, first['d'].group_openid, first['d'].author.member_openid, first['d'].content.trim()], [g.id, GROUP, ALICE, 'hello']);
      assert.equal(second['t'], 'C2C_MESSAGE_CREATE');
      assert.deepEqual([second['d'].id, second['d'].author.user_openid, second['d'].content], [c.id, ALICE, 'dm']);
      assert.ok((second['s'] as number) > (first['s'] as number));
    });
  });

  it('only events matching the intents are dispatched', async () => {
    await withGateway(['GROUP_AND_C2C_EVENT'], async ({ sim, rec }) => {
      sim.world.userSends({ scene: 'channel', target: CHANNEL, from: 'u-alice', text: 'not subscribed' });
      const marker = sim.world.userSends({ scene: 'c2c', from: ALICE, text: 'marker' });
      await rec.until(() => rec.messages.length >= 1);
      assert.deepEqual(rec.messages.map((f) => f['t']), ['C2C_MESSAGE_CREATE']);
      assert.equal((rec.messages[0]!['d'] as { id: string }).id, marker.id);
    });
    await withGateway(['PUBLIC_GUILD_MESSAGES'], async ({ sim, rec }) => {
      sim.world.userSends({ scene: 'channel', target: CHANNEL, from: 'u-alice', text: 'subscribed' });
      await rec.until(() => rec.messages.length >= 1);
      const d = rec.messages[0]!['d'] as Record<string, unknown>;
      assert.deepEqual([rec.messages[0]!['t'], d['channel_id'], d['content']], ['AT_MESSAGE_CREATE', CHANNEL, 'subscribed']);
      assert.equal(protocol.actions['send_channel_message']!.result!.check(d), undefined, 'the payload is a valid Message');
    });
  });

  it('a dropped socket is resumed: the events sent meanwhile are replayed, none lost or duplicated', async () => {
    await withGateway(['GROUP_AND_C2C_EVENT'], async ({ sim, rec, gateway }) => {
      const before = sim.world.userSends({ scene: 'c2c', from: ALICE, text: '1' });
      await rec.until(() => rec.messages.length === 1);
      const session = gateway.sessionId;
      sim.gateway.drop();
      const missed = [2, 3, 4].map((n) => sim.world.userSends({ scene: 'c2c', from: ALICE, text: String(n) }));
      await rec.until(() => rec.events.some((e) => e.frame['t'] === 'RESUMED'));
      const after = sim.world.userSends({ scene: 'c2c', from: ALICE, text: '5' });
      await rec.until(() => rec.messages.length === 5);
      assert.deepEqual(rec.messages.map((f) => (f['d'] as { id: string }).id), [before, ...missed, after].map((m) => m.id));
      assert.equal(gateway.sessionId, session);
      assert.equal(sim.gateway.stats.resumes, 1);
      assert.equal(sim.gateway.stats.identifies, 1);
    });
  });

  it('Reconnect (op 7) resumes the session; Invalid Session (op 9) makes the bot identify again', async () => {
    await withGateway(['GROUP_AND_C2C_EVENT'], async ({ sim, rec, gateway }) => {
      sim.gateway.reconnect();
      await rec.until(() => rec.events.some((e) => e.frame['t'] === 'RESUMED'));
      const first = gateway.sessionId;
      sim.gateway.invalidSession();
      await rec.until(() => rec.events.filter((e) => e.frame['t'] === 'READY').length === 2);
      assert.notEqual(gateway.sessionId, first);
      assert.equal(sim.gateway.stats.identifies, 2);
      const m = sim.world.userSends({ scene: 'c2c', from: ALICE, text: 'after' });
      await rec.until(() => rec.messages.length === 1);
      assert.equal((rec.messages[0]!['d'] as { id: string }).id, m.id);
    });
  });

  it('duplicateEvents: every dispatch is sent twice with the same s and the receiver delivers it once', async () => {
    await withGateway(['GROUP_AND_C2C_EVENT'], async ({ sim, rec }) => {
      const ids = [1, 2].map((n) => sim.world.userSends({ scene: 'c2c', from: ALICE, text: String(n) }).id);
      const marker = sim.world.userSends({ scene: 'c2c', from: ALICE, text: 'end' }).id;
      await rec.until(() => rec.messages.some((f) => (f['d'] as { id: string }).id === marker));
      assert.deepEqual(rec.messages.map((f) => (f['d'] as { id: string }).id), [...ids, marker]);
    }, { duplicateEvents: true });
  });
});

describe('qq-official simulator: webhook', () => {
  async function withWebhook(secret: string, duplicateEvents: boolean, body: (sim: Awaited<ReturnType<typeof startQqOfficialSimulator>>, rec: Recorder) => Promise<void>) {
    const rec = new Recorder();
    const hook = createQqWebhookReceiver({ protocol, clientSecret: secret, sink: rec.sink, host: '127.0.0.1' });
    await hook.start();
    try {
      const sim = await startQqOfficialSimulator({ clientSecret: 'sim-secret-0123', webhookUrl: `http://127.0.0.1:${hook.address()!.port}/`, faults: { duplicateEvents } });
      try {
        await body(sim, rec);
      } finally {
        await sim.close();
      }
    } finally {
      await hook.close();
    }
  }

  it('validates the callback URL, then delivers signed dispatches the receiver verifies', async () => {
    await withWebhook('sim-secret-0123', false, async (sim, rec) => {
      const g = sim.world.userSends({ scene: 'group', target: GROUP, from: ALICE, text: 'via webhook' });
      await sim.flush();
      assert.equal(rec.errors.length, 0);
      assert.equal(rec.events.length, 1);
      const { frame, info } = rec.events[0]!;
      assert.deepEqual([frame['op'], frame['t'], (frame['d'] as { id: string }).id, info.delivery, info.selfId], [0, 'GROUP_AT_MESSAGE_CREATE', g.id, 'webhook', sim.appId]);
      assert.deepEqual(sim.webhook!.stats, { delivered: 1, failed: 0 });
    });
  });

  it('duplicateEvents: each dispatch is posted twice and delivered once', async () => {
    await withWebhook('sim-secret-0123', true, async (sim, rec) => {
      sim.world.userSends({ scene: 'c2c', from: ALICE, text: 'a' });
      sim.world.userSends({ scene: 'c2c', from: ALICE, text: 'b' });
      await sim.flush();
      assert.equal(sim.webhook!.stats.delivered, 4);
      assert.deepEqual(rec.events.map((e) => (e.frame['d'] as { content: string }).content), ['a', 'b']);
    });
  });

  it('a receiver with another secret fails URL validation, and its signature check rejects the simulator', async () => {
    await assert.rejects(withWebhook('another-secret', false, async () => assert.fail('must not start')), /URL validation failed/);
  });
});
