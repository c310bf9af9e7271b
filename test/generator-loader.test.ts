/**
 * Loader and resolver errors: every schema problem is a `SchemaError` that names file:line:col, the
 * JSON path and what was expected, and one run reports them all.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { SchemaError } from '../generator/errors.js';
import { loadIR } from '../generator/generate.js';
import { loadFile } from '../generator/load.js';
import { protocolYaml, repoSchemas, schemaErrors, SEND_MSG_ACTION, shownPath, tempDir, writeTree } from './helpers/generator-util.js';

type Ctx = { after(fn: () => void): void };

/** Writes one protocol folder `demo/` (or `id`) and returns the schemas root. */
function folder(t: Ctx, files: Record<string, string>, id = 'demo'): string {
  const root = tempDir(t);
  writeTree(root, Object.fromEntries(Object.entries(files).map(([name, text]) => [join(id, name), text])));
  return root;
}

function errorsOf(t: Ctx, files: Record<string, string>, id = 'demo'): { root: string; errors: SchemaError[] } {
  const root = folder(t, files, id);
  return { root, errors: schemaErrors(() => loadIR(root)) };
}

/** Asserts the message is exactly `file:line:col path: detail`, for a file of folder `demo`. */
function assertLocated(e: SchemaError, root: string, file: string, line: number, col: number, path: string, detail: RegExp | string): void {
  const shown = shownPath(join(root, 'demo', file));
  assert.equal(e.file, shown);
  assert.equal(e.line, line, `line of: ${e.message}`);
  assert.equal(e.col, col, `col of: ${e.message}`);
  assert.equal(e.path, path);
  if (typeof detail === 'string') assert.equal(e.detail, detail);
  else assert.match(e.detail, detail);
  assert.equal(e.message, `${shown}:${line}:${col} ${path || '/'}: ${e.detail}`);
}

const HEAD = protocolYaml('demo'); // lines 1..9; the next line is 10

describe('a minimal protocol', () => {
  test('loads into an IR with its action, envelope and transport', (t) => {
    const root = folder(t, { 'protocol.yaml': HEAD + SEND_MSG_ACTION });
    const [p, ...rest] = loadIR(root);
    assert.equal(rest.length, 0);
    assert.equal(p!.id, 'demo');
    assert.equal(p!.info.name, 'demo');
    assert.equal(p!.info.title, 'Demo');
    assert.deepEqual(p!.info.transport, { http: { path: '/{action}', body: 'params' } });
    assert.deepEqual(p!.info.envelope, { kind: 'retcode', 'message-fields': ['message'] });
    assert.deepEqual(
      p!.actions.map((a) => [a.name, a.paramsType, a.resultType]),
      [['send_msg', 'SendMsgParams', 'SendMsgResult']],
    );
  });

  test('the repo schemas load without errors', () => {
    const ids = loadIR(repoSchemas).map((p) => p.id);
    assert.ok(ids.includes('milky') && ids.includes('onebot11') && ids.includes('gocqhttp'), ids.join());
  });
});

describe('broken YAML', () => {
  test('bad indentation points at the mis-indented line', (t) => {
    const { root, errors } = errorsOf(t, {
      'protocol.yaml': `${HEAD}actions:
  send_msg:
    summary: x
   params: {}
`,
    });
    assert.equal(errors.length, 1);
    assertLocated(errors[0]!, root, 'protocol.yaml', 13, 1, '', /^YAML BAD_INDENT: All mapping items must start at the same column/);
  });

  test('a tab used as indentation', (t) => {
    const { root, errors } = errorsOf(t, { 'protocol.yaml': `${HEAD}actions:\n  send_msg:\n    summary: x\n\tparams: {}\n` });
    assertLocated(errors[0]!, root, 'protocol.yaml', 13, 1, '', /^YAML TAB_AS_INDENT/);
  });

  test('a duplicate key points at the second occurrence', (t) => {
    const { root, errors } = errorsOf(t, {
      'protocol.yaml': `${HEAD}actions:
  send_msg:
    summary: x
    category: a
    summary: y
    result: null
`,
    });
    assert.equal(errors.length, 1);
    assertLocated(errors[0]!, root, 'protocol.yaml', 14, 5, '', /^YAML DUPLICATE_KEY: Map keys must be unique/);
  });

  test('the YAML error of a second file is located in that file', (t) => {
    const { root, errors } = errorsOf(t, {
      'protocol.yaml': HEAD + SEND_MSG_ACTION,
      'types.yaml': 'types:\n  A: { type: string }\n  A: { type: integer }\n',
    });
    assert.equal(errors.length, 1);
    assertLocated(errors[0]!, root, 'types.yaml', 3, 3, '', /DUPLICATE_KEY/);
  });
});

