/** The QQ official example bot of `npm run demo` runs against the simulator and does every step it prints. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { runQqOfficialBot } from '../examples/qq-official-bot.js';

it('examples/qq-official-bot receives the group @-message, replies passively, sends an image and recalls', async () => {
  const lines: string[] = [];
  await runQqOfficialBot((line) => lines.push(line));
  const steps = ['gateway ready', 'is in guild', 'GROUP_AT_MESSAGE_CREATE from', 'passive reply sent', 'image sent', 'recalled'];
  assert.deepEqual(lines.map((l) => steps.findIndex((s) => l.includes(s))), steps.map((_s, i) => i), lines.join('\n'));
  assert.ok(!lines.some((l) => l.includes('gateway:')), 'no gateway error');
});
