/** The events benchmark runs on a tiny input: every receiver delivers every event exactly once. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { benchEvents } from '../bench/events.js';

it('bench/events.ts: each receiver delivers all of a small stream', async () => {
  const rows = await benchEvents(40);
  assert.deepEqual(rows.map((r) => r.delivery), ['Milky SSE', 'Milky WebSocket', 'bare node:http 204 server (no qqwire), same POSTs', 'OneBot 11 HTTP POST (HMAC, 8 connections)']);
  for (const r of rows) {
    assert.equal(r.delivered, r.events, r.delivery);
    assert.ok(r.perSecond > 0 && Number.isFinite(r.perSecond) && r.rawPerSecond > 0);
  }
});