describe('meta-schema violations', () => {
  test('an unknown key (`requried`) points at the key itself', (t) => {
    const { root, errors } = errorsOf(t, {
      'protocol.yaml': `${HEAD}actions:
  send_msg:
    summary: x
    params:
      type: object
      properties:
        a: { type: string }
      requried: [a]
    result: null
`,
    });
    assert.equal(errors.length, 1);
    assertLocated(errors[0]!, root, 'protocol.yaml', 17, 7, '/actions/send_msg/params', 'unknown key "requried"');
  });

  test('an unknown key in the protocol section', (t) => {
    const { root, errors } = errorsOf(t, { 'protocol.yaml': protocolYaml('demo', { extra: '  transprot: {}' }) + SEND_MSG_ACTION });
    assert.equal(errors.length, 1);
    assertLocated(errors[0]!, root, 'protocol.yaml', 10, 3, '/protocol', 'unknown key "transprot"');
  });

  test('a value of the wrong type names the path and the expected type', (t) => {
    const { root, errors } = errorsOf(t, {
      'protocol.yaml': `${HEAD}actions:
  send_msg:
    summary: x
    deprecated: "yes"
    result: null
`,
    });
    assert.equal(errors.length, 1);
    assertLocated(errors[0]!, root, 'protocol.yaml', 13, 17, '/actions/send_msg/deprecated', 'must be boolean');
  });

  test('an unknown JSON type lists the allowed ones', (t) => {
    const { root, errors } = errorsOf(t, {
      'protocol.yaml': `${HEAD}types:
  Name: { type: strin }
`,
    });
    const e = errors.find((x) => x.detail.startsWith('expected one of'));
    assert.ok(e, errors.map((x) => x.message).join('\n'));
    assertLocated(e, root, 'protocol.yaml', 11, 17, '/types/Name/type', 'expected one of "object", "array", "string", "integer", "number", "boolean", "null"');
  });

  test('a wrong enum value in the protocol section', (t) => {
    const head = HEAD.replace('kind: retcode', 'kind: retcodes');
    const { root, errors } = errorsOf(t, { 'protocol.yaml': head + SEND_MSG_ACTION });
    assert.equal(errors.length, 1);
    assertLocated(errors[0]!, root, 'protocol.yaml', 8, 11, '/protocol/envelope/kind', 'expected one of "retcode", "none"');
  });

  test('a `$ref` that is not `#/types/Name` shows the expected pattern', (t) => {
    const { root, errors } = errorsOf(t, {
      'protocol.yaml': `${HEAD}actions:
  send_msg:
    summary: x
    params:
      type: object
      properties:
        a: { $ref: '#/definitions/Foo' }
    result: null
`,
    });
    assert.equal(errors.length, 1);
    assertLocated(errors[0]!, root, 'protocol.yaml', 16, 20, '/actions/send_msg/params/properties/a/$ref', /^must match .*#\/types\/\[A-Z\]/);
  });

  test('a missing required key (`summary`) names it', (t) => {
    const { root, errors } = errorsOf(t, { 'protocol.yaml': `${HEAD}actions:\n  send_msg:\n    category: x\n` });
    assert.equal(errors.length, 1);
    assertLocated(errors[0]!, root, 'protocol.yaml', 12, 5, '/actions/send_msg', 'missing required key "summary"');
  });

  test('a protocol section without a title', (t) => {
    const { root, errors } = errorsOf(t, { 'protocol.yaml': HEAD.replace('  title: Demo\n', '') + SEND_MSG_ACTION });
    assert.equal(errors.length, 1);
    assertLocated(errors[0]!, root, 'protocol.yaml', 2, 3, '/protocol', 'missing required key "title"');
  });

  test('a bad action name names the pattern of action names', (t) => {
    const { root, errors } = errorsOf(t, { 'protocol.yaml': `${HEAD}actions:\n  send-msg!:\n    summary: x\n` });
    assert.equal(errors.length, 1);
    // The only action: the location is its key.
    assertLocated(errors[0]!, root, 'protocol.yaml', 11, 3, '/actions', 'invalid name "send-msg!": must match ^[.A-Za-z_][A-Za-z0-9_.]*$');
  });

  test('a bad type name names the pattern of type names', (t) => {
    const { root, errors } = errorsOf(t, { 'protocol.yaml': `${HEAD + SEND_MSG_ACTION}types:\n  lower_case: { type: string }\n` });
    assert.equal(errors.length, 1);
    // The only type: the location is its key.
    assertLocated(errors[0]!, root, 'protocol.yaml', 24, 3, '/types', 'invalid name "lower_case": must match ^[A-Z][A-Za-z0-9]*$');
  });

  test('a file is checked on its own by loadFile (the meta-schema is the repo one)', (t) => {
    const root = folder(t, { 'protocol.yaml': `${HEAD}actions:\n  x:\n    summary: 1\n    result: null\n` });
    const errors = schemaErrors(() => loadFile(join(root, 'demo', 'protocol.yaml'), join(repoSchemas, 'qqwire.schema.json')));
    assert.equal(errors.length, 1);
    assertLocated(errors[0]!, root, 'protocol.yaml', 12, 14, '/actions/x/summary', 'must be string');
  });
});

describe('reference and structure checks', () => {
  test('an unknown `$ref` type', (t) => {
    const { root, errors } = errorsOf(t, {
      'protocol.yaml': `${HEAD}actions:
  send_msg:
    summary: x
    params:
      type: object
      properties:
        a: { $ref: '#/types/Nope' }
    result: null
`,
    });
    assert.equal(errors.length, 1);
    assertLocated(errors[0]!, root, 'protocol.yaml', 16, 20, '/actions/send_msg/params/properties/a/$ref', 'unknown type #/types/Nope');
  });

  test('an unknown `$ref` inside a type (items)', (t) => {
    const { root, errors } = errorsOf(t, {
      'protocol.yaml': `${HEAD + SEND_MSG_ACTION}types:
  List:
    type: array
    items: { $ref: '#/types/Missing' }
`,
    });
    assert.equal(errors.length, 1);
    assertLocated(errors[0]!, root, 'protocol.yaml', 26, 20, '/types/List/items/$ref', 'unknown type #/types/Missing');
  });

  test('`required` naming a property that does not exist', (t) => {
    const { root, errors } = errorsOf(t, {
      'protocol.yaml': `${HEAD}actions:
  send_msg:
    summary: x
    params:
      type: object
      properties:
        a: { type: string }
      required: [a, b]
    result: null
`,
    });
    assert.equal(errors.length, 1);
    assertLocated(errors[0]!, root, 'protocol.yaml', 17, 21, '/actions/send_msg/params/required/1', 'required "b" is not in properties');
  });

  test('a tagged union variant without a const tag', (t) => {
    const { root, errors } = errorsOf(t, {
      'protocol.yaml': `${HEAD + SEND_MSG_ACTION}types:
  Segment:
    discriminator: { propertyName: type }
    oneOf:
      - $ref: '#/types/TextSegment'
  TextSegment:
    type: object
    properties:
      type: { type: string }
    required: [type]
`,
    });
    assert.equal(errors.length, 1);
    assertLocated(errors[0]!, root, 'protocol.yaml', 27, 9, '/types/Segment/oneOf/0', 'TextSegment needs properties.type.const (a string)');
  });

  test('a tagged union variant whose tag is not required', (t) => {
    const { errors } = errorsOf(t, {
      'protocol.yaml': `${HEAD + SEND_MSG_ACTION}types:
  Segment:
    discriminator: { propertyName: type }
    oneOf:
      - $ref: '#/types/TextSegment'
  TextSegment:
    type: object
    properties:
      type: { const: text }
`,
    });
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.path, '/types/Segment/oneOf/0');
    assert.equal(errors[0]!.detail, 'TextSegment must list "type" in required');
  });

  test('a tagged union branch that is not a `$ref`, and a tag used twice', (t) => {
    const { errors } = errorsOf(t, {
      'protocol.yaml': `${HEAD + SEND_MSG_ACTION}types:
  Segment:
    discriminator: { propertyName: type }
    oneOf:
      - $ref: '#/types/A'
      - $ref: '#/types/B'
      - type: object
  A:
    type: object
    properties: { type: { const: text } }
    required: [type]
  B:
    type: object
    properties: { type: { const: text } }
    required: [type]
`,
    });
    assert.deepEqual(
      errors.map((e) => [e.path, e.detail]),
      [
        ['/types/Segment/oneOf/1', 'tag "text" is used twice'],
        ['/types/Segment/oneOf/2', 'each branch of a tagged union must be a `$ref` to a named type'],
      ],
    );
  });

  test('a file ref to a missing file and to a type the file does not define', (t) => {
    const { root, errors } = errorsOf(t, {
      'protocol.yaml': `${HEAD}actions:
  send_msg:
    summary: x
    params:
      type: object
      properties:
        a: { $ref: 'other.yaml#/types/X' }
        b: { $ref: 'types.yaml#/types/Y' }
        c: { $ref: 'types.yaml#/types/Z' }
    result: null
`,
      'types.yaml': 'types:\n  Z: { type: string }\n',
    });
    assert.equal(errors.length, 2, errors.map((e) => e.message).join('\n'));
    assertLocated(errors[0]!, root, 'protocol.yaml', 16, 20, '/actions/send_msg/params/properties/a/$ref', 'no file other.yaml in demo/');
    assertLocated(errors[1]!, root, 'protocol.yaml', 17, 20, '/actions/send_msg/params/properties/b/$ref', 'types.yaml defines no type Y');
  });

  test('a valid file ref is normalised to `#/types/Name`', (t) => {
    const root = folder(t, {
      'protocol.yaml': `${HEAD}actions:
  send_msg:
    summary: x
    params:
      type: object
      properties:
        c: { $ref: 'types.yaml#/types/Z' }
    result: null
`,
      'types.yaml': 'types:\n  Z: { type: string }\n',
    });
    const [p] = loadIR(root);
    const params = p!.actions[0]!.params!;
    assert.ok(params.kind === 'object');
    const c = params.props.find((x) => x.name === 'c')!.node;
    assert.deepEqual(c.kind === 'ref' && c.name, 'Z');
  });

  test('`protocol.name` must equal the folder name', (t) => {
    const { root, errors } = errorsOf(t, { 'protocol.yaml': protocolYaml('other') + SEND_MSG_ACTION });
    assert.equal(errors.length, 1);
    assertLocated(errors[0]!, root, 'protocol.yaml', 2, 9, '/protocol/name', 'must equal the folder name "demo"');
  });

  test('a folder without a protocol section, and one with two', (t) => {
    const none = errorsOf(t, { 'actions.yaml': SEND_MSG_ACTION });
    assert.equal(none.errors.length, 1);
    assert.equal(none.errors[0]!.detail, 'no file has a `protocol:` section');
    const two = errorsOf(t, { 'a.yaml': HEAD, 'b.yaml': HEAD + SEND_MSG_ACTION });
    assert.equal(two.errors.length, 1);
    assertLocated(two.errors[0]!, two.root, 'b.yaml', 2, 3, '/protocol', 'a second `protocol:` section (only one file may have it)');
  });

  test('two files defining the same type name both places', (t) => {
    const { root, errors } = errorsOf(t, {
      'protocol.yaml': `${HEAD + SEND_MSG_ACTION}types:\n  Foo: { type: string }\n`,
      'more.yaml': 'types:\n  Bar: { type: string }\n  Foo: { type: integer }\n',
    });
    assert.equal(errors.length, 1);
    const e = errors[0]!;
    // Files load in name order: more.yaml defines Foo first, protocol.yaml is the duplicate.
    assertLocated(e, root, 'protocol.yaml', 24, 8, '/types/Foo', `type Foo is also defined at ${shownPath(join(root, 'demo', 'more.yaml'))}`);
    assert.ok(e.message.includes('protocol.yaml') && e.message.includes('more.yaml'));
  });

  test('two files defining the same action name both places', (t) => {
    const { root, errors } = errorsOf(t, { 'protocol.yaml': HEAD + SEND_MSG_ACTION, 'actions.yaml': SEND_MSG_ACTION });
    assert.equal(errors.length, 1);
    const e = errors[0]!;
    assert.equal(e.file, shownPath(join(root, 'demo', 'protocol.yaml')));
    assert.equal(e.path, '/actions/send_msg');
    assert.equal(e.detail, `action send_msg is also defined at ${shownPath(join(root, 'demo', 'actions.yaml'))}`);
  });

  test('`patch` without `extends`', (t) => {
    const { errors } = errorsOf(t, { 'protocol.yaml': `${HEAD + SEND_MSG_ACTION}patch:\n  actions:\n    send_msg: { summary: y }\n` });
    assert.deepEqual(errors.map((e) => [e.path, e.detail]), [['/patch', '`patch` and `remove` need `protocol.extends`']]);
  });

  test('an action variant that protocol.action-variants does not declare', (t) => {
    const { errors } = errorsOf(t, { 'protocol.yaml': `${HEAD}actions:\n  send_msg:\n    summary: x\n    variants: [async]\n    result: null\n` });
    assert.deepEqual(errors.map((e) => [e.line, e.col, e.path, e.detail]), [[13, 16, '/actions/send_msg/variants/0', 'no action variant "async" in protocol.action-variants']]);
  });

  test('an alias that collides with another action', (t) => {
    const { errors } = errorsOf(t, { 'protocol.yaml': `${HEAD}actions:\n  a:\n    summary: x\n    aliases: [b]\n    result: null\n  b:\n    summary: y\n    result: null\n` });
    assert.deepEqual(errors.map((e) => [e.path, e.detail]), [['/actions/b', 'action name b is produced twice']]);
  });

  test('`http` on an action of a non-REST protocol', (t) => {
    const { errors } = errorsOf(t, { 'protocol.yaml': `${HEAD}actions:\n  a:\n    summary: x\n    http: { method: GET, path: /a }\n    result: null\n` });
    assert.deepEqual(errors.map((e) => [e.line, e.path, e.detail]), [[13, '/actions/a/http', '`http` needs `transport.rest: true`']]);
  });

  // A REST protocol head: lines 1..7, the next line is 8.
  const REST_HEAD = 'protocol:\n  name: demo\n  title: Demo\n  version: "1"\n  transport:\n    rest: true\n  envelope: { kind: none }\n';

  test('a request body on a GET', (t) => {
    const { root, errors } = errorsOf(t, {
      'protocol.yaml': `${REST_HEAD}actions:\n  a:\n    summary: x\n    http: { method: GET, path: /a, body: json }\n    result: null\n`,
    });
    assert.equal(errors.length, 1);
    assertLocated(errors[0]!, root, 'protocol.yaml', 11, 42, '/actions/a/http/body', 'a GET request has no body: drop `body` or use another method');
  });

  test('an unknown request body kind', (t) => {
    const { errors } = errorsOf(t, {
      'protocol.yaml': `${REST_HEAD}actions:\n  a:\n    summary: x\n    http: { method: POST, path: /a, body: form }\n    result: null\n`,
    });
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.path, '/actions/a/http/body');
    assert.match(errors[0]!.detail, /json.*multipart/);
  });
});

