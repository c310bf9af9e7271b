/**
 * The OneBot 11 simulator against a client nobody here wrote: node-napcat-ts (forward WS, token in
 * the query) calls the core actions and receives the group message event.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NCWebsocket } from 'node-napcat-ts';
import { startSimulator } from '../sim/index.js';

describe('node-napcat-ts against the OneBot 11 simulator', () => {
  it('logs in, lists, sends, gets, recalls and receives a group message', async () => {
    const sim = await startSimulator({ protocol: 'onebot11', token: 'nc-token' });
    const nc = new NCWebsocket({ baseUrl: sim.urls['ws']!, accessToken: 'nc-token', reconnection: { enable: false } }, false);
    try {
      await nc.connect();
      const me = await nc.get_login_info();
      assert.deepEqual(me, { user_id: 10001000, nickname: 'qqwire-bot' });
      const groups = await nc.get_group_list();
      assert.deepEqual(groups.map((g) => g.group_id), [30001000]);
      const received = new Promise<{ raw_message: string; group_id: number }>((resolve) => nc.on('message.group', (e) => resolve(e as unknown as { raw_message: string; group_id: number })));
      sim.world.userSends({ from: 20002000, group: 30001000, text: 'hi napcat' });
      assert.deepEqual(await received, { ...(await received), raw_message: 'hi napcat', group_id: 30001000 });
      const sent = await nc.send_group_msg({ group_id: 30001000, message: [{ type: 'text', data: { text: 'from napcat' } }] });
      const got = await nc.get_msg({ message_id: sent.message_id });
      assert.deepEqual(got.message, [{ type: 'text', data: { text: 'from napcat' } }]);
      await nc.delete_msg({ message_id: sent.message_id });
      assert.equal(sim.world.byMessageId(sent.message_id), undefined);
    } finally {
      await nc.disconnect();
      await sim.close();
    }
  });
});
