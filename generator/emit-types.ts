/**
 * Emitter: types.d.ts with ts-morph. One interface per struct and per union variant, a union alias per
 * tagged union, `…Input` shapes where defaults let callers omit fields, an `Actions` map, and JSDoc
 * from the schema's descriptions. Types that reach an int64 take `I64` (number | bigint | string).
 */
import {
  IndentationText,
  NewLineKind,
  Project,
  QuoteKind,
  StructureKind,
  type InterfaceDeclarationStructure,
  type PropertySignatureStructure,
  type StatementStructures,
  type TypeAliasDeclarationStructure,
  type TypeParameterDeclarationStructure,
} from 'ts-morph';
import { acceptsNull, actionTypeNames, directedName, type Facts } from './analyze.js';
import { actionJsdoc, nodeJsdoc } from './docs.js';
import type { Emitter, EmitInput } from './emit.js';
import { blockComment, lineComment, singleQuoted } from './escape.js';
import { unknownVariantName, type IRProtocol } from './ir.js';
import { make, some, walk, type Literal, type Node, type ObjectNode, type Visitor } from './node.js';
import { propKey } from './naming.js';

type Dir = 'in' | 'out';

interface Ctx {
  facts: Facts;
  i64Names: ReadonlySet<string>;
}

const I64_PARAM: TypeParameterDeclarationStructure = { kind: StructureKind.TypeParameter, name: 'I64', constraint: 'Int64Repr', default: 'number' };

function literal(value: Literal): string {
  return typeof value === 'string' ? singleQuoted(value) : JSON.stringify(value);
}

function docBlock(text: string | undefined): string[] {
  if (text === undefined) return [];
  const lines = blockComment(text).split('\n');
  if (lines.length === 1) return [`/** ${lines[0]} */`];
  return ['/**', ...lines.map((l) => (l ? ` * ${l}` : ' *')), ' */'];
}

function indent(text: string): string {
  return text.replace(/\n/g, '\n  ');
}

const withNull = (text: string, nullable: boolean) => (nullable ? `${text} | null` : text);

function isOptional(prop: ObjectNode['props'][number], dir: Dir): boolean {
  return !prop.required && !(dir === 'out' && prop.node.doc.default !== undefined);
}

/** The TypeScript type of a node, as source text (inline objects span lines, indented by 2). */
export function typeText(node: Node, dir: Dir, ctx: Ctx): string {
  const refText = (name: string) => {
    const n = directedName(name, dir, ctx.facts);
    return ctx.i64Names.has(n) ? `${n}<I64>` : n;
  };
  const visitor: Visitor<string> = {
    ref: (n) => refText(n.name),
    any: () => 'unknown',
    binary: (n) => withNull('BinaryData', n.nullable),
    literal: (n) => n.values.map(literal).join(' | '),
    scalar: (n) => {
      if (!n.types.length) return 'null';
      const integer = n.opaque ? 'string' : n.int64 ? 'I64' : 'number';
      return withNull([...new Set(n.types.map((t) => (t === 'integer' ? integer : t)))].join(' | '), n.nullable);
    },
    union: (n) => n.variants.map((v) => refText(v.type)).join(' | '),
    alt: (n, sub) => withNull(n.options.map(sub).join(' | '), n.nullable),
    array: (n, sub) => {
      if (!n.items) return withNull('unknown[]', n.nullable);
      const inner = sub(n.items);
      return withNull(/^[A-Za-z0-9_<>]+$/.test(inner) ? `${inner}[]` : `Array<${inner}>`, n.nullable);
    },
    tuple: (n, sub) => {
      const rest = typeof n.rest === 'object' ? [`...${sub(n.rest)}[]`] : n.rest === false ? [] : ['...unknown[]'];
      const fixed = n.items.map((item, i) => (i < Number(n.checks['minItems'] ?? 0) ? sub(item) : `${sub(item)}?`));
      return withNull(`[${[...fixed, ...rest].join(', ')}]`, n.nullable);
    },
    object: (n, sub) => {
      if (!n.props.length) {
        const extra = n.additional;
        const text = typeof extra === 'object' ? `Record<string, ${sub(extra)}>` : extra === false ? 'Record<string, never>' : 'Record<string, unknown>';
        return withNull(text, n.nullable);
      }
      const lines = n.props.flatMap((p) => [...docBlock(nodeJsdoc(p.node.doc)), `${propKey(p.name)}${isOptional(p, dir) ? '?' : ''}: ${withNull(sub(p.node), acceptsNull(p, ctx.facts))};`]);
      return withNull(`{\n  ${indent(lines.join('\n'))}\n}`, n.nullable);
    },
  };
  return walk(node, visitor);
}