describe('several errors at once', () => {
  test('every meta-schema error of every file of a folder', (t) => {
    const { root, errors } = errorsOf(t, {
      'protocol.yaml': `${HEAD}actions:\n  x:\n    summry: x\n`,
      'types.yaml': 'types:\n  T:\n    type: object\n    requried: []\n',
    });
    const shown = (f: string) => shownPath(join(root, 'demo', f));
    assert.deepEqual(
      errors.map((e) => `${e.file}:${e.line}:${e.col} ${e.path}: ${e.detail}`).sort(),
      [
        `${shown('protocol.yaml')}:12:5 /actions/x: missing required key "summary"`,
        `${shown('protocol.yaml')}:12:5 /actions/x: unknown key "summry"`,
        `${shown('types.yaml')}:4:5 /types/T: unknown key "requried"`,
      ].sort(),
    );
  });

  test('every resolve error of every protocol', (t) => {
    const root = tempDir(t);
    writeTree(root, {
      'a/protocol.yaml': `${protocolYaml('a')}actions:
  x:
    summary: x
    params:
      type: object
      properties:
        p: { $ref: '#/types/Nope' }
      required: [p, q]
    result: null
`,
      'b/protocol.yaml': `${protocolYaml('b')}actions:\n  y:\n    summary: y\n    result: { $ref: '#/types/Missing' }\n`,
      'c/protocol.yaml': protocolYaml('c') + SEND_MSG_ACTION,
    });
    const errors = schemaErrors(() => loadIR(root));
    assert.deepEqual(
      errors.map((e) => `${e.file}:${e.line}:${e.col} ${e.path}: ${e.detail}`).sort(),
      [
        `${shownPath(join(root, 'a/protocol.yaml'))}:16:20 /actions/x/params/properties/p/$ref: unknown type #/types/Nope`,
        `${shownPath(join(root, 'a/protocol.yaml'))}:17:21 /actions/x/params/required/1: required "q" is not in properties`,
        `${shownPath(join(root, 'b/protocol.yaml'))}:13:21 /actions/y/result/$ref: unknown type #/types/Missing`,
      ].sort(),
    );
  });
});

