/**
 * The seed documents (`<dir>/seeds`) against the project: the parsers read what each document says,
 * the project's fixtures test/fixtures/<id>/message-api.json list exactly what the documents list, and
 * the generated protocol.json covers every documented field.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parseGoCqhttp, parseMilky, parseOneBot12, parseQqOfficial, parseShamrock, type SeedAction, type SeedField } from '../helpers/generator-seeds.js';
import { checkAction, documentedActions, loadProtocol } from '../helpers/seed-coverage.js';
import { conformanceUrl } from './dir.js';

function seed(name: string): string {
  return readFileSync(conformanceUrl(`seeds/${name}`), 'utf8');
}

/** Names only, the way the fixtures keep them. */
function names(fields: SeedField[] | null | undefined): unknown {
  return fields == null ? fields : fields.map((f) => (f.nested ? { name: f.name, nested: names(f.nested) } : { name: f.name }));
}

const SEEDS: [string, string, (text: string) => SeedAction[]][] = [
  ['milky', 'milky-message-api.md', parseMilky],
  ['gocqhttp', 'go-cqhttp-message-api.md', parseGoCqhttp],
  ['shamrock', 'shamrock-message-api.md', parseShamrock],
  ['onebot12', 'onebot12-message-api.md', parseOneBot12],
  ['qq-official', 'qq-official-v2-message-api.md', parseQqOfficial],
];

for (const [id, file, parse] of SEEDS) {
  describe(`seeds/${file}`, () => {
    const actions = parse(seed(file));
    test(`test/fixtures/${id}/message-api.json lists the same actions and fields`, () => {
      const fixture = documentedActions(id);
      assert.deepEqual(fixture.map((a) => a.name), actions.map((a) => a.name));
      for (const [i, a] of actions.entries()) {
        const f = fixture[i]!;
        assert.deepEqual([names(f.params), names(f.pathParams), names(f.result)], [names(a.params), names(a.pathParams), names(a.result)], a.name);
        assert.deepEqual([f.http, f.resultExampleKeys, f.resultTypeName], [a.http, a.resultExampleKeys, a.resultTypeName], a.name);
      }
    });
    if (id !== 'qq-official') {
      const p = loadProtocol(id);
      for (const a of actions) test(`protocol.json covers ${a.name}`, () => checkAction(p, a.name, a));
    }
  });
}

describe('parsers read what the seeds say', () => {
  test('milky: params, results and "no result"', () => {
    const actions = parseMilky(seed('milky-message-api.md'));
    const send = actions.find((a) => a.name === 'send_private_message')!;
    assert.deepEqual(send.params.map((f) => f.name), ['user_id', 'message']);
    assert.deepEqual(send.result!.map((f) => f.name), ['message_seq', 'time', 'client_seq']);
    assert.equal(actions.find((a) => a.name === 'recall_group_message')!.result, null);
  });

  test('go-cqhttp: backticked names, the nested sender table, no-response tips', () => {
    const actions = parseGoCqhttp(seed('go-cqhttp-message-api.md'));
    const get = actions.find((a) => a.name === 'get_msg')!;
    assert.deepEqual(get.params.map((f) => f.name), ['message_id']);
    assert.ok(get.result!.some((f) => f.name === 'raw_message'));
    assert.deepEqual(get.result!.find((f) => f.name === 'sender')!.nested!.map((f) => f.name), ['nickname', 'user_id']);
    assert.equal(actions.find((a) => a.name === 'delete_msg')!.result, null);
    assert.deepEqual(actions.find((a) => a.name === 'get_group_msg_history')!.params.map((f) => f.name), ['message_seq', 'group_id']);
  });

  test('shamrock: sub-tables, "同 […](#…)" and JSON-only responses', () => {
    const actions = parseShamrock(seed('shamrock-message-api.md'));
    const get = actions.find((a) => a.name === 'get_msg')!;
    assert.deepEqual(get.result!.find((f) => f.name === 'sender')!.nested!.map((f) => f.name), ['user_id', 'nickname', 'sex', 'age', 'uid']);
    const history = actions.find((a) => a.name === 'get_history_msg')!;
    const messages = history.result!.find((f) => f.name === 'messages')!;
    assert.ok(messages.nested!.some((f) => f.name === 'peer_id'));
    assert.ok(messages.nested!.find((f) => f.name === 'sender')!.nested!.some((f) => f.name === 'uid'));
    assert.deepEqual(actions.find((a) => a.name === 'send_private_forward_msg')!.result!.map((f) => f.name), ['message_id', 'forward_id']);
    assert.deepEqual(actions.find((a) => a.name === 'get_forward_msg')!.resultExampleKeys, ['messages']);
    assert.equal(actions.find((a) => a.name === 'clear_msgs')!.result, null);
    assert.deepEqual(actions.find((a) => a.name === 'send_msg')!.params.map((f) => f.name), ['message_type', 'user_id', 'group_id', 'discuss_id', 'message', 'auto_escape', 'recall_duration']);
  });

  test('onebot12: indented tab tables and the prose result type', () => {
    const actions = parseOneBot12(seed('onebot12-message-api.md'));
    assert.deepEqual(actions.find((a) => a.name === 'send_message')!.params.map((f) => f.name), ['detail_type', 'group_id', 'user_id', 'message']);
    assert.equal(actions.find((a) => a.name === 'delete_message')!.result, null);
    assert.equal(actions.find((a) => a.name === 'get_message')!.resultTypeName, 'MessageEvent');
  });

  test('qq-official: endpoints from the HTML tables, commented-out rows ignored', () => {
    const actions = parseQqOfficial(seed('qq-official-v2-message-api.md'));
    assert.deepEqual(
      actions.map((a) => a.name),
      ['POST /v2/users/{openid}/messages', 'POST /v2/groups/{group_openid}/messages', 'POST /channels/{channel_id}/messages', 'POST /dms/{guild_id}/messages'],
    );
    const c2c = actions[0]!;
    assert.deepEqual(c2c.pathParams!.map((f) => f.name), ['openid']);
    assert.ok(c2c.params.some((f) => f.name === 'msg_seq'));
    assert.ok(!c2c.params.some((f) => f.name === 'input_notify' || f.name === 'typing_setting'));
    assert.deepEqual(c2c.result!.map((f) => f.name), ['id', 'timestamp']);
  });
});

