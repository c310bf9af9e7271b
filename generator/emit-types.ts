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
  type CodeBlockWriter,
  type InterfaceDeclarationStructure,
  type PropertySignatureStructure,
  type StatementStructures,
  type TypeAliasDeclarationStructure,
  type TypeParameterDeclarationStructure,
} from 'ts-morph';
import { acceptsNull, actionTypeNames, directedName, isInt64, isOpaqueId, refName, type Facts } from './analyze.js';
import type { Artifact, EmitContext } from './emit.js';
import type { IRAction, IRProtocol, SchemaNode } from './ir.js';
import { jsdocText, propKey } from './naming.js';

type Dir = 'in' | 'out';

interface Ctx {
  facts: Facts;
  i64Names: ReadonlySet<string>;
}

const I64_PARAM: TypeParameterDeclarationStructure = { kind: StructureKind.TypeParameter, name: 'I64', constraint: 'Int64Repr', default: 'number' };

/** JSDoc text for a schema node: the seed's description, English, unit, default, versions, divergence. */
export function docOf(node: SchemaNode): string | undefined {
  const lines: string[] = [];
  if (typeof node['description'] === 'string') lines.push(node['description']);
  if (typeof node['x-description-en'] === 'string') lines.push(node['x-description-en']);
  if (node['x-unit']) lines.push(`Unit: ${node['x-unit'] === 's' ? 'seconds' : 'milliseconds'}.`);
  if (node['x-divergence']) lines.push(`Divergence: ${String(node['x-divergence'])}`);
  if (node['x-removed-in']) lines.push(`Removed in ${String(node['x-removed-in'])}.`);
  if (node['default'] !== undefined) lines.push(`@default ${JSON.stringify(node['default'])}`);
  if (node['x-since']) lines.push(`@since ${String(node['x-since'])}`);
  if (node['deprecated'] === true) lines.push('@deprecated');
  return lines.length ? jsdocText(lines.join('\n')) : undefined;
}

function refText(name: string, dir: Dir, ctx: Ctx): string {
  const n = directedName(name, dir, ctx.facts);
  return ctx.i64Names.has(n) ? `${n}<I64>` : n;
}

