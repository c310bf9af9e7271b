/**
 * The bench harness cannot rot: every case runs once on a small input. The fixture itself refuses
 * to measure sides that disagree (validators on valid/invalid payloads, transports on their answers,
 * CQ round trips). No timing assertions: only that every side produced a measurement.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fixture, type Fixture } from '../bench/cases.js';
import { BUDGET, measure } from '../bench/measure.js';
import { markdown } from '../bench/report.js';
import { stat } from '../bench/stats.js';

describe('npm run bench, tiny', () => {
  let f: Fixture;
  before(async () => {
    f = await fixture('tiny');
  });
  after(async () => {
    await f?.close();
  });

  test('every row of the issue has a case with its peer', () => {
    const ids = f.cases.map((c) => c.id);
    for (const id of ['validator/send_group_message/valid', 'validator/get_message/invalid', 'cq/parse+stringify', 'http/1', 'http/16', 'ws/1', 'ws/256', 'cold-import', 'generate', 'tsc-generated', 'bundle']) {
      assert.ok(ids.includes(id), `missing ${id}`);
    }
  });

  test('each case runs once and every side gets a positive measurement', async () => {
    const results = [];
    for (const c of f.cases) {
      const r = await measure(c, BUDGET.tiny);
      assert.equal(r.sides.length, c.kind === 'value' ? 2 : c.sides.length, c.id);
      for (const s of r.sides) assert.ok(Number.isFinite(s.value.median) && s.value.median > 0, `${c.id} ${s.label}: ${s.value.median}`);
      if (c.kind === 'load') for (const s of r.sides) assert.ok(s.cpuPerCall!.median > 0, `${c.id} ${s.label} CPU per call`);
      results.push(r);
    }
    const table = markdown(results);
    assert.equal(table.split('\n').length, results.length + 2);
    assert.match(table, /\| Milky HTTP get_message, 16 in flight \| qqwire: [\d,]+\/s/);
  });
});

test('median and spread of rounds', () => {
  assert.deepEqual(stat([5, 1, 3]), { median: 3, min: 1, max: 5, rounds: 3 });
  assert.equal(stat([1, 2, 3, 10]).median, 2.5);
});