describe('names and references the emitters could not honour', () => {
  test('a constraint beside a $ref is an error (it would be silently dropped)', (t) => {
    const yaml = `${HEAD}types:\n  Num: { type: integer }\nactions:\n  a:\n    summary: x\n    params:\n      type: object\n      properties:\n        n: { $ref: '#/types/Num', maximum: 5 }\n    result: null\n`;
    const { root, errors } = errorsOf(t, { 'protocol.yaml': yaml });
    assert.equal(errors.length, 1);
    assertLocated(errors[0]!, root, 'protocol.yaml', 18, 12, '/actions/a/params/properties/n', /`\$ref` cannot be combined with maximum/);
  });

  test('two actions whose generated type names collide are an error', (t) => {
    const action = (name: string, field: string) =>
      `  ${name}:\n    summary: x\n    params:\n      type: object\n      properties:\n        ${field}: { type: string }\n    result: null\n`;
    const { errors } = errorsOf(t, { 'protocol.yaml': `${HEAD}actions:\n${action('get_msg', 'a')}${action('get.msg', 'b')}` });
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.detail, /generated type name GetMsgParams \(of get\.msg\) is produced by two different actions/);
  });

  test('an inline params type that shadows a named type is an error', (t) => {
    const yaml = `${HEAD}types:\n  SendThingParams: { type: object }\nactions:\n  send_thing:\n    summary: x\n    params:\n      type: object\n      properties:\n        a: { type: string }\n    result: null\n`;
    const { errors } = errorsOf(t, { 'protocol.yaml': yaml });
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.detail, /SendThingParams \(of send_thing\) clashes with the type of that name/);
  });
});
