/**
 * Given → want, per emitter, with no YAML and no disk: a schema node in, the TypeScript type, the
 * validator's JSON Schema, the decode plan, the docs row and the wire schema out.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Facts } from '../generator/analyze.js';
import { docType, fieldRows } from '../generator/emit-docs.js';
import { typeText } from '../generator/emit-types.js';
import { blockComment, lineComment, mdCell, mdCode, singleQuoted } from '../generator/escape.js';
import { validatorSchema, wireSchema } from '../generator/json-schema.js';
import { children, walk, type Node } from '../generator/node.js';
import { normalise } from '../generator/normalise.js';
import { planOf } from '../generator/plans.js';

const NO_FACTS: Facts = { i64: new Set(), inputDiffers: new Set(), recursive: new Set(), nullish: false };

/** A raw schema → its node; any problem fails the test. */
function node(raw: object): Node {
  const problems: string[] = [];
  const n = normalise(raw, '', (pointer, detail) => problems.push(`${pointer}: ${detail}`));
  assert.deepEqual(problems, []);
  return n;
}

function problems(raw: object): string[] {
  const out: string[] = [];
  normalise(raw, '/types/X', (pointer, detail) => out.push(`${pointer}: ${detail}`));
  return out;
}

const ts = (raw: object, dir: 'in' | 'out' = 'out', facts = NO_FACTS, i64Names: ReadonlySet<string> = new Set()) => typeText(node(raw), dir, { facts, i64Names });

describe('normalise: raw schema → node kind', () => {
  const cases: [string, object, Node['kind']][] = [
    ['ref', { $ref: '#/types/Uin', description: 'x' }, 'ref'],
    ['int64 scalar', { type: 'integer', format: 'int64' }, 'scalar'],
    ['nullable multi-type scalar', { type: ['string', 'integer', 'null'] }, 'scalar'],
    ['const', { const: 'text' }, 'literal'],
    ['enum with type', { type: 'string', enum: ['a', 'b'] }, 'literal'],
    ['object by properties alone', { properties: { a: { type: 'string' } } }, 'object'],
    ['array', { type: 'array', items: { type: 'string' } }, 'array'],
    ['tuple', { type: 'array', prefixItems: [{ type: 'string' }] }, 'tuple'],
    ['tagged union', { discriminator: { propertyName: 'type' }, oneOf: [{ $ref: '#/types/A' }] }, 'union'],
    ['alternatives', { anyOf: [{ type: 'string' }, { type: 'integer' }] }, 'alt'],
    ['anything', { description: 'free' }, 'any'],
  ];
  for (const [what, raw, kind] of cases) test(`${what} → ${kind}`, () => assert.equal(node(raw).kind, kind));

  test('docs and x- facts become typed fields; unknown x- keys are kept for protocol.json', () => {
    const n = node({ type: 'integer', description: '时间', 'x-description-en': 'time', 'x-unit': 's', 'x-since': '1.1', default: 0, 'x-vendor': { a: 1 } });
    assert.deepEqual(n.doc, { description: '时间', descriptionEn: 'time', unit: 's', since: '1.1', default: { value: 0 }, extra: { 'x-vendor': { a: 1 } } });
  });

  test('`walk` reaches every child of an object, array, tuple and alternatives', () => {
    const n = node({ type: 'object', properties: { a: { type: 'array', items: { prefixItems: [{ const: 1 }] } }, b: { anyOf: [{ type: 'string' }] } }, additionalProperties: { type: 'boolean' } });
    const kinds: string[] = [];
    const visit = (x: Node): void => {
      kinds.push(x.kind);
      children(x).forEach(visit);
    };
    visit(n);
    assert.deepEqual(kinds, ['object', 'array', 'tuple', 'literal', 'alt', 'scalar', 'scalar']);
    assert.equal(walk<number>(n, { ref: () => 1, scalar: () => 1, literal: () => 1, any: () => 1, binary: () => 1, union: () => 1, alt: (x, s) => 1 + x.options.map(s).reduce((a, b) => a + b, 0), array: (x, s) => 1 + (x.items ? s(x.items) : 0), tuple: (x, s) => 1 + x.items.map(s).reduce((a, b) => a + b, 0), object: (x, s) => 1 + x.props.map((p) => s(p.node)).reduce((a, b) => a + b, 0) + (typeof x.additional === 'object' ? s(x.additional) : 0) }), 7);
  });

  test('shapes the format cannot express are reported at their pointer', () => {
    assert.deepEqual(problems({ type: ['object', 'string'], properties: {} }), ['/types/X/type: an object cannot also be string: use `oneOf`']);
    assert.deepEqual(problems({ type: 'string', minItems: 1 }), ['/types/X/minItems: `minItems` does not apply to a scalar schema']);
    assert.deepEqual(problems({ $ref: '#/types/A', minimum: 1 }), ['/types/X: `$ref` cannot be combined with minimum: define a named type with the constraint instead']);
    assert.deepEqual(problems({ enum: [{ a: 1 }] }), ['/types/X/enum/0: a const/enum value must be a string, number, boolean or null']);
    assert.deepEqual(problems({ type: 'object', properties: { user_id: {} }, required: ['user_ud'] }), ['/types/X/required/0: required "user_ud" is not in properties (did you mean "user_id"?)']);
    assert.deepEqual(problems({ type: 'string', 'x-unknown': 'keep' }), ['/types/X/x-unknown: `x-unknown` needs a tagged union (`discriminator` + `oneOf`)']);
  });
});