function declare(name: string, node: Node, dir: Dir, ctx: Ctx, docs?: string): StatementStructures {
  const doc = docs ?? nodeJsdoc(node.doc);
  const common = { name, isExported: true, typeParameters: ctx.i64Names.has(name) ? [I64_PARAM] : [], docs: doc ? [blockComment(doc)] : [] };
  if (node.kind === 'object' && node.props.length && !node.nullable) {
    const properties: PropertySignatureStructure[] = node.props.map((prop) => {
      const d = nodeJsdoc(prop.node.doc);
      return { kind: StructureKind.PropertySignature, name: propKey(prop.name), hasQuestionToken: isOptional(prop, dir), type: withNull(typeText(prop.node, dir, ctx), acceptsNull(prop, ctx.facts)), docs: d ? [blockComment(d)] : [] };
    });
    return { kind: StructureKind.Interface, ...common, properties } satisfies InterfaceDeclarationStructure;
  }
  return { kind: StructureKind.TypeAlias, ...common, type: typeText(node, dir, ctx) } satisfies TypeAliasDeclarationStructure;
}

function unknownVariant(name: string, tag: string, ctx: Ctx): StatementStructures {
  const tagNode = { ...make.literal(['unknown']), doc: { extra: {}, description: `A ${name} variant this schema does not know (yet).` } };
  const raw = make.object([make.prop(tag, make.scalar(['string']), true)], { doc: { extra: {}, description: 'The variant exactly as received.' } });
  const node = make.object([make.prop(tag, tagNode, true), make.prop('raw', raw, true)]);
  return declare(unknownVariantName(name), node, 'out', ctx, `Delivered in place of a ${name} whose \`${tag}\` is unknown, so newer servers do not break older clients.`);
}

const BINARY_TYPES = [
  '/** Bytes sent as a multipart file part: a `Uint8Array` (a Node `Buffer` is one) or a `Blob`. */',
  'export type BinaryData = Uint8Array | BlobLike;',
  '/** The part of `Blob` qqwire needs, declared here so the types need no DOM lib. */',
  'export interface BlobLike {\n  readonly size: number;\n  readonly type: string;\n  arrayBuffer(): Promise<ArrayBuffer>;\n}',
];

/** Whether any type or action schema holds a `format: binary` field. */
function usesBinary(p: IRProtocol): boolean {
  const roots = [...[...p.types.values()].map((t) => t.node), ...p.actions.flatMap((a) => [a.params, a.result])];
  return roots.some((n) => n !== null && some(n, (x) => x.kind === 'binary'));
}

function typeStatements(p: IRProtocol, ctx: Ctx): StatementStructures[] {
  const out: StatementStructures[] = [];
  for (const [name, type] of p.types) {
    let node = type.node;
    if (node.kind === 'union' && node.unknown === 'keep') {
      out.push(unknownVariant(name, node.tag, ctx));
      node = { ...node, variants: [...node.variants, { tag: 'unknown', type: unknownVariantName(name) }] };
    }
    out.push(declare(name, node, 'out', ctx));
    if (ctx.facts.inputDiffers.has(name)) {
      const doc = nodeJsdoc(node.doc);
      out.push(declare(`${name}Input`, node, 'in', ctx, `${doc ? `${doc}\n` : ''}Input shape of \`${name}\`: fields with a default may be omitted.`));
    }
  }
  return out;
}

