/**
 * Third-party OneBot fixtures (`<dir>/fixtures/onebot-types`, carolina-project/onebot-types) against
 * the generated OneBot 11 / 12 validators, with each known mismatch named.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { applyPlan, parseJson, type PlanDefs, type ProtocolDescriptor } from 'qqwire/runtime/internal';
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
  return plans[type] ? applyPlan({ k: 'ref', n: type }, plans, value, 'number', 'decode') : value;
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

/** Placeholders in the third-party action fixtures that the schema rightly rejects: action → JSON pointer. */
const FIXTURE_PLACEHOLDERS: Record<string, string> = {
  // `"sha256": "sha256"`: the spec wants the lower-case hex SHA-256 digest, which the schema's pattern enforces.
  upload_file_fragmented: '/sha256',
};

/** A third-party action fixture: the action exists, and its params pass (an action without params takes `{}`). */
function checkFixtureParams(gen: Generated, a: { action?: string; params?: unknown }): void {
  const info = gen.protocol.actions[a.action!];
  assert.ok(info, `${a.action} is not defined`);
  if (!info.params) {
    assert.deepEqual(a.params ?? {}, {}, `${a.action} takes no params`);
    return;
  }
  const issues = info.params.check(a.params);
  const placeholder = FIXTURE_PLACEHOLDERS[a.action!];
  if (issues && placeholder) {
    assert.deepEqual(issues.map((i) => i.path), [placeholder], `${a.action}: ${describeIssues(issues)}`);
    return;
  }
  assert.equal(issues, undefined, `${a.action}: ${describeIssues(issues)}`);
}

describe('shared onebot-types fixtures', () => {
  let ob11: Generated;
  let ob12: Generated;
  before(async () => {
    ob11 = (await import('qqwire/onebot11')) as Generated;
    ob12 = (await import('qqwire/onebot12')) as Generated;
  });
  const shared = (name: string) => readJson(new URL(name, sharedFixtures)) as { action?: string; params?: unknown; type?: string }[];

  test('ob11_actions.json: every action is defined and validates its params', () => {
    const actions = shared('ob11_actions.json');
    assert.equal(actions.length, 12);
    for (const a of actions) checkFixtureParams(ob11, a);
  });

  test('ob12_actions.json: every action (each upload/get fragment stage too) is defined and validates its params', () => {
    const actions = shared('ob12_actions.json');
    assert.equal(actions.length, 34);
    for (const a of actions) checkFixtureParams(ob12, a);
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