describe('types emitter: node → TypeScript', () => {
  const cases: [string, object, string][] = [
    ['nullable string', { type: ['string', 'null'] }, 'string | null'],
    ['string-or-integer', { type: ['string', 'integer'] }, 'string | number'],
    ['enum, quotes and newlines escaped', { enum: ["it's", 'a\nb', 1, null] }, "'it\\'s' | 'a\\nb' | 1 | null"],
    ['array of a ref', { type: 'array', items: { $ref: '#/types/Seg' } }, 'Seg[]'],
    ['array of alternatives', { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'integer' }] } }, 'Array<string | number>'],
    ['map', { type: 'object', additionalProperties: { type: 'integer' } }, 'Record<string, number>'],
    ['closed empty object', { type: 'object', additionalProperties: false }, 'Record<string, never>'],
    ['tuple with a required first item', { type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }], minItems: 1, items: false }, '[string, number?]'],
    ['object: optional, required, quoted key', { type: 'object', properties: { a: { type: 'string' }, 'b.c': { type: 'integer', description: 'x */ y' } }, required: ['a'] }, "{\n  a: string;\n  /** x *\\/ y */\n  \"b.c\"?: number;\n}"],
  ];
  for (const [what, raw, want] of cases) test(what, () => assert.equal(ts(raw), want));

  test('int64 is the I64 parameter; a type that reaches one is written with <I64>', () => {
    const facts: Facts = { ...NO_FACTS, i64: new Set(['Msg']) };
    assert.equal(ts({ type: 'object', properties: { id: { type: 'integer', format: 'int64' }, m: { $ref: '#/types/Msg' } }, required: ['id'] }, 'out', facts, new Set(['Msg'])), '{\n  id: I64;\n  m?: Msg<I64>;\n}');
  });

  test('a defaulted field is required on output and optional on input, where the Input shape is used', () => {
    const facts: Facts = { ...NO_FACTS, inputDiffers: new Set(['Seg']) };
    const raw = { type: 'object', properties: { sub_type: { type: 'string', default: 'normal' }, seg: { $ref: '#/types/Seg' } } };
    assert.equal(ts(raw, 'out', facts), "{\n  /** @default \"normal\" */\n  sub_type: string;\n  seg?: Seg;\n}");
    assert.equal(ts(raw, 'in', facts), "{\n  /** @default \"normal\" */\n  sub_type?: string;\n  seg?: SegInput;\n}");
  });
});