function actionStatements(p: IRProtocol, ctx: Ctx): StatementStructures[] {
  const out: StatementStructures[] = [];
  const declared = new Set<string>();
  const alias = (name: string, type: string, doc: string): StatementStructures => ({ kind: StructureKind.TypeAlias, name, isExported: true, type, docs: [doc] });
  for (const a of p.actions) {
    const names = actionTypeNames(a, ctx.facts);
    const wire = blockComment(a.name);
    if (!declared.has(names.params) && a.params?.kind !== 'ref') {
      declared.add(names.params);
      out.push(a.params ? declare(names.params, a.params, 'in', ctx, `Params of \`${wire}\`.`) : alias(names.params, 'Record<string, never>', `\`${wire}\` takes no params.`));
    }
    if (!declared.has(names.result) && a.result?.kind !== 'ref') {
      declared.add(names.result);
      out.push(a.result ? declare(names.result, a.result, 'out', ctx, `Result of \`${wire}\`.`) : alias(names.result, 'void', `\`${wire}\` returns no data.`));
    }
  }
  return out;
}

function actionsMap(p: IRProtocol, ctx: Ctx): StatementStructures {
  return {
    kind: StructureKind.Interface,
    name: 'Actions',
    isExported: true,
    typeParameters: [I64_PARAM],
    docs: [blockComment(`Every ${p.info.title} action by wire name, with its params and result types.`)],
    properties: p.actions.map((a) => {
      const names = actionTypeNames(a, ctx.facts);
      const param = ctx.i64Names.has(names.params) ? `${names.params}<I64>` : names.params;
      const result = ctx.i64Names.has(names.result) ? `${names.result}<I64>` : names.result;
      return { kind: StructureKind.PropertySignature, name: propKey(a.name), type: `{ params: ${param}; result: ${result} }`, docs: [blockComment(actionJsdoc(a))] };
    }),
  };
}

/** `EventMap`: every event name (`transport.events.type`) → its leaf type, for the typed hub. */
function eventMap(p: IRProtocol, ctx: Ctx): StatementStructures[] {
  if (!p.events.length) return [];
  return [{
    kind: StructureKind.Interface,
    name: 'EventMap',
    isExported: true,
    typeParameters: [I64_PARAM],
    docs: [blockComment(`Every ${p.info.title} event by name (the name \`hub.on(name, …)\` takes), with its type.`)],
    properties: p.events.map((e) => {
      const doc = nodeJsdoc(p.types.get(e.type)!.node.doc);
      return { kind: StructureKind.PropertySignature, name: propKey(e.name), type: ctx.i64Names.has(e.type) ? `${e.type}<I64>` : e.type, docs: doc ? [blockComment(doc)] : [] };
    }),
  }];
}

export const typesEmitter: Emitter = {
  name: 'types',
  emit({ protocol: p, facts, ctx: ectx }: EmitInput) {
    const ctx: Ctx = { facts, i64Names: ectx.i64Names };
    const statements: (StatementStructures | string)[] = [
      lineComment(ectx.header),
      `/** How an int64 field is represented: \`number\` (default), \`bigint\` or \`string\`, chosen by the client's \`int64\` option. */`,
      'export type Int64Repr = number | bigint | string;',
      ...(usesBinary(p) ? BINARY_TYPES : []),
      ...typeStatements(p, ctx),
      ...actionStatements(p, ctx),
      actionsMap(p, ctx),
      ...eventMap(p, ctx),
    ];
    const project = new Project({
      useInMemoryFileSystem: true,
      manipulationSettings: { indentationText: IndentationText.TwoSpaces, quoteKind: QuoteKind.Single, newLineKind: NewLineKind.LineFeed },
    });
    const file = project.createSourceFile('types.d.ts', '');
    file.addStatements(statements);
    return [{ path: 'types.d.ts', content: file.getFullText() }];
  },
};
