/**
 * Third-party OneBot fixtures (`<dir>/fixtures/onebot-types`, carolina-project/onebot-types) against
 * the generated OneBot 11 / 12 validators, with each known mismatch named.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { applyPlan, type PlanDefs } from '../../runtime/decode.js';
import { parseJson } from '../../runtime/json.js';
import { type ProtocolDescriptor } from '../../runtime/transport.js';
import type { Issue, Validator } from '../helpers/generator-util.js';
import { conformanceUrl } from './dir.js';

interface Generated {
  protocol: ProtocolDescriptor;
  validators: Record<string, Validator>;
}

function readJson(url: URL): unknown {
  return parseJson(readFileSync(url, 'utf8'));
}

function decodeType(mod: Generated, type: string, value: unknown): unknown {
  const plans = mod.protocol.plans as PlanDefs;
  return plans[type] ? applyPlan({ k: 'ref', n: type }, plans, value, 'bigint', 'decode') : value;
}

function describeIssues(issues: Issue[] | undefined): string {
  return issues ? issues.map((i) => `${i.path || '(root)'} ${i.message}`).join('; ') : 'valid';
}

const sharedFixtures = conformanceUrl('fixtures/onebot-types/');

// ---------------------------------------------------------------------------------------------
// Third-party OneBot fixtures (carolina-project/onebot-types, see its README).

/** OneBot 12 extension segments (`ob11.*` prefix): the validators check decoded values, so these
 * raw wire objects fail `Segment.check` with exactly this issue, and decode to the unknown variant. */
const OB12_EXTENSION_SEGMENTS = [
  'ob11.face',
  'ob11.rps',
  'ob11.dice',
  'ob11.shake',
  'ob11.poke',
  'ob11.anonymous',
  'ob11.share',
  'ob11.contact',
  'ob11.music',
  'ob11.music',
  'ob11.forward',
  'ob11.node',
  'ob11.node',
  'ob11.xml',
  'ob11.json',
];

describe('shared onebot-types fixtures', () => {
  let ob11: Generated;
  let ob12: Generated;
  before(async () => {
    ob11 = (await import('qqwire/onebot11')) as Generated;
    ob12 = (await import('qqwire/onebot12')) as Generated;
  });
  const shared = (name: string) => readJson(new URL(name, sharedFixtures)) as { action?: string; params?: unknown; type?: string }[];

  test('ob11_actions.json: every message action the schema defines validates its params', () => {
    const checked: string[] = [];
    for (const a of shared('ob11_actions.json')) {
      const info = ob11.protocol.actions[a.action!];
      if (!info) continue; // non-message actions are outside the message API
      checked.push(a.action!);
      assert.equal(info.params!.check(a.params), undefined, `${a.action}: ${describeIssues(info.params!.check(a.params))}`);
    }
    assert.deepEqual(checked, ['send_msg', 'send_group_msg', 'send_private_msg', 'delete_msg']);
  });

  test('ob12_actions.json: every message action the schema defines validates its params', () => {
    const checked: string[] = [];
    for (const a of shared('ob12_actions.json')) {
      const info = ob12.protocol.actions[a.action!];
      if (!info) continue;
      checked.push(a.action!);
      assert.equal(info.params!.check(a.params), undefined, `${a.action}: ${describeIssues(info.params!.check(a.params))}`);
    }
    assert.deepEqual(checked, ['send_message', 'delete_message']);
  });

  test('ob11_messages.json: every segment passes the OneBot 11 Segment validator, raw and decoded', () => {
    const segments = shared('ob11_messages.json');
    assert.equal(segments.length, 21);
    for (const s of segments) {
      const v = ob11.validators['Segment']!;
      assert.equal(v.check(s), undefined, `${s.type}: ${describeIssues(v.check(s))}`);
      const decoded = decodeType(ob11, 'Segment', s) as { type: string };
      assert.equal(decoded.type, s.type, 'a known variant decodes to itself');
      assert.equal(v.check(decoded), undefined);
      // And as a one-segment message to send.
      assert.equal(ob11.protocol.actions['send_private_msg']!.params!.check({ user_id: 10001, message: [s] }), undefined, s.type);
    }
  });

  test('ob12_messages.json: standard segments pass; the ob11.* extension segments are named divergences', () => {
    const segments = shared('ob12_messages.json');
    const v = ob12.validators['Segment']!;
    const rejectedRaw: string[] = [];
    for (const s of segments) {
      const issues = v.check(s);
      if (!issues) {
        assert.ok(!s.type!.includes('.'), `${s.type} is a standard segment`);
        continue;
      }
      rejectedRaw.push(s.type!);
      // The specific failure: an unknown tag at the segment itself.
      assert.deepEqual(issues, [{ path: '', message: `unknown type "${s.type}"` }]);
      // Decoded (as the client delivers incoming messages) it is the unknown variant, and valid.
      const decoded = decodeType(ob12, 'Segment', s);
      assert.deepEqual(decoded, { type: 'unknown', raw: s });
      assert.equal(v.check(decoded), undefined);
    }
    assert.deepEqual(rejectedRaw, OB12_EXTENSION_SEGMENTS);
  });

  test('ob12_events.json: message events validate as MessageEvent after decoding', () => {
    const events = shared('ob12_events.json').filter((e) => e.type === 'message');
    assert.equal(events.length, 4);
    for (const e of events) {
      const decoded = decodeType(ob12, 'MessageEvent', e);
      assert.equal(ob12.validators['MessageEvent']!.check(decoded), undefined, describeIssues(ob12.validators['MessageEvent']!.check(decoded)));
    }
  });
});