describe('validator schema: node → what ajv compiles', () => {
  test('annotations and formats stripped, defaulted output fields required, refs directed', () => {
    const facts: Facts = { ...NO_FACTS, inputDiffers: new Set(['Seg']) };
    const n = node({ type: 'object', description: 'd', properties: { t: { type: 'string', format: 'uri', default: 'x', minLength: 1 }, s: { $ref: '#/types/Seg' } } });
    assert.deepEqual(validatorSchema(n, 'out', facts), { type: 'object', properties: { t: { type: 'string', minLength: 1 }, s: { $ref: '#/$defs/Seg' } }, required: ['t'] });
    assert.deepEqual(validatorSchema(n, 'in', facts), { type: 'object', properties: { t: { type: 'string', minLength: 1 }, s: { $ref: '#/$defs/SegInput' } } });
  });

  test('int64 becomes the qqwireInt64 keyword with its exact bounds; with other types, an anyOf', () => {
    const full = { min: '-9223372036854775808', max: '9223372036854775807' };
    assert.deepEqual(validatorSchema(node({ type: 'integer', format: 'int64' }), 'out', NO_FACTS), { qqwireInt64: full });
    assert.deepEqual(validatorSchema(node({ type: 'integer', format: 'int64', minimum: 1, exclusiveMaximum: 10 }), 'out', NO_FACTS), { qqwireInt64: { min: '1', max: '9' } });
    assert.deepEqual(validatorSchema(node({ type: ['integer', 'null'], format: 'int64' }), 'out', NO_FACTS), { anyOf: [{ qqwireInt64: full }, { type: 'null' }] });
  });

  test('an opaque int64 id is a decimal string; `x-nullish` lets optional and defaulted fields be null', () => {
    assert.deepEqual(validatorSchema(node({ type: 'integer', format: 'int64', 'x-int64': 'opaque' }), 'out', NO_FACTS), { type: 'string', pattern: '^-?(0|[1-9][0-9]*)$' });
    const n = node({ type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' }, c: { type: ['string', 'null'] } }, required: ['a'] });
    assert.deepEqual(validatorSchema(n, 'in', { ...NO_FACTS, nullish: true }), {
      type: 'object',
      properties: { a: { type: 'string' }, b: { anyOf: [{ type: 'string' }, { type: 'null' }] }, c: { type: ['string', 'null'] } },
      required: ['a'],
    });
    assert.equal(typeText(n, 'in', { facts: { ...NO_FACTS, nullish: true }, i64Names: new Set() }), '{\n  a: string;\n  b?: string | null;\n  c?: string | null;\n}');
  });

  test('a tuple becomes draft-07 items + additionalItems, no minItems invented', () => {
    assert.deepEqual(validatorSchema(node({ type: 'array', prefixItems: [{ type: 'string' }], items: false }), 'out', NO_FACTS), { type: 'array', items: [{ type: 'string' }], additionalItems: false });
  });

  test('a tagged union keeps the discriminator and refs its variants', () => {
    assert.deepEqual(validatorSchema(node({ discriminator: { propertyName: 'type' }, oneOf: [{ $ref: '#/types/A' }] }), 'out', NO_FACTS), {
      type: 'object',
      discriminator: { propertyName: 'type' },
      oneOf: [{ $ref: '#/$defs/A' }],
    });
  });
});

describe('wire schema (protocol.json): node → JSON Schema with every annotation', () => {
  test('round trip keeps docs, x- keys and structure', () => {
    const raw = { type: 'object', properties: { a: { $ref: '#/types/Uin', description: 'QQ 号', 'x-description-en': 'QQ number' } }, required: ['a'], 'x-vendor': 1 };
    assert.deepEqual(wireSchema(node(raw)), { type: 'object', properties: { a: { $ref: '#/$defs/Uin', description: 'QQ 号', 'x-description-en': 'QQ number' } }, required: ['a'], 'x-vendor': 1 });
  });
});

describe('plans: node → int64 / open-union decode plan', () => {
  const work = new Set(['Seg']);
  const cases: [string, object, unknown][] = [
    ['int64 leaf', { type: 'integer', format: 'int64' }, { k: 'i64' }],
    ['nothing to do', { type: 'object', properties: { a: { type: 'string' } } }, null],
    ['ref to a type with a plan', { type: 'array', items: { $ref: '#/types/Seg' } }, { k: 'arr', i: { k: 'ref', n: 'Seg' } }],
    ['ref to a type without one', { $ref: '#/types/Plain' }, null],
    ['opaque id', { type: 'integer', format: 'int64', 'x-int64': 'opaque' }, { k: 'id' }],
    ['tuple positions', { prefixItems: [{ type: 'string' }, { type: 'integer', format: 'int64' }] }, { k: 'tup', t: [null, { k: 'i64' }] }],
    ['object paths', { properties: { id: { type: 'integer', format: 'int64' }, n: { type: 'string' } } }, { k: 'obj', p: { id: { k: 'i64' } } }],
  ];
  for (const [what, raw, want] of cases) test(what, () => assert.deepEqual(planOf(node(raw), work), want));
});

describe('docs: node → README type and rows', () => {
  test('types link named types outside code spans; literals are code', () => {
    assert.equal(docType(node({ type: 'array', items: { $ref: '#/types/Seg' } })), 'Array<[Seg](#seg)>');
    assert.equal(docType(node({ enum: ['a|b', 'c'] })), '`"a|b"` \\| `"c"`');
    assert.equal(docType(node({ type: 'integer', format: 'int64' })), 'int64');
  });

  test('an inline object field (a segment `data`) lists its own fields with their defaults', () => {
    const rows = fieldRows(node({ type: 'object', properties: { type: { const: 'image' }, data: { type: 'object', properties: { sub_type: { type: 'string', default: 'normal' } } } }, required: ['type', 'data'] }));
    assert.deepEqual(rows, [
      { name: 'type', type: '`"image"`', description: '' },
      { name: 'data', type: 'object', description: '' },
      { name: 'data.sub_type', type: 'string', description: '默认值 default: `"normal"`' },
    ]);
  });
});

describe('escaping: one function per output context', () => {
  const evil = 'a */ b\nc\r\nd\u2028e\u2029f';
  test('line comment: one line', () => assert.equal(lineComment(evil), 'a */ b c d e f'));
  test('block comment: cannot be closed', () => assert.equal(blockComment(evil), 'a *\\/ b\nc\nd\ne\nf'));
  test('single-quoted literal', () => assert.equal(singleQuoted(`it's\n\u2028\\`), "'it\\'s\\n\\u2028\\\\'"));
  test('markdown cell', () => assert.equal(mdCell('a|b\nc'), 'a\\|b<br>c'));
  test('markdown code span longer than any backtick run inside', () => assert.equal(mdCode('a`b'), '``a`b``'));
});

describe('CQ-code field kinds: IR → the codec table', () => {
  test('refs, alternatives, literals and nested messages; cycles end', async () => {
    const { cqKinds } = await import('../generator/cq-kinds.js');
    const types = new Map<string, { name: string; node: Node; definedIn: string; file: string }>();
    const add = (name: string, raw: object) => types.set(name, { name, node: node(raw), definedIn: 'x', file: 'x' });
    add('Segment', { discriminator: { propertyName: 'type' }, oneOf: [{ $ref: '#/types/A' }] });
    add('A', { type: 'object', properties: { type: { const: 'a' }, data: { $ref: '#/types/AData' } }, required: ['type'] });
    add('AData', { anyOf: [{ $ref: '#/types/AData' }, { type: 'object', properties: { n: { $ref: '#/types/Loop' }, b: { const: true }, f: { enum: [1.5, 'x'] }, m: { type: 'array', items: { $ref: '#/types/Segment' } }, s: { type: 'string' } } }] });
    add('Loop', { type: 'object', properties: { x: { $ref: '#/types/Loop' } } });
    const union = types.get('Segment')!.node as Extract<Node, { kind: 'union' }>;
    union.variants[0]!.tag = 'a';
    const p = { info: { 'cq-code': 'Segment' }, types, unions: new Map([['Segment', union]]) } as unknown as Parameters<typeof cqKinds>[0];
    assert.deepEqual(cqKinds(p), { a: { n: 'json', b: 'boolean', f: 'number', m: 'message' } });
  });
});

describe('validator schemas: every non-recursive $ref inlined, recursive edges kept', () => {
  test('Uin is inlined into its users; the recursive Seg stays a $ref', async () => {
    const { validatorSchemas } = await import('../generator/json-schema.js');
    const types = new Map<string, { name: string; node: Node; definedIn: string; file: string }>();
    const add = (name: string, raw: object) => types.set(name, { name, node: node(raw), definedIn: 'x', file: 'x' });
    add('Uin', { type: 'integer', minimum: 10001 });
    add('Seg', { type: 'object', properties: { from: { $ref: '#/types/Uin' }, content: { type: 'array', items: { $ref: '#/types/Seg' } } } });
    const p = { types, unions: new Map(), actions: [] } as unknown as Parameters<typeof validatorSchemas>[0];
    const facts: Facts = { ...NO_FACTS, recursive: new Set(['Seg']) };
    const { root } = validatorSchemas(p, facts, 'x');
    assert.deepEqual((root['$defs'] as Record<string, unknown>)['Seg'], {
      type: 'object',
      properties: { from: { type: 'integer', minimum: 10001 }, content: { type: 'array', items: { $ref: '#/$defs/Seg' } } },
    });
  });
});

describe('binary (format: binary, a multipart file part): one node kind, every reader', () => {
  test('types, validator, docs, wire and plan agree', () => {
    const raw = { format: 'binary', contentMediaType: 'image/*', description: '图片' };
    assert.equal(node(raw).kind, 'binary');
    assert.equal(ts(raw), 'BinaryData');
    assert.deepEqual(validatorSchema(node(raw), 'in', NO_FACTS), { qqwireBinary: true });
    assert.equal(docType(node(raw)), 'binary (`image/*`)');
    assert.deepEqual(wireSchema(node(raw)), { format: 'binary', contentMediaType: 'image/*', description: '图片' });
    assert.equal(planOf(node(raw), new Set()), null);
    assert.deepEqual(problems({ type: 'integer', format: 'binary' }), ['/types/X/type: `format: binary` is bytes: drop `type` (or use `type: string`)']);
  });
});
