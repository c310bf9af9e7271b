/**
 * protocol.json covers the documented message APIs: every action in test/fixtures/<id>/message-api.json
 * (facts taken from each protocol's documentation: action names, param and result field names, nested
 * tables) appears in the generated protocol.json, following `$ref`s into `$defs`. A documented field
 * the schema lacks fails the test named after that action. `npm run test:conformance` checks the
 * fixtures against the documentation itself.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkAction, deref, documentedActions, loadProtocol, propertiesOf } from './helpers/seed-coverage.js';

const RPC: [string, number][] = [
  ['milky', 9],
  ['gocqhttp', 10],
  ['shamrock', 11],
  ['onebot12', 3],
];

for (const [id, count] of RPC) {
  describe(`test/fixtures/${id}/message-api.json → generated/${id}/protocol.json`, () => {
    const actions = documentedActions(id);
    const p = loadProtocol(id);

    test(`all ${count} documented actions are listed, each with fields`, () => {
      assert.equal(actions.length, count, actions.map((a) => a.name).join(', '));
      assert.equal(new Set(actions.map((a) => a.name)).size, count, 'action names are unique');
      for (const a of actions) assert.ok(a.params.length > 0 || a.result, `${a.name}: no fields at all`);
    });

    for (const a of actions) test(a.name, () => checkAction(p, a.name, a));
  });
}

describe('the coverage check is not vacuous', () => {
  test('a field removed from protocol.json fails the check, nested ones too', () => {
    const milky = structuredClone(loadProtocol('milky'));
    const send = documentedActions('milky').find((a) => a.name === 'send_private_message')!;
    checkAction(milky, 'send_private_message', send);
    delete (deref(milky, milky.actions['send_private_message']!.result)!['properties'] as Record<string, unknown>)['client_seq'];
    assert.throws(() => checkAction(milky, 'send_private_message', send), /send_private_message: seed fields missing[^]*result\.client_seq/);
    assert.throws(() => checkAction(milky, 'no_such_action', send), /protocol\.json has no action no_such_action/);

    const shamrock = structuredClone(loadProtocol('shamrock'));
    const history = documentedActions('shamrock').find((a) => a.name === 'get_history_msg')!;
    checkAction(shamrock, 'get_history_msg', history);
    // Remove `uid` from every sender-like definition the result reaches.
    const messages = propertiesOf(shamrock, shamrock.actions['get_history_msg']!.result).get('messages')!;
    const sender = deref(shamrock, propertiesOf(shamrock, messages).get('sender'))!;
    delete (sender['properties'] as Record<string, unknown>)['uid'];
    assert.throws(() => checkAction(shamrock, 'get_history_msg', history), /result\.messages\.sender\.uid/);
  });
});

describe('test/fixtures/qq-official/message-api.json → generated/qq-official/protocol.json', () => {
  const p = loadProtocol('qq-official');
  const actions = documentedActions('qq-official');
  test('all 4 documented endpoints are listed', () => {
    assert.deepEqual(
      actions.map((a) => a.name),
      ['POST /v2/users/{openid}/messages', 'POST /v2/groups/{group_openid}/messages', 'POST /channels/{channel_id}/messages', 'POST /dms/{guild_id}/messages'],
    );
  });
  for (const a of actions) {
    test(`${a.title}: ${a.name}`, () => {
      // The docs give the JSON bodies; a multipart action may share the path (channel / DM image sends).
      const matches = Object.entries(p.actions).filter(
        ([, x]) => x.http?.method === a.http!.method && x.http.path === a.http!.path && x.http.body !== 'multipart',
      );
      assert.equal(matches.length, 1, `exactly one JSON action is ${a.name}`);
      const [key, action] = matches[0]!;
      for (const f of a.pathParams ?? []) assert.ok(action.http!.path.includes(`{${f.name}}`), `${f.name} is a path parameter`);
      checkAction(p, key, a);
    });
  }
});
