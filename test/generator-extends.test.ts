/**
 * `extends`: a child protocol inherits its parent's actions and types, adds and replaces entries,
 * changes inherited ones with JSON Merge Patch, removes some, and overrides protocol keys — while the
 * parent's own IR and output stay as they were.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { generate, loadIR } from '../generator/generate.js';
import type { IRProtocol, SchemaNode } from '../generator/ir.js';
import { mergePatch } from '../generator/resolve.js';
import { importFile, linkPackages, protocolYaml, schemaErrors, shownPath, suiteTempDir, tempDir, writeTree, type Validator } from './helpers/generator-util.js';

const BASE_ACTIONS = `actions:
  send_msg:
    summary: 发送消息
    params:
      type: object
      properties:
        user_id: { type: integer }
        message:
          type: array
          items: { $ref: 'types.yaml#/types/Segment' }
        auto_escape: { type: boolean, default: false }
      required: [user_id, message]
    result:
      type: object
      properties:
        message_id: { type: integer }
      required: [message_id]
  get_msg:
    summary: 获取消息
    params:
      type: object
      properties:
        message_id: { type: integer }
      required: [message_id]
    result:
      type: object
      properties:
        message: { type: array, items: { $ref: '#/types/Segment' } }
      required: [message]
  delete_msg:
    summary: 撤回消息
    params:
      type: object
      properties:
        message_id: { type: integer }
      required: [message_id]
`;

const BASE_TYPES = `types:
  Segment:
    discriminator: { propertyName: type }
    oneOf:
      - $ref: '#/types/TextSegment'
      - $ref: '#/types/FaceSegment'
  TextSegment:
    type: object
    properties:
      type: { const: text }
      data:
        type: object
        properties:
          text: { type: string }
        required: [text]
    required: [type, data]
  FaceSegment:
    type: object
    properties:
      type: { const: face }
      data:
        type: object
        properties:
          id: { type: string }
        required: [id]
    required: [type, data]
  LegacyThing:
    type: string
    description: removed by the child
`;

const CHILD_ACTIONS = `actions:
  get_status:
    summary: 获取状态
    result:
      type: object
      properties:
        online: { type: boolean }
      required: [online]
  get_msg:
    summary: 获取消息（子协议）
    params:
      type: object
      properties:
        id: { type: string }
      required: [id]
patch:
  actions:
    send_msg:
      params:
        properties:
          group_id: { type: integer, description: 临时会话来源群号 }
          auto_escape: null
        required: [user_id]
  types:
    Segment:
      oneOf:
        - $ref: '#/types/TextSegment'
        - $ref: '#/types/FaceSegment'
        - $ref: 'segments.yaml#/types/PokeSegment'
remove:
  actions: [delete_msg]
  types: [LegacyThing]
`;

const CHILD_SEGMENTS = `types:
  PokeSegment:
    type: object
    properties:
      type: { const: poke }
      data:
        type: object
        properties:
          qq: { type: integer }
        required: [qq]
    required: [type, data]
`;

function writeFamily(root: string, extra: Record<string, string> = {}): void {
  writeTree(root, {
    'base/protocol.yaml': protocolYaml('base', { title: 'Base', messageFields: ['message'] }) + BASE_ACTIONS,
    'base/types.yaml': BASE_TYPES,
    'child/protocol.yaml': protocolYaml('child', { title: 'Child', version: '2', extends: 'base', messageFields: ['wording', 'msg'] }),
    'child/actions.yaml': CHILD_ACTIONS,
    'child/segments.yaml': CHILD_SEGMENTS,
    ...extra,
  });
}

function byId(ir: IRProtocol[], id: string): IRProtocol {
  const p = ir.find((x) => x.id === id);
  assert.ok(p, `no protocol ${id}`);
  return p;
}

function action(p: IRProtocol, name: string) {
  const a = p.actions.find((x) => x.name === name);
  assert.ok(a, `${p.id} has no action ${name}`);
  return a;
}

const props = (node: SchemaNode | null) => Object.keys((node?.['properties'] ?? {}) as object);

describe('extends, resolved into the IR', () => {
  const root = suiteTempDir();
  let ir: IRProtocol[];
  before(() => {
    writeFamily(root);
    ir = loadIR(root);
  });

  test('both protocols resolve, parent first', () => {
    assert.deepEqual(
      ir.map((p) => p.id),
      ['base', 'child'],
    );
  });

  test('the child inherits, adds, replaces and removes actions', () => {
    const child = byId(ir, 'child');
    assert.deepEqual(
      child.actions.map((a) => a.name),
      ['send_msg', 'get_msg', 'get_status'],
    );
    // Added.
    const status = action(child, 'get_status');
    assert.equal(status.params, null);
    assert.deepEqual(props(status.result), ['online']);
    // Replaced wholesale: nothing of the parent's get_msg survives.
    const getMsg = action(child, 'get_msg');
    assert.equal(getMsg.summary, '获取消息（子协议）');
    assert.deepEqual(props(getMsg.params), ['id']);
    assert.deepEqual(getMsg.params!['required'], ['id']);
    assert.equal(getMsg.result, null);
  });

  test('patch adds a field, deletes one with null and replaces `required`', () => {
    const send = action(byId(ir, 'child'), 'send_msg');
    assert.equal(send.summary, '发送消息', 'unpatched keys are inherited');
    assert.deepEqual(props(send.params), ['user_id', 'message', 'group_id']);
    assert.deepEqual((send.params!['properties'] as Record<string, SchemaNode>)['group_id'], { type: 'integer', description: '临时会话来源群号' });
    assert.deepEqual(send.params!['required'], ['user_id']);
    assert.deepEqual(props(send.result), ['message_id'], 'the result is inherited as is');
  });

  test('patch replaces a union’s oneOf: the new variant is a union member', () => {
    const child = byId(ir, 'child');
    assert.deepEqual(child.unions.get('Segment'), {
      tag: 'type',
      keep: false,
      skip: false,
      variants: [
        { tag: 'text', type: 'TextSegment' },
        { tag: 'face', type: 'FaceSegment' },
        { tag: 'poke', type: 'PokeSegment' },
      ],
    });
    // The file ref was checked against the child's own segments.yaml and normalised.
    assert.equal(((child.types.get('Segment')!.schema['oneOf'] as SchemaNode[])[2]!)['$ref'], '#/types/PokeSegment');
  });

  test('remove deletes a type; inherited types remember where they were defined', () => {
    const child = byId(ir, 'child');
    assert.deepEqual([...child.types.keys()], ['Segment', 'TextSegment', 'FaceSegment', 'PokeSegment']);
    assert.equal(child.types.get('TextSegment')!.definedIn, 'base');
    assert.equal(child.types.get('Segment')!.definedIn, 'child', 'a patched type belongs to the child');
    assert.equal(child.types.get('PokeSegment')!.definedIn, 'child');
  });

  test('the child’s protocol keys override the parent’s, key by key', () => {
    const child = byId(ir, 'child');
    assert.equal(child.info.name, 'child');
    assert.equal(child.info.title, 'Child');
    assert.equal(child.info.version, '2');
    assert.equal(child.info.extends, 'base');
    assert.deepEqual(child.info.envelope, { kind: 'retcode', 'message-fields': ['wording', 'msg'] });
    assert.deepEqual(child.info.transport, { http: { path: '/{action}', body: 'params' } });
  });

  test('the parent is unaffected by its child', () => {
    const base = byId(ir, 'base');
    assert.equal(base.info.extends, undefined);
    assert.deepEqual(base.info.envelope, { kind: 'retcode', 'message-fields': ['message'] });
    assert.deepEqual(
      base.actions.map((a) => a.name),
      ['send_msg', 'get_msg', 'delete_msg'],
    );
    const send = action(base, 'send_msg');
    assert.deepEqual(props(send.params), ['user_id', 'message', 'auto_escape']);
    assert.deepEqual(send.params!['required'], ['user_id', 'message']);
    assert.deepEqual(props(action(base, 'get_msg').params), ['message_id']);
    assert.deepEqual(
      base.unions.get('Segment')!.variants.map((v) => v.tag),
      ['text', 'face'],
    );
    assert.deepEqual([...base.types.keys()], ['Segment', 'TextSegment', 'FaceSegment', 'LegacyThing']);
  });

  test('the result does not depend on folder order (a child sorted before its parent)', (t) => {
    const root = tempDir(t);
    writeTree(root, {
      'zbase/protocol.yaml': protocolYaml('zbase') + BASE_ACTIONS.replace("'types.yaml#/types/Segment'", "'#/types/Segment'"),
      'zbase/types.yaml': BASE_TYPES,
      'achild/protocol.yaml': protocolYaml('achild', { extends: 'zbase' }),
      'achild/actions.yaml': 'remove:\n  actions: [get_msg]\n',
    });
    const out = loadIR(root);
    assert.deepEqual(
      out.map((p) => [p.id, p.actions.map((a) => a.name).join(',')]),
      [
        ['achild', 'send_msg,delete_msg'],
        ['zbase', 'send_msg,get_msg,delete_msg'],
      ],
    );
  });

  test('a grandchild inherits through its parent', (t) => {
    const root = tempDir(t);
    writeFamily(root, {
      'grand/protocol.yaml': protocolYaml('grand', { extends: 'child' }),
      'grand/more.yaml': 'patch:\n  actions:\n    get_status:\n      summary: 状态\n',
    });
    const grand = byId(loadIR(root), 'grand');
    assert.deepEqual(
      grand.actions.map((a) => a.name),
      ['send_msg', 'get_msg', 'get_status'],
    );
    assert.equal(action(grand, 'get_status').summary, '状态');
    assert.deepEqual(grand.info.envelope, { kind: 'retcode', 'message-fields': ['message'] }, "grand's own envelope replaces child's whole");
    assert.ok(grand.types.has('PokeSegment'));
  });
});

describe('extends errors', () => {
  const errorsFor = (t: { after(fn: () => void): void }, extra: Record<string, string>) => {
    const root = tempDir(t);
    writeFamily(root, extra);
    return { root, errors: schemaErrors(() => loadIR(root)) };
  };

  test('patching an absent action or type is an error', (t) => {
    const { root, errors } = errorsFor(t, {
      'child/actions.yaml': 'patch:\n  actions:\n    no_such_action:\n      summary: x\n  types:\n    NoSuchType:\n      description: x\n',
    });
    const file = shownPath(join(root, 'child/actions.yaml'));
    assert.deepEqual(
      errors.map((e) => `${e.file}:${e.line}:${e.col} ${e.path}: ${e.detail}`),
      [
        `${file}:7:7 /patch/types/NoSuchType: nothing to patch: base has no type NoSuchType`,
        `${file}:4:7 /patch/actions/no_such_action: nothing to patch: base has no action no_such_action`,
      ],
    );
  });

  test('removing an absent action or type is an error', (t) => {
    const { root, errors } = errorsFor(t, { 'child/actions.yaml': 'remove:\n  actions: [send_msg, gone]\n  types: [Missing]\n' });
    const file = shownPath(join(root, 'child/actions.yaml'));
    assert.deepEqual(
      errors.map((e) => `${e.file}:${e.line}:${e.col} ${e.path}: ${e.detail}`).sort(),
      [`${file}:2:23 /remove/actions/1: nothing to remove: no gone in base`, `${file}:3:11 /remove/types/0: nothing to remove: no Missing in base`].sort(),
    );
  });

  test('removing a type that is still referenced is reported where it is used', (t) => {
    const { errors } = errorsFor(t, { 'child/actions.yaml': 'remove:\n  types: [TextSegment]\n' });
    assert.ok(errors.length >= 1);
    assert.ok(
      errors.some((e) => e.path === '/types/Segment/oneOf/0/$ref' && e.detail === 'unknown type #/types/TextSegment'),
      errors.map((e) => e.message).join('\n'),
    );
  });

  test('a patch that deletes a required field is caught by the `required` check', (t) => {
    const { errors } = errorsFor(t, { 'child/actions.yaml': 'patch:\n  actions:\n    send_msg:\n      params:\n        properties:\n          message: null\n' });
    assert.deepEqual(
      errors.map((e) => [e.path, e.detail]),
      [['/patch/actions/send_msg/params/required/1', 'required "message" is not in properties']],
    );
  });

  test('an extends cycle is an error', (t) => {
    const root = tempDir(t);
    writeTree(root, {
      'a/protocol.yaml': protocolYaml('a', { extends: 'b' }),
      'b/protocol.yaml': protocolYaml('b', { extends: 'a' }),
      'self/protocol.yaml': protocolYaml('self', { extends: 'self' }),
    });
    const errors = schemaErrors(() => loadIR(root));
    assert.ok(errors.every((e) => e.path === '/protocol/extends'));
    assert.ok(errors.some((e) => e.detail === 'extends cycle: a → b → a'), errors.map((e) => e.message).join('\n'));
    assert.ok(errors.some((e) => e.detail.startsWith('extends cycle: self')), errors.map((e) => e.message).join('\n'));
    assert.ok(errors.some((e) => e.file === shownPath(join(root, 'a/protocol.yaml')) && e.line === 5 && e.col === 12));
  });

  test('extending a protocol folder that does not exist', (t) => {
    const root = tempDir(t);
    writeTree(root, { 'child/protocol.yaml': protocolYaml('child', { extends: 'nowhere' }) });
    const errors = schemaErrors(() => loadIR(root));
    assert.deepEqual(
      errors.map((e) => [e.path, e.detail]),
      [['/protocol/extends', 'no protocol folder "nowhere"']],
    );
  });
});

describe('extends, in the generated output', () => {
  const root = suiteTempDir();
  const out = join(root, 'out');
  const read = (id: string, file: string) => readFileSync(join(out, id, file), 'utf8');
  let written: string[] = [];

  before(() => {
    writeFamily(root);
    linkPackages(root);
    const result = generate({ schemasDir: root, outDir: out });
    assert.deepEqual(result.protocols, ['base', 'child']);
    written = result.written;
  });

  test('both protocols are written in full', () => {
    const files = ['README.md', 'client.d.ts', 'client.js', 'index.d.ts', 'index.js', 'protocol.json', 'types.d.ts', 'validators.d.ts', 'validators.js'];
    assert.deepEqual(
      written.map((f) => f.slice(out.length + 1)).sort(),
      [...files.map((f) => `base/${f}`), ...files.map((f) => `child/${f}`)].sort(),
    );
  });

  test('protocol.json lists exactly the resolved actions', () => {
    const child = JSON.parse(read('child', 'protocol.json')) as { protocol: Record<string, unknown>; actions: Record<string, { params: SchemaNode | null }>; $defs: Record<string, unknown> };
    const base = JSON.parse(read('base', 'protocol.json')) as typeof child;
    assert.deepEqual(Object.keys(child.actions), ['send_msg', 'get_msg', 'get_status']);
    assert.deepEqual(Object.keys(base.actions), ['send_msg', 'get_msg', 'delete_msg']);
    assert.deepEqual(Object.keys(child.$defs), ['Segment', 'TextSegment', 'FaceSegment', 'PokeSegment']);
    assert.deepEqual(Object.keys(base.$defs), ['Segment', 'TextSegment', 'FaceSegment', 'LegacyThing']);
    assert.deepEqual(props(child.actions['send_msg']!.params), ['user_id', 'message', 'group_id']);
    assert.equal(child.protocol['extends'], 'base');
    assert.deepEqual(child.protocol['envelope'], { kind: 'retcode', 'message-fields': ['wording', 'msg'] });
    assert.deepEqual(base.protocol['envelope'], { kind: 'retcode', 'message-fields': ['message'] });
  });

  test('types.d.ts declares the child’s types and omits removed ones', () => {
    const child = read('child', 'types.d.ts');
    const base = read('base', 'types.d.ts');
    assert.match(child, /export interface PokeSegment \{/);
    assert.match(child, /export type Segment = TextSegment \| FaceSegment \| PokeSegment;/);
    assert.match(child, /export interface GetStatusResult \{/);
    assert.match(child, /export interface SendMsgParams \{[^}]*user_id: number;[^]*?group_id\?: number;/);
    assert.doesNotMatch(child, /auto_escape/);
    assert.doesNotMatch(child, /LegacyThing/);
    assert.doesNotMatch(child, /DeleteMsg/);
    assert.match(child, /export type GetMsgResult = void;/);
    assert.match(base, /export type Segment = TextSegment \| FaceSegment;/);
    assert.match(base, /export type LegacyThing = string;/);
    assert.match(base, /export interface DeleteMsgParams \{/);
    assert.match(base, /auto_escape\?: boolean;/);
    assert.doesNotMatch(base, /Poke|GetStatus/);
    assert.doesNotMatch(base, /wording/);
  });

  test('validators: the child accepts the new variant and the patched params; the parent does not', async () => {
    const child = await importFile<Record<string, Validator>>(join(out, 'child', 'validators.js'));
    const base = await importFile<Record<string, Validator>>(join(out, 'base', 'validators.js'));
    const poke = { type: 'poke', data: { qq: 10001 } };
    assert.equal(child['Segment']!.check(poke), undefined);
    assert.equal(child['Segment']!.is(poke), true);
    assert.deepEqual(base['Segment']!.check(poke), [{ path: '', message: 'unknown type "poke"' }]);
    assert.deepEqual(child['Segment']!.check({ type: 'poke', data: { qq: 'x' } }), [{ path: '/data/qq', message: 'must be integer' }]);

    // `message` is no longer required in the child; `required: [user_id]` replaced the list.
    assert.equal(child['SendMsgParams']!.check({ user_id: 1, message: [poke] }), undefined);
    assert.equal(child['SendMsgParams']!.check({ user_id: 1 }), undefined);
    assert.deepEqual(base['SendMsgParams']!.check({ user_id: 1 }), [{ path: '', message: 'missing required property "message"' }]);
    assert.deepEqual(base['SendMsgParams']!.check({ user_id: 1, message: [poke] }), [{ path: '/message/0', message: 'unknown type "poke"' }]);
    assert.equal(child['DeleteMsgParams'], undefined);
    assert.equal(child['LegacyThing'], undefined);
    assert.ok(base['DeleteMsgParams']);
  });

  test('the child client has the child’s methods and envelope', async () => {
    const child = await importFile<{ createClient: (o: object) => Record<string, unknown>; protocol: { envelope: unknown; actions: Record<string, unknown> } }>(join(out, 'child', 'index.js'));
    const base = await importFile<typeof child>(join(out, 'base', 'index.js'));
    assert.deepEqual(child.protocol.envelope, { kind: 'retcode', messageFields: ['wording', 'msg'] });
    assert.deepEqual(base.protocol.envelope, { kind: 'retcode', messageFields: ['message'] });
    assert.deepEqual(Object.keys(child.protocol.actions), ['send_msg', 'get_msg', 'get_status']);
    const client = child.createClient({});
    assert.equal(typeof client['getStatus'], 'function');
    assert.equal(client['deleteMsg'], undefined);
    assert.equal(typeof base.createClient({})['deleteMsg'], 'function');
    const text = read('child', 'client.d.ts');
    assert.match(text, /getStatus\(params\?: T\.GetStatusParams, options\?: CallOptions\): Promise<T\.GetStatusResult>;/);
    assert.match(text, /getMsg\(params: T\.GetMsgParams, options\?: CallOptions\): Promise<T\.GetMsgResult>;/);
  });

  test('the child’s envelope message-fields drive ApiError messages', async () => {
    const child = await importFile<{ createClient: (o: object) => { getStatus: () => Promise<unknown> } }>(join(out, 'child', 'index.js'));
    const transport = {
      kind: 'test',
      request: async () => ({ body: { retcode: 100, wording: '群聊不存在', msg: 'GROUP_NOT_FOUND', message: 'ignored' }, raw: '{}' }),
      close: async () => undefined,
    };
    await assert.rejects(child.createClient({ transport }).getStatus(), (e: Error) => {
      assert.equal(e.name, 'ApiError');
      assert.match(e.message, /群聊不存在 \/ GROUP_NOT_FOUND$/);
      assert.doesNotMatch(e.message, /ignored/);
      return true;
    });
  });
});

describe('mergePatch (RFC 7396)', () => {
  test('objects merge, null deletes, arrays and scalars replace, the target is not mutated', () => {
    const target = { a: { b: 1, c: [1, 2] }, d: 'x', e: { f: 1 } };
    const snapshot = structuredClone(target);
    const out = mergePatch(target, { a: { c: [3], g: null, h: { i: 1 } }, d: null, e: 2 });
    assert.deepEqual(out, { a: { b: 1, c: [3], h: { i: 1 } }, e: 2 });
    assert.deepEqual(target, snapshot);
    assert.deepEqual(mergePatch({ a: 1 }, [1]), [1]);
    assert.deepEqual(mergePatch('x', { a: { b: null } }), { a: {} });
  });
});