function literal(value: unknown): string {
  return typeof value === 'string' ? `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : JSON.stringify(value);
}

function writeDocComment(w: CodeBlockWriter, text: string | undefined): void {
  if (!text) return;
  const lines = text.split('\n');
  if (lines.length === 1) w.writeLine(`/** ${lines[0]} */`);
  else {
    w.writeLine('/**');
    for (const l of lines) w.writeLine(l ? ` * ${l}` : ' *');
    w.writeLine(' */');
  }
}

function isOptional(node: SchemaNode, name: string, dir: Dir): boolean {
  const required = (node['required'] as string[] | undefined) ?? [];
  if (required.includes(name)) return false;
  const prop = (node['properties'] as Record<string, SchemaNode>)[name]!;
  return !(dir === 'out' && prop['default'] !== undefined);
}

function writeObject(w: CodeBlockWriter, node: SchemaNode, dir: Dir, ctx: Ctx): void {
  const props = node['properties'] as Record<string, SchemaNode> | undefined;
  if (!props || !Object.keys(props).length) {
    const extra = node['additionalProperties'];
    if (extra && typeof extra === 'object') {
      w.write('Record<string, ');
      writeType(w, extra as SchemaNode, dir, ctx);
      w.write('>');
    } else w.write(extra === false ? 'Record<string, never>' : 'Record<string, unknown>');
    return;
  }
  w.inlineBlock(() => {
    for (const [name, prop] of Object.entries(props)) {
      writeDocComment(w, docOf(prop));
      w.write(`${propKey(name)}${isOptional(node, name, dir) ? '?' : ''}: `);
      writeType(w, prop, dir, ctx);
      if (acceptsNull(node, name, ctx.facts)) w.write(' | null');
      w.write(';').newLine();
    }
  });
}

const COMPLEX = /[|&{ ]/;

/** Writes the TypeScript type of a schema node. */
export function writeType(w: CodeBlockWriter, node: SchemaNode, dir: Dir, ctx: Ctx): void {
  const ref = refName(node);
  if (ref) return void w.write(refText(ref, dir, ctx));
  if (node['const'] !== undefined) return void w.write(literal(node['const']));
  if (Array.isArray(node['enum'])) return void w.write((node['enum'] as unknown[]).map(literal).join(' | '));
  const alternatives = (node['oneOf'] ?? node['anyOf']) as SchemaNode[] | undefined;
  if (alternatives) {
    alternatives.forEach((alt, i) => {
      if (i) w.write(' | ');
      writeType(w, alt, dir, ctx);
    });
    return;
  }
  const t = node['type'];
  const types = (Array.isArray(t) ? t : t === undefined ? [] : [t]) as string[];
  if (!types.length) {
    if (node['properties']) return writeObject(w, node, dir, ctx);
    return void w.write('unknown');
  }
  types.forEach((type, i) => {
    if (i) w.write(' | ');
    switch (type) {
      case 'object':
        return writeObject(w, node, dir, ctx);
      case 'array': {
        const items = node['items'] as SchemaNode | undefined;
        if (!items) return void w.write('unknown[]');
        const inner = new (w.constructor as new (o: object) => CodeBlockWriter)({ indentNumberOfSpaces: 2, useSingleQuote: true });
        writeType(inner, items, dir, ctx);
        const text = inner.toString();
        if (COMPLEX.test(text) && !/^[A-Za-z0-9_<>]+$/.test(text)) {
          w.write('Array<');
          writeType(w, items, dir, ctx);
          w.write('>');
        } else w.write(`${text}[]`);
        return;
      }
      case 'integer':
        return void w.write(isOpaqueId(node) ? 'string' : isInt64(node) ? 'I64' : 'number');
      default:
        return void w.write(type);
    }
  });
}

function typeParams(name: string, ctx: Ctx): TypeParameterDeclarationStructure[] {
  return ctx.i64Names.has(name) ? [I64_PARAM] : [];
}

function declare(name: string, node: SchemaNode, dir: Dir, ctx: Ctx, docs?: string): StatementStructures {
  const doc = docs ?? docOf(node);
  const common = { name, isExported: true, typeParameters: typeParams(name, ctx), docs: doc ? [doc] : [] };
  const isPlainObject = node['properties'] && !node['oneOf'] && !node['anyOf'] && (node['type'] === 'object' || node['type'] === undefined);
  if (isPlainObject) {
    const props = node['properties'] as Record<string, SchemaNode>;
    const properties: PropertySignatureStructure[] = Object.entries(props).map(([key, prop]) => {
      const d = docOf(prop);
      return {
        kind: StructureKind.PropertySignature,
        name: propKey(key),
        hasQuestionToken: isOptional(node, key, dir),
        type: (w: CodeBlockWriter) => {
          writeType(w, prop, dir, ctx);
          if (acceptsNull(node, key, ctx.facts)) w.write(' | null');
        },
        docs: d ? [d] : [],
      };
    });
    return { kind: StructureKind.Interface, ...common, properties } satisfies InterfaceDeclarationStructure;
  }
  return { kind: StructureKind.TypeAlias, ...common, type: (w: CodeBlockWriter) => writeType(w, node, dir, ctx) } satisfies TypeAliasDeclarationStructure;
}

function actionDoc(a: IRAction): string {
  const lines = [a.summary];
  if (a.summaryEn) lines.push(a.summaryEn);
  if (a.description) lines.push('', a.description);
  if (a.divergence) lines.push('', `Divergence: ${a.divergence}`);
  if (a.aliasOf) lines.push(`Alias of \`${a.aliasOf}\`.`);
  if (a.variantOf) lines.push(`\`${a.variantOf.variant}\` variant of \`${a.variantOf.action}\`.`);
  if (a.extension) lines.push('Extension: not part of the released specification.');
  if (a.removedIn) lines.push(`Removed in ${a.removedIn}.`);
  if (a.since) lines.push(`@since ${a.since}`);
  if (a.deprecated) lines.push('@deprecated');
  return jsdocText(lines.join('\n'));
}

