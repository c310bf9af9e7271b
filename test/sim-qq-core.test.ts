/** The QQ official front end behind the core's startSimulator: registered, started, and usable by the generated client. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createQqOfficialClient, protocol } from 'qqwire/qq-official';
import { qqOfficialOptions } from '../runtime/qq-official.js';
import { startSimulator } from '../sim/index.js';

it('startSimulator({ protocol: "qq-official" }) serves the token endpoint, REST and the gateway URL it prints', async () => {
  const sim = await startSimulator({ protocol: 'qq-official', token: 'core-secret' });
  const client = createQqOfficialClient(qqOfficialOptions({ protocol, appId: '102000001', clientSecret: 'core-secret', baseUrl: sim.urls['api'], tokenUrl: sim.urls['token'] }));
  try {
    assert.equal((await client.getGateway()).url, sim.urls['gateway']);
    assert.match(sim.urls['gateway']!, /^ws:\/\/127\.0\.0\.1:\d+\/websocket$/);
  } finally {
    await client.close();
    await sim.close();
  }
});
