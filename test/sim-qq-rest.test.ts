/**
 * The generated QQ official client against the simulator over real sockets: every action answers a
 * schema-valid result (the client validates results with `throw`), world state is consistent, the
 * passive-reply rules answer the documented codes, bad requests and tokens get QQ's errors, 429s carry
 * Retry-After, and an expired token is refreshed.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { request } from 'undici';
import { protocol } from 'qqwire/qq-official';
import { ApiError, AuthError, RateLimitError, TimeoutError } from '../runtime/errors.js';
import { createQqOfficialClient } from 'qqwire/qq-official';
import { ALICE, CHANNEL, GROUP, GUILD, manualClock, simAndClient } from './helpers/sim-qq.js';
import { loadProtocolJson, sample } from './helpers/schema-sample.js';

const json = loadProtocolJson('qq-official');
const code = (name: string) => Number(Object.entries(protocol.retcodes).find(([, c]) => c.name === name)![0]);

describe('qq-official simulator: every action', async () => {
  const { sim, client } = await simAndClient();
  after(() => Promise.all([client.close(), sim.close()]));
  const ids: Record<string, string> = { openid: ALICE, group_openid: GROUP, channel_id: CHANNEL, guild_id: GUILD, source_guild_id: GUILD, user_id: 'u-alice', recipient_id: 'u-alice', role_id: '1' };

  for (const action of Object.keys(protocol.actions)) {
    it(`${action} answers a schema-valid result through the generated client`, async () => {
      const params = { ...(sample(json.actions[action]!.params ?? { type: 'object' }, json.$defs) as Record<string, unknown>) };
      for (const key of Object.keys(params)) if (key in ids) params[key] = ids[key];
      if ('message_id' in params) {
        const scene = action.includes('c2c') ? 'c2c' : action.includes('group') ? 'group' : action.includes('dms') ? 'dms' : 'channel';
        params['message_id'] = sim.world.record(scene, String(params['openid'] ?? params['group_openid'] ?? params['channel_id'] ?? params['guild_id']), sim.world.bot.openid, 'to recall').id;
      }
      const result = await client.call(action as never, params as never);
      const info = protocol.actions[action]!;
      if (info.noResult) assert.equal(result, undefined);
      else assert.equal(info.result!.check(result), undefined);
      assert.equal(sim.calls.get(action), 1, 'routed to this action by method + path');
    });
  }
});

describe('qq-official simulator: world-backed state', () => {
  it('a passive group reply is stored, recall removes it, a second recall fails with RECALL_PARAM_INVALID', async () => {
    const { sim, client } = await simAndClient();
    try {
      const incoming = sim.world.userSends({ scene: 'group', target: GROUP, from: ALICE, text: 'ping' });
      const sent = await client.sendGroupMessage({ group_openid: GROUP, msg_type: 0, content: 'pong', msg_id: incoming.id });
      const stored = sim.world.messages.get(String((sent as { id: string }).id))!;
      assert.deepEqual([stored.scene, stored.target, stored.content, stored.from], ['group', GROUP, 'pong', sim.world.bot.openid]);
      await client.recallGroupMessage({ group_openid: GROUP, message_id: stored.id });
      assert.equal(stored.recalled, true);
      await assert.rejects(client.recallGroupMessage({ group_openid: GROUP, message_id: stored.id }), (e: unknown) => e instanceof ApiError && e.retcode === code('RECALL_PARAM_INVALID'));
    } finally {
      await Promise.all([client.close(), sim.close()]);
    }
  });

  it('an uploaded file_info can be sent as media; an unknown one is INVALID_FORM_BODY', async () => {
    const { sim, client } = await simAndClient();
    try {
      const incoming = sim.world.userSends({ scene: 'c2c', from: ALICE, text: 'pic?' });
      const up = (await client.uploadC2cMedia({ openid: ALICE, file_type: 1, url: 'https://example.invalid/a.png', srv_send_msg: false })) as { file_info: string };
      const sent = (await client.sendC2cMessage({ openid: ALICE, msg_type: 7, content: ' ', media: { file_info: up.file_info }, msg_id: incoming.id })) as { id: string };
      assert.match(sim.world.messages.get(sent.id)!.content, /example\.invalid\/a\.png/);
      await assert.rejects(client.sendC2cMessage({ openid: ALICE, msg_type: 7, content: ' ', media: { file_info: 'bm9wZQ==' }, msg_id: incoming.id, msg_seq: 2 }), (e: unknown) => e instanceof ApiError && e.retcode === code('INVALID_FORM_BODY') && e.status === 400);
    } finally {
      await Promise.all([client.close(), sim.close()]);
    }
  });
});

describe('qq-official simulator: passive replies', () => {
  it('msg_seq is allocated per msg_id; a repeated msg_id + msg_seq is MSG_SEQ_DEDUPLICATED', async () => {
    const { sim, client } = await simAndClient();
    try {
      const incoming = sim.world.userSends({ scene: 'group', target: GROUP, from: ALICE, text: 'hi' });
      await client.sendGroupMessage({ group_openid: GROUP, msg_type: 0, content: 'a', msg_id: incoming.id });
      await client.sendGroupMessage({ group_openid: GROUP, msg_type: 0, content: 'b', msg_id: incoming.id }); // msg_seq 2 by the allocator
      await assert.rejects(client.sendGroupMessage({ group_openid: GROUP, msg_type: 0, content: 'c', msg_id: incoming.id, msg_seq: 1 }), (e: unknown) => e instanceof ApiError && e.retcode === 40054005 && e.retcodeName === 'MSG_SEQ_DEDUPLICATED');
    } finally {
      await Promise.all([client.close(), sim.close()]);
    }
  });

  it('a reply after the action reply window is MSG_EXPIRE; a msg_id from another conversation is MSG_ID_INVALID', async () => {
    const clock = manualClock();
    const { sim, client } = await simAndClient({ now: clock.now });
    try {
      const inGroup = sim.world.userSends({ scene: 'group', target: GROUP, from: ALICE, text: 'hi' });
      await assert.rejects(client.sendC2cMessage({ openid: ALICE, msg_type: 0, content: 'x', msg_id: inGroup.id }), (e: unknown) => e instanceof ApiError && e.retcode === code('MSG_ID_INVALID'));
      clock.advance(protocol.actions['send_group_message']!.replyWindowMs! + 1);
      await assert.rejects(client.sendGroupMessage({ group_openid: GROUP, msg_type: 0, content: 'late', msg_id: inGroup.id }), (e: unknown) => e instanceof ApiError && e.retcode === code('MSG_EXPIRE'));
      // The C2C window (60 min) is longer than the group one (5 min): the schema's per-action figure is used.
      const inC2c = sim.world.userSends({ scene: 'c2c', from: ALICE, text: 'hi' });
      clock.advance(protocol.actions['send_group_message']!.replyWindowMs! + 1);
      await client.sendC2cMessage({ openid: ALICE, msg_type: 0, content: 'still in time', msg_id: inC2c.id });
    } finally {
      await Promise.all([client.close(), sim.close()]);
    }
  });
});

describe('qq-official simulator: errors, auth and faults', () => {
  it('a bad body is HTTP 400 with {code, message} naming the JSON path; no token is 401 WRONG_TOKEN', async () => {
    const { sim, client } = await simAndClient();
    try {
      const token = (await (await request(sim.tokenUrl, { method: 'POST', body: JSON.stringify({ appId: sim.appId, clientSecret: sim.clientSecret }) })).body.json()) as { access_token: string; expires_in: unknown };
      assert.equal(typeof token.expires_in, 'string', 'expires_in is a string as in the docs');
      const bad = await request(`${sim.baseUrl}/v2/groups/${GROUP}/messages`, { method: 'POST', headers: { authorization: `QQBot ${token.access_token}`, 'content-type': 'application/json' }, body: '{"content":"x","msg_type":"zero"}' });
      const body = (await bad.body.json()) as { code: number; message: string };
      assert.equal(bad.statusCode, 400);
      assert.equal(body.code, code('INVALID_FORM_BODY'));
      assert.match(body.message, /msg_type/);
      const anon = await request(`${sim.baseUrl}/users/@me`);
      assert.equal(anon.statusCode, 401);
      assert.equal(((await anon.body.json()) as { code: number }).code, code('WRONG_TOKEN'));
      const wrongSecret = await request(sim.tokenUrl, { method: 'POST', body: JSON.stringify({ appId: sim.appId, clientSecret: 'nope' }) });
      assert.equal(wrongSecret.statusCode, 401);
      await wrongSecret.body.dump();
    } finally {
      await Promise.all([client.close(), sim.close()]);
    }
  });

  it('tokenExpiry: an expired token gets 401 TOKEN_NOT_EXIST_OR_EXPIRED and the client fetches a new one', async () => {
    const { sim, client, options } = await simAndClient();
    try {
      await client.getMe();
      assert.equal(options.auth.fetchCount, 1);
      sim.expireTokens();
      const me = (await client.getMe()) as { id: string };
      assert.equal(me.id, sim.world.bot.openid);
      assert.equal(options.auth.fetchCount, 2, 'one new token after the 401');
      assert.equal(sim.tokens.issued, 2);
    } finally {
      await Promise.all([client.close(), sim.close()]);
    }
  });

  it('the refresh window: a token asked for in its last window is new while the old still works; a short lifetime expires', async () => {
    const clock = manualClock();
    const { sim, client } = await simAndClient({ now: clock.now, faults: { tokenExpiry: 120 } });
    try {
      const first = sim.tokens.issue().access_token;
      assert.equal(sim.tokens.issue().access_token, first, 'outside the window the same token comes back');
      clock.advance(61_000);
      const second = sim.tokens.issue().access_token;
      assert.notEqual(second, first);
      assert.equal(sim.tokens.check(first), 'ok');
      clock.advance(60_000);
      assert.equal(sim.tokens.check(first), 'expired');
      assert.equal(sim.tokens.check(second), 'ok');
    } finally {
      await Promise.all([client.close(), sim.close()]);
    }
  });

  it('rateLimit: every Nth call is 429 with Retry-After, a RateLimitError with retryAfterMs', async () => {
    const { sim, client } = await simAndClient({ faults: { rateLimit: { every: 2, retryAfter: 3 } } });
    try {
      await client.getMe();
      await assert.rejects(client.getMe(), (e: unknown) => e instanceof RateLimitError && e.retryAfterMs === 3000 && e.status === 429);
      await client.getMe();
    } finally {
      await Promise.all([client.close(), sim.close()]);
    }
  });

  it('a wrong client secret is an AuthError that does not contain the secret', async () => {
    const { sim, client } = await simAndClient({}, { clientSecret: 'not-the-secret-xyz', token: { maxAttempts: 1 } });
    try {
      await assert.rejects(client.getMe(), (e: unknown) => e instanceof AuthError && e.status === 401 && !String(e.message).includes('not-the-secret-xyz'));
    } finally {
      await Promise.all([client.close(), sim.close()]);
    }
  });

  it('latencyMs: an answer slower than the client timeout is a TimeoutError', async () => {
    const { sim, client, options } = await simAndClient({ faults: { latencyMs: 300 } });
    const impatient = createQqOfficialClient({ ...options, timeoutMs: 50 });
    try {
      await assert.rejects(impatient.getGateway(), (e: unknown) => e instanceof TimeoutError);
      assert.equal(((await client.getGateway()) as { url: string }).url, sim.gatewayUrl, 'the same call succeeds within the default timeout');
    } finally {
      await Promise.all([impatient.close(), client.close(), sim.close()]);
    }
  });

  it('a multipart channel send carries its fields and file to the world', async () => {
    const { sim, client } = await simAndClient();
    try {
      const sent = (await client.sendChannelMessageMultipart({ channel_id: CHANNEL, content: '带图', file_image: new Uint8Array([0x89, 0x50, 0x4e, 0x47]) } as never)) as { id: string; channel_id: string };
      assert.equal(sent.channel_id, CHANNEL);
      assert.equal(sim.world.messages.get(sent.id)!.content, '带图');
      assert.equal(sim.calls.get('send_channel_message_multipart'), 1);
      assert.equal(sim.calls.get('send_channel_message'), undefined);
    } finally {
      await Promise.all([client.close(), sim.close()]);
    }
  });
});
