/**
 * protocol.json covers the seeds: every action of each seed document and every field of its
 * params / result tables (and nested tables) appears in the generated protocol.json, following `$ref`s
 * into `$defs`. A seed field the schema lacks fails the test named after that action.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parseGoCqhttp, parseMilky, parseOneBot12, parseQqOfficial, parseShamrock, type SeedAction, type SeedField } from './helpers/generator-seeds.js';

const seedsDir = new URL('../../../shared/seeds/', import.meta.url);
const generatedDir = new URL('../../generated/', import.meta.url);

type Node = { [key: string]: unknown };

interface ProtocolJson {
  actions: Record<string, { params: Node | null; result: Node | null; http?: { method: string; path: string; body?: string } }>;
  $defs: Record<string, Node>;
}

function loadProtocol(id: string): ProtocolJson {
  return JSON.parse(readFileSync(new URL(`${id}/protocol.json`, generatedDir), 'utf8')) as ProtocolJson;
}

/** Follows `$ref: '#/$defs/X'` (repeatedly). */
function deref(p: ProtocolJson, node: Node | null | undefined): Node | undefined {
  let n = node ?? undefined;
  for (let i = 0; n && typeof n['$ref'] === 'string' && i < 20; i++) {
    const name = (n['$ref'] as string).replace('#/$defs/', '');
    const target = p.$defs[name];
    assert.ok(target, `dangling $ref ${String(n['$ref'])}`);
    n = target;
  }
  return n;
}

/**
 * Property schemas of an object node, following refs, array items and the branches of
 * oneOf/anyOf (a field present in any branch counts).
 */
function propertiesOf(p: ProtocolJson, node: Node | null | undefined, depth = 0): Map<string, Node> {
  const out = new Map<string, Node>();
  const n = deref(p, node);
  if (!n || depth > 6) return out;
  if (n['items'] && typeof n['items'] === 'object') return propertiesOf(p, n['items'] as Node, depth + 1);
  for (const [k, v] of Object.entries((n['properties'] ?? {}) as Record<string, Node>)) out.set(k, v);
  for (const key of ['oneOf', 'anyOf']) {
    for (const branch of (n[key] as Node[] | undefined) ?? []) {
      for (const [k, v] of propertiesOf(p, branch, depth + 1)) if (!out.has(k)) out.set(k, v);
    }
  }
  return out;
}

/** Every seed field (and nested field) missing from `node`, as `where.field` paths. */
function missingFields(p: ProtocolJson, node: Node | null | undefined, fields: SeedField[], where: string): string[] {
  const props = propertiesOf(p, node);
  const missing: string[] = [];
  for (const f of fields) {
    const schema = props.get(f.name);
    if (!schema) {
      missing.push(`${where}.${f.name}`);
      continue;
    }
    if (f.nested) missing.push(...missingFields(p, schema, f.nested, `${where}.${f.name}`));
  }
  return missing;
}

function checkAction(p: ProtocolJson, key: string, seed: SeedAction): void {
  const action = p.actions[key];
  assert.ok(action, `protocol.json has no action ${key} (seed: ${seed.title})`);
  const missing = [
    ...missingFields(p, action.params, seed.pathParams ?? [], 'path'),
    ...missingFields(p, action.params, seed.params, 'params'),
    ...(seed.result ? missingFields(p, action.result, seed.result, 'result') : []),
  ];
  if (seed.resultExampleKeys) {
    const props = propertiesOf(p, action.result);
    for (const k of seed.resultExampleKeys) if (!props.has(k)) missing.push(`result.${k} (response example)`);
  }
  assert.deepEqual(missing, [], `${key}: seed fields missing from protocol.json`);
  if (seed.result === null) assert.equal(action.result, null, `${key}: the seed says there is no result`);
  if (seed.resultTypeName) {
    assert.equal(action.result?.['$ref'], `#/$defs/${seed.resultTypeName}`, `${key}: the seed returns ${seed.resultTypeName}`);
  }
}

function seed(name: string): string {
  return readFileSync(new URL(name, seedsDir), 'utf8');
}

const RPC: [string, string, (text: string) => SeedAction[], number][] = [
  ['milky', 'milky-message-api.md', parseMilky, 9],
  ['gocqhttp', 'go-cqhttp-message-api.md', parseGoCqhttp, 10],
  ['shamrock', 'shamrock-message-api.md', parseShamrock, 11],
  ['onebot12', 'onebot12-message-api.md', parseOneBot12, 3],
];

for (const [id, file, parse, count] of RPC) {
  describe(`${file} → generated/${id}/protocol.json`, () => {
    const actions = parse(seed(file));
    const p = loadProtocol(id);

    test(`the parser finds all ${count} actions of the seed, each with fields`, () => {
      assert.equal(actions.length, count, actions.map((a) => a.name).join(', '));
      assert.equal(new Set(actions.map((a) => a.name)).size, count, 'action names are unique');
      for (const a of actions) assert.ok(a.params.length > 0 || a.result, `${a.name}: parsed no fields at all`);
    });

    for (const a of actions) test(a.name, () => checkAction(p, a.name, a));
  });
}

describe('the coverage check is not vacuous', () => {
  test('a field removed from protocol.json fails the check, nested ones too', () => {
    const milky = structuredClone(loadProtocol('milky'));
    const send = parseMilky(seed('milky-message-api.md')).find((a) => a.name === 'send_private_message')!;
    checkAction(milky, 'send_private_message', send);
    delete (deref(milky, milky.actions['send_private_message']!.result)!['properties'] as Record<string, unknown>)['client_seq'];
    assert.throws(() => checkAction(milky, 'send_private_message', send), /send_private_message: seed fields missing[^]*result\.client_seq/);
    assert.throws(() => checkAction(milky, 'no_such_action', send), /protocol\.json has no action no_such_action/);

    const shamrock = structuredClone(loadProtocol('shamrock'));
    const history = parseShamrock(seed('shamrock-message-api.md')).find((a) => a.name === 'get_history_msg')!;
    checkAction(shamrock, 'get_history_msg', history);
    // Remove `uid` from every sender-like definition the result reaches.
    const messages = propertiesOf(shamrock, shamrock.actions['get_history_msg']!.result).get('messages')!;
    const sender = deref(shamrock, propertiesOf(shamrock, messages).get('sender'))!;
    delete (sender['properties'] as Record<string, unknown>)['uid'];
    assert.throws(() => checkAction(shamrock, 'get_history_msg', history), /result\.messages\.sender\.uid/);
  });
});

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

describe('qq-official-v2-message-api.md → generated/qq-official/protocol.json', () => {
  const p = loadProtocol('qq-official');
  for (const a of parseQqOfficial(seed('qq-official-v2-message-api.md'))) {
    test(`${a.title}: ${a.name}`, () => {
      // The seed documents the JSON bodies; a multipart action may share the path (channel / DM image sends).
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
