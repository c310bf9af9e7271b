/**
 * Decode plans are pruned over the whole reference graph: a recursive type with nothing to do is
 * dropped (Milky's OutgoingSegment, whose forward variant holds messages, costs no walk in number
 * mode), while work reached only through a cycle is still found.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyPlan, defsWithWork, prunePlan, pruneDefs, type PlanDefs } from '../runtime/decode.js';
import { protocol as milky } from 'qqwire/milky';

test('a recursive type with nothing to do is pruned', () => {
  const defs: PlanDefs = { Node: { k: 'obj', p: { children: { k: 'arr', i: { k: 'ref', n: 'Node' } } } } };
  assert.equal(prunePlan({ k: 'ref', n: 'Node' }, defs, false), null);
  assert.deepEqual(pruneDefs(defs, false), {});
});

test('work reached only through a cycle is kept and decoded at every depth', () => {
  const defs: PlanDefs = {
    A: { k: 'obj', p: { x: { k: 'i64' }, b: { k: 'ref', n: 'B' } } },
    B: { k: 'obj', p: { a: { k: 'ref', n: 'A' } } },
  };
  assert.deepEqual([...defsWithWork(defs, true)].sort(), ['A', 'B']);
  assert.deepEqual([...defsWithWork(defs, false)], []);
  const plan = prunePlan({ k: 'ref', n: 'B' }, defs, true);
  assert.deepEqual(plan, { k: 'ref', n: 'B' });
  const value = { a: { x: 1, b: { a: { x: 2 } } } };
  assert.deepEqual(applyPlan(plan!, pruneDefs(defs, true), value, 'bigint', 'decode'), { a: { x: 1n, b: { a: { x: 2n } } } });
});

test('Milky send_group_message params need no walk in number mode, but do in bigint mode', () => {
  const info = milky.actions['send_group_message']!;
  assert.equal(prunePlan(info.paramsPlan, milky.plans, false), null);
  assert.notEqual(prunePlan(info.paramsPlan, milky.plans, true), null);
});