export function emitTypes(p: IRProtocol, facts: Facts, ectx: EmitContext): Artifact[] {
  const ctx: Ctx = { facts, i64Names: ectx.i64Names };
  const statements: (StatementStructures | string)[] = [
    ectx.header,
    `/** How an int64 field is represented: \`number\` (default), \`bigint\` or \`string\`, chosen by the client's \`int64\` option. */`,
    'export type Int64Repr = number | bigint | string;',
  ];
  for (const [name, type] of p.types) {
    const union = p.unions.get(name);
    if (union?.keep && union.unknownType) {
      statements.push(
        declare(
          union.unknownType,
          {
            type: 'object',
            properties: {
              [union.tag]: { const: 'unknown', description: `A ${name} variant this schema does not know (yet).` },
              raw: { type: 'object', properties: { [union.tag]: { type: 'string' } }, required: [union.tag], description: 'The variant exactly as received.' },
            },
            required: [union.tag, 'raw'],
          },
          'out',
          ctx,
          jsdocText(`Delivered in place of a ${name} whose \`${union.tag}\` is unknown, so newer servers do not break older clients.`),
        ),
      );
    }
    const schema = union?.keep && union.unknownType ? { ...type.schema, oneOf: [...(type.schema['oneOf'] as SchemaNode[]), { $ref: `#/types/${union.unknownType}` }] } : type.schema;
    statements.push(declare(name, schema, 'out', ctx));
    if (facts.inputDiffers.has(name)) {
      const doc = docOf(schema);
      statements.push(declare(`${name}Input`, schema, 'in', ctx, jsdocText(`${doc ? `${doc}\n` : ''}Input shape of \`${name}\`: fields with a default may be omitted.`)));
    }
  }
  const declared = new Set<string>();
  for (const a of p.actions) {
    const names = actionTypeNames(a, facts);
    if (!declared.has(names.params) && !(a.params && refName(a.params))) {
      declared.add(names.params);
      statements.push(
        a.params
          ? declare(names.params, a.params, 'in', ctx, jsdocText(`Params of \`${a.name}\`.`))
          : { kind: StructureKind.TypeAlias, name: names.params, isExported: true, type: 'Record<string, never>', docs: [`\`${a.name}\` takes no params.`] },
      );
    }
    if (!declared.has(names.result) && !(a.result && refName(a.result))) {
      declared.add(names.result);
      statements.push(
        a.result
          ? declare(names.result, a.result, 'out', ctx, jsdocText(`Result of \`${a.name}\`.`))
          : { kind: StructureKind.TypeAlias, name: names.result, isExported: true, type: 'void', docs: [`\`${a.name}\` returns no data.`] },
      );
    }
  }
  statements.push({
    kind: StructureKind.Interface,
    name: 'Actions',
    isExported: true,
    typeParameters: [I64_PARAM],
    docs: [`Every ${p.info.title} action by wire name, with its params and result types.`],
    properties: p.actions.map((a) => {
      const names = actionTypeNames(a, facts);
      const param = ctx.i64Names.has(names.params) ? `${names.params}<I64>` : names.params;
      const result = ctx.i64Names.has(names.result) ? `${names.result}<I64>` : names.result;
      return { kind: StructureKind.PropertySignature, name: propKey(a.name), type: `{ params: ${param}; result: ${result} }`, docs: [actionDoc(a)] };
    }),
  });

  const project = new Project({
    useInMemoryFileSystem: true,
    manipulationSettings: { indentationText: IndentationText.TwoSpaces, quoteKind: QuoteKind.Single, newLineKind: NewLineKind.LineFeed },
  });
  const file = project.createSourceFile('types.d.ts', '');
  file.addStatements(statements);
  return [{ path: 'types.d.ts', content: file.getFullText() }];
}

export { actionDoc };
