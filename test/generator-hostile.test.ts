/**
 * Hostile schemas, as a careless or malicious author would write them. Each case is either rejected
 * with a located message (file:line:col, JSON pointer, what to fix), or generates output that
 * type-checks and, when imported, runs nothing that came from the schema text.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { generate, loadIR } from '../generator/generate.js';
import { importFile, linkPackages, protocolYaml, schemaErrors, suiteTempDir, tempDir, tscPath, writeTree, type Validator } from './helpers/generator-util.js';

/** Text that would run code if pasted raw into a `//` comment, a `/* *\/` block or a string. */
const PAYLOAD = String.raw`x */ globalThis.PWNED = 1; /* \n globalThis.PWNED = 2; // \r globalThis.PWNED = 3; \u2028 globalThis.PWNED = 4; \u2029 globalThis.PWNED = 5; ' " `;
const yamlString = (s: string) => `"${s.replace(/"/g, '\\"')}"`;

const ACCEPTED: Record<string, string> = {
  'injected/protocol.yaml': `${protocolYaml('injected', { title: yamlString(PAYLOAD), version: `1\\n globalThis.PWNED = 6; //` })}types:
  Mode:
    enum: [${yamlString('a\\nb')}, ${yamlString("it's \\u2028 */")}, ${yamlString('back\\\\slash')}]
    description: ${yamlString(PAYLOAD)}
  Seg:
    discriminator: { propertyName: type }
    oneOf: [{ $ref: '#/types/TextSeg' }, { $ref: '#/types/NodeSeg' }]
  TextSeg:
    type: object
    properties:
      type: { const: ${yamlString('te"xt\\n')} }
      text: { type: string, description: ${yamlString(PAYLOAD)} }
    required: [type, text]
  NodeSeg:
    type: object
    description: A forward node holds messages (recursion through an array).
    properties:
      type: { const: node }
      content: { type: array, items: { $ref: '#/types/Seg' } }
    required: [type, content]
  Point:
    type: array
    prefixItems: [{ type: integer, format: int64 }, { type: string }]
actions:
  then:
    summary: ${yamlString(PAYLOAD)}
    params:
      type: object
      properties:
        mode: { $ref: '#/types/Mode' }
        "a'b */": { type: string, description: ${yamlString(PAYLOAD)} }
        segs: { type: array, items: { $ref: '#/types/Seg' } }
        point: { $ref: '#/types/Point' }
    result:
      type: object
      properties:
        point: { $ref: '#/types/Point' }
      required: [point]
  call:
    summary: clashes with the client's own call()
    result: null
`,
  // Event names come from schema consts: each lands in a string key, a JSDoc, a Markdown heading and an anchor.
  'hostevents/protocol.yaml': `protocol:
  name: hostevents
  title: Hostile events
  version: "1"
  transport:
    http: { path: '/{action}', body: params }
    events:
      type: Ev
      name: { parts: [[kind]] }
types:
  Ev:
    discriminator: { propertyName: kind }
    oneOf: [{ $ref: '#/types/QuoteEv' }, { $ref: '#/types/CommentEv' }]
  QuoteEv:
    type: object
    description: ${yamlString(PAYLOAD)}
    properties:
      kind: { const: ${yamlString("a'b */\\n` | #x")} }
      n: { type: integer }
    required: [kind, n]
  CommentEv:
    type: object
    properties:
      kind: { const: ${yamlString('*/ globalThis.PWNED = 7; /* \\u2028 "')} }
    required: [kind]
`,
};
const QUOTE_EVENT = "a'b */\n` | #x";
const COMMENT_EVENT = '*/ globalThis.PWNED = 7; /* \u2028 "';
/** A string literal for use.ts: U+2028 escaped too, or tsc counts it as a line break. */
const tsString = (s: string) => JSON.stringify(s).replace(/\u2028/g, '\\u2028');

describe('hostile schemas that are accepted: output compiles and runs nothing injected', () => {
  const dir = suiteTempDir('qqwire-hostile-');
  const out = join(dir, 'out');
  before(() => {
    writeTree(join(dir, 'schemas'), ACCEPTED);
    generate({ schemasDir: join(dir, 'schemas'), outDir: out });
    linkPackages(dir);
  });

  test('every generated .d.ts and a use of the client type-check (strict, no ambient types)', () => {
    writeFileSync(
      join(dir, 'use.ts'),
      [
        "import { createClient } from './out/injected/index.js';",
        "import type { Mode, Seg, Point } from './out/injected/types.js';",
        "const modes: Mode[] = ['a\\nb', \"it's \\u2028 */\", 'back\\\\slash'];",
        "const seg: Seg = { type: 'node', content: [{ type: 'te\"xt\\n', text: 'hi' }, { type: 'node', content: [] }] };",
        "const point: Point = [1, 'x'];",
        'const client = createClient();',
        "export const p = client.thenAction({ mode: modes[0], segs: [seg], point, \"a'b */\": 's' });",
        'export const q: Promise<void> = client.callAction();',
        '// @ts-expect-error not a member of Mode',
        "export const bad: Mode = 'c';",
        "import { createHosteventsEventHub } from './out/hostevents/index.js';",
        'const hub = createHosteventsEventHub();',
        `hub.on(${tsString(QUOTE_EVENT)}, (e) => e.n + 1);`,
        `hub.on(${tsString(COMMENT_EVENT)}, (e) => e.kind);`,
        '// @ts-expect-error the comment event has no n',
        `hub.on(${tsString(COMMENT_EVENT)}, (e) => e.n);`,
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', types: [], lib: ['es2022'], noEmit: true },
        include: ['use.ts', 'out/**/*.d.ts'],
      }),
    );
    const run = spawnSync(process.execPath, [tscPath, '-p', dir], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stdout + run.stderr);
  });

  test('importing the generated modules runs nothing from the schema text', async () => {
    delete (globalThis as { PWNED?: unknown }).PWNED;
    const mod = await importFile<{ createClient: (o?: object) => Record<string, unknown>; protocol: { title: string; version: string; actions: object } }>(
      join(out, 'injected', 'index.js'),
    );
    await importFile(join(out, 'injected', 'validators.js'));
    const events = await importFile<{ eventValidators: Record<string, Validator>; createHosteventsEventHub: () => { nameOf(p: unknown): string | undefined } }>(join(out, 'hostevents', 'index.js'));
    assert.equal((globalThis as { PWNED?: unknown }).PWNED, undefined);
    // Event names arrive byte for byte, each with its validator, and the hub names payloads the same way.
    assert.deepEqual(Object.keys(events.eventValidators), [QUOTE_EVENT, COMMENT_EVENT]);
    assert.ok(events.eventValidators[QUOTE_EVENT]!.is({ kind: QUOTE_EVENT, n: 1 }));
    assert.ok(!events.eventValidators[QUOTE_EVENT]!.is({ kind: QUOTE_EVENT, n: 'x' }));
    assert.equal(events.createHosteventsEventHub().nameOf({ kind: COMMENT_EVENT }), COMMENT_EVENT);
    const readme = readFileSync(join(out, 'hostevents', 'README.md'), 'utf8');
    assert.ok(!/^#### [^`]/m.test(readme.slice(readme.indexOf('## Events'))), 'each event heading is one inline code span');
    assert.ok(!readme.includes('<a id="event-a\'b'), 'anchors keep only safe characters');
    // The text arrives as data, byte for byte.
    assert.equal(mod.protocol.title, PAYLOAD.replace(/\\n/g, '\n').replace(/\\r/g, '\r').replace(/\\u2028/g, '\u2028').replace(/\\u2029/g, '\u2029'));
    assert.equal(mod.protocol.version, '1\n globalThis.PWNED = 6; //');
  });

  test('an action named `then` does not make the client thenable; one named `call` does not replace call()', async () => {
    const mod = await importFile<{ createClient: (o?: object) => Record<string, unknown>; protocol: { actions: Record<string, unknown> } }>(join(out, 'injected', 'index.js'));
    const client = mod.createClient({ baseUrl: 'http://127.0.0.1:9' });
    assert.equal(client['then'], undefined);
    assert.equal(typeof client['thenAction'], 'function');
    assert.equal(typeof client['callAction'], 'function');
    assert.equal(await Promise.resolve(client), client, 'awaiting the client settles with the client');
    assert.deepEqual(Object.keys(mod.protocol.actions), ['then', 'call']);
    assert.equal(Object.getPrototypeOf(mod.protocol.actions), null, 'no inherited "toString" action');
  });

  test('hostile enum values, tags and property names validate exactly as written', async () => {
    const v = await importFile<Record<string, Validator>>(join(out, 'injected', 'validators.js'));
    assert.ok(v['Mode']!.is('a\nb'));
    assert.ok(v['Mode']!.is("it's \u2028 */"));
    assert.ok(!v['Mode']!.is('a\\nb'));
    assert.ok(v['Seg']!.is({ type: 'node', content: [{ type: 'node', content: [{ type: 'te"xt\n', text: '' }] }] }));
    assert.deepEqual(v['Seg']!.check({ type: 'node', content: [{ type: 'node', content: [{ type: 'nope' }] }] })?.[0]?.path, '/content/0/content/0');
    assert.ok(v['ThenParams']!.is({ "a'b */": 'x' }));
    assert.ok(!v['ThenParams']!.is({ "a'b */": 1 }));
  });

  test('a `prefixItems` tuple without minItems: validator, types and int64 plan agree', async () => {
    const v = await importFile<Record<string, Validator>>(join(out, 'injected', 'validators.js'));
    assert.ok(v['Point']!.is([1, 'x']));
    assert.ok(v['Point']!.is([1]), 'prefixItems alone does not make positions required');
    assert.ok(!v['Point']!.is(['x', 1]));
    const mod = await importFile<{ protocol: { plans: Record<string, unknown> } }>(join(out, 'injected', 'index.js'));
    assert.deepEqual(mod.protocol.plans['Point'], { k: 'tup', t: [{ k: 'i64' }, null] });
    const types = readFileSync(join(out, 'injected', 'types.d.ts'), 'utf8');
    assert.match(types, /export type Point<I64 extends Int64Repr = number> = \[I64\?, string\?, \.\.\.unknown\[\]\];/);
  });

  test('generated headers and docs keep the payload inside its comment / cell', () => {
    for (const file of ['client.js', 'client.d.ts', 'types.d.ts', 'validators.js', 'index.js']) {
      const text = readFileSync(join(out, 'injected', file), 'utf8');
      assert.equal(text.split('\n')[0]!.includes('\u2028') || text.split('\n')[0]!.includes('\r'), false, file);
      assert.doesNotMatch(text, /^\s*globalThis\.PWNED/m, file);
    }
    const readme = readFileSync(join(out, 'injected', 'README.md'), 'utf8');
    assert.doesNotMatch(readme, /^\s*globalThis\.PWNED/m);
    assert.match(readme, /^# x \*\/ globalThis\.PWNED = 1; .* — qqwire client$/m);
  });
});

/** Schema → the loader's messages as `line:col path: detail` (file checked separately). */
function rejected(t: { after(fn: () => void): void }, files: Record<string, string>): string[] {
  const root = tempDir(t);
  writeTree(root, Object.fromEntries(Object.entries(files).map(([k, v]) => [`demo/${k}`, v])));
  return schemaErrors(() => loadIR(root)).map((e) => {
    assert.match(e.file, /demo[\\/]\w+\.yaml$/);
    return `${e.line}:${e.col} ${e.path}: ${e.detail}`;
  });
}

const HEAD = protocolYaml('demo');
const action = (name: string) => `  ${JSON.stringify(name)}:\n    summary: x\n    result: null\n`;

describe('hostile schemas that are rejected at load, located', () => {
  test('action names that would break the descriptor or build no method name', (t) => {
    const errors = rejected(t, { 'protocol.yaml': `${HEAD}actions:\n${action('__proto__')}${action('_')}${action('._.')}` });
    assert.deepEqual(errors, [
      '12:5 /actions/__proto__: action name "__proto__" is reserved (it would change the descriptor object\'s prototype)',
      '15:5 /actions/_: action name "_" has no letter or digit to build a method name from',
      '18:5 /actions/._.: action name "._." has no letter or digit to build a method name from',
    ]);
  });

  test('type names the generated files declare themselves', (t) => {
    const errors = rejected(t, { 'protocol.yaml': `${HEAD}types:\n  Actions: { type: string }\n  Int64Repr: { type: string }\n  T: { type: string }\n  DemoClient: { type: string }\n` });
    assert.deepEqual(
      errors.map((e) => e.replace(/^\d+:\d+ /, '')),
      ['Actions', 'Int64Repr', 'T', 'DemoClient'].map((n) => `/types/${n}: type name ${n} is reserved by the generated code: rename it`),
    );
  });

  test('a `$ref` cycle with nothing in between, and a union of itself', (t) => {
    const errors = rejected(t, {
      'protocol.yaml': `${HEAD}types:\n  A: { $ref: '#/types/B' }\n  B: { $ref: '#/types/A' }\n  Msg:\n    oneOf: [{ type: string }, { $ref: '#/types/Msg' }]\n`,
    });
    assert.deepEqual(errors, [
      '11:6 /types/A: type A refers to itself without an object or array in between (A → B → A)',
      '14:5 /types/Msg: type Msg refers to itself without an object or array in between (Msg → Msg)',
    ]);
  });

  test('a tagged union written inline instead of as a named type', (t) => {
    const errors = rejected(t, {
      'protocol.yaml': `${HEAD}types:\n  T1: { type: object, properties: { type: { const: a } }, required: [type] }\n  Box:\n    type: object\n    properties:\n      seg:\n        discriminator: { propertyName: type }\n        oneOf: [{ $ref: '#/types/T1' }]\n`,
    });
    assert.deepEqual(errors, ['16:9 /types/Box/properties/seg: a tagged union must be a named type of its own: move it under `types:` and `$ref` it']);
  });

  test('keywords that do not apply to the schema they sit on', (t) => {
    const errors = rejected(t, { 'protocol.yaml': `${HEAD}types:\n  O: { type: object, minimum: 1, items: { type: string } }\n  S: { type: string, format: int64 }\n` });
    assert.deepEqual(errors, [
      '11:31 /types/O/minimum: `minimum` does not apply to an object schema',
      '11:41 /types/O/items: `items` does not apply to an object schema',
      '12:30 /types/S/format: `format: int64` needs `type: integer`',
    ]);
  });

  test('a YAML alias bomb is refused with the file name, not a ReferenceError', (t) => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((c, i) => `${c}: &${c} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(', ')}]`)].join('\n');
    const errors = rejected(t, { 'protocol.yaml': `${HEAD}x-bomb:\n  ${bomb.replace(/\n/g, '\n  ')}\n` });
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /^1:1 : YAML aliases expand too far \(.*\): write the repeated part out or use a named type$/);
  });

  test('an action without `result` says how to write "no data"', (t) => {
    const errors = rejected(t, { 'protocol.yaml': `${HEAD}actions:\n  a:\n    summary: x\n` });
    assert.deepEqual(errors, ['12:5 /actions/a: missing `result`: give its schema, or `result: null` when the action answers with no data']);
  });

  test('a misspelt `$ref` target suggests the nearest type', (t) => {
    const errors = rejected(t, { 'protocol.yaml': `${HEAD}types:\n  Message: { type: string }\n  Box: { type: object, properties: { m: { $ref: '#/types/Mesage' } } }\n` });
    assert.deepEqual(errors, ["12:49 /types/Box/properties/m/$ref: unknown type #/types/Mesage (did you mean Message?)"]);
  });
});
