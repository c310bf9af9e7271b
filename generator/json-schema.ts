/**
 * IR → plain JSON Schema 2020-12 with `#/$defs/<Name>` refs, for two readers:
 * - `wire`: protocol.json, every annotation and x- key kept, shapes as they travel;
 * - `validator`: what ajv compiles: annotations stripped, int64 as the `qqwireInt64` keyword, the
 *   synthetic unknown variant added to open unions, input/output shapes split where defaults differ,
 *   and every non-recursive `$ref` inlined so a call runs one function, as hand-written ajv would.
 */
import { acceptsNull, actionTypeNames, directedName, type Facts } from './analyze.js';
import { unknownVariantName, type IRProtocol } from './ir.js';
import { walk, type Doc, type Node, type Visitor } from './node.js';

export type Json = { [key: string]: unknown };

function typeOf(types: readonly string[], nullable: boolean): unknown {
  const all = nullable ? [...types, 'null'] : [...types];
  return all.length === 1 ? all[0] : all.length ? all : undefined;
}

function docJson(doc: Doc): Json {
  const out: Json = {};
  if (doc.title !== undefined) out['title'] = doc.title;
  if (doc.description !== undefined) out['description'] = doc.description;
  if (doc.descriptionEn !== undefined) out['x-description-en'] = doc.descriptionEn;
  if (doc.default) out['default'] = doc.default.value;
  if (doc.examples) out['examples'] = doc.examples;
  if (doc.deprecated) out['deprecated'] = true;
  if (doc.readOnly) out['readOnly'] = true;
  if (doc.writeOnly) out['writeOnly'] = true;
  if (doc.unit) out['x-unit'] = doc.unit;
  if (doc.since !== undefined) out['x-since'] = doc.since;
  if (doc.removedIn !== undefined) out['x-removed-in'] = doc.removedIn;
  if (doc.divergence !== undefined) out['x-divergence'] = doc.divergence;
  if (doc.in) out['x-in'] = doc.in;
  return { ...out, ...doc.extra };
}

function compact(o: Json): Json {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

/** The structure of a node as JSON Schema; `ref` writes a reference, `annotate` adds per-node extras. */
function schemaVisitor(ref: (name: string) => Json, annotate: (node: Node, out: Json) => Json): Visitor<Json> {
  const done = (node: Node, out: Json) => annotate(node, compact({ ...out, ...node.checks }));
  return {
    ref: (n) => done(n, ref(n.name)),
    any: (n) => done(n, {}),
    binary: (n) => done(n, { format: 'binary', contentMediaType: n.mediaType }),
    scalar: (n) => done(n, { type: typeOf(n.types, n.nullable), format: n.format }),
    literal: (n) => done(n, { type: n.types && (n.types.length === 1 ? n.types[0] : n.types), ...(n.keyword === 'const' ? { const: n.values[0] } : { enum: n.values }) }),
    union: (n) => done(n, { discriminator: { propertyName: n.tag }, oneOf: n.variants.map((v) => ref(v.type)) }),
    alt: (n, sub) => done(n, { [n.keyword]: n.options.map(sub) }),
    array: (n, sub) => done(n, { type: typeOf(['array'], n.nullable), items: n.items && sub(n.items) }),
    tuple: (n, sub) => done(n, { type: typeOf(['array'], n.nullable), prefixItems: n.items.map(sub), items: typeof n.rest === 'object' ? sub(n.rest) : n.rest }),
    object: (n, sub) => {
      const properties = n.props.length ? Object.fromEntries(n.props.map((p) => [p.name, sub(p.node)])) : undefined;
      const required = n.props.filter((p) => p.required).map((p) => p.name);
      const additional = typeof n.additional === 'object' ? sub(n.additional) : n.additional;
      return done(n, { type: typeOf(['object'], n.nullable), properties, required: required.length ? required : undefined, additionalProperties: additional });
    },
  };
}

const WIRE = schemaVisitor(
  (name) => ({ $ref: `#/$defs/${name}` }),
  (node, out) => ({
    ...out,
    ...(node.kind === 'union' && node.unknown !== 'reject' ? { 'x-unknown': node.unknown } : {}),
    ...(node.kind === 'scalar' && node.opaque ? { 'x-int64': 'opaque' } : {}),
    ...docJson(node.doc),
  }),
);

/** One node as protocol.json writes it. */
export function wireSchema(node: Node): Json {
  return walk(node, WIRE);
}

/** protocol.json's `$defs` and per-action params/result, as written in the schemas. */
export function wireSchemas(p: IRProtocol): { defs: Record<string, Json>; action: (s: Node | null) => Json | null } {
  const defs: Record<string, Json> = {};
  for (const [name, t] of p.types) defs[name] = wireSchema(t.node);
  return { defs, action: (s) => (s ? wireSchema(s) : null) };
}

type Dir = 'in' | 'out';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A schema bound as an exact integer: `minimum: 0` → 0n, `exclusiveMaximum: 10` → 9n. */
function bound(checks: Json, inclusive: string, exclusive: string, dir: 1n | -1n): bigint | undefined {
  const inc = checks[inclusive];
  const exc = checks[exclusive];
  if (typeof inc === 'number') return dir > 0n ? BigInt(Math.ceil(inc)) : BigInt(Math.floor(inc));
  if (typeof exc === 'number') return dir > 0n ? BigInt(Math.floor(exc)) + 1n : BigInt(Math.ceil(exc)) - 1n;
  return undefined;
}

/**
 * int64: the `qqwireInt64` keyword checks the representation the client's `int64` mode delivers (a safe
 * integer, a bigint or a decimal string) and the range: the schema's minimum/maximum, else signed 64-bit.
 * A schema that also allows `string` (the server sends strings) keeps a plain string branch.
 */
function int64Json(node: Extract<Node, { kind: 'scalar' }>): Json {
  // Held as a decimal string in every mode (the decode plan converts the wire's JSON integer).
  if (node.opaque) return { type: 'string', pattern: '^-?(0|[1-9][0-9]*)$' };
  const others = [...node.types.filter((t) => t !== 'integer'), ...(node.nullable ? ['null'] : [])];
  const min = bound(node.checks, 'minimum', 'exclusiveMinimum', 1n) ?? INT64_MIN;
  const max = bound(node.checks, 'maximum', 'exclusiveMaximum', -1n) ?? INT64_MAX;
  const int64: Json = { qqwireInt64: { min: String(min), max: String(max) } };
  if (!others.length) return int64;
  return { anyOf: [int64, { type: others.length === 1 ? others[0] : others }] };
}

function validatorVisitor(dir: Dir, facts: Facts): Visitor<Json> {
  return schemaVisitor(
    (name) => ({ $ref: `#/$defs/${directedName(name, dir, facts)}` }),
    (node, out) => {
      // Bytes are not JSON: a Uint8Array (Buffer) or a Blob, checked by the `qqwireBinary` keyword.
      if (node.kind === 'binary') return { qqwireBinary: true };
      delete out['format']; // an annotation here; ajv would want a format implementation
      if (node.kind === 'scalar' && node.int64) return int64Json(node);
      if (node.kind === 'union') return { type: 'object', ...out, oneOf: nestedBranches(node, out['oneOf'] as Json[]) };
      if (node.kind === 'tuple') {
        // Compiled with ajv's draft-07 class: a tuple is `items: [...]` plus `additionalItems`.
        const { prefixItems, items, ...rest } = out;
        return compact({ ...rest, items: prefixItems, additionalItems: items });
      }
      if (node.kind === 'object') return objectJson(node, out, dir, facts);
      return out;
    },
  );
}

/**
 * ajv's discriminator reads the tag's `const` on each branch; a nested union (its leaves share the tag
 * value) has none of its own, so its branch states it beside the union.
 */
function nestedBranches(node: Extract<Node, { kind: 'union' }>, branches: Json[]): Json[] {
  return branches.map((branch, i) => {
    const v = node.variants[i]!;
    if (!v.union) return branch;
    return { type: 'object', properties: { [node.tag]: { const: v.tag } }, required: [node.tag], allOf: [branch] };
  });
}

function objectJson(node: Extract<Node, { kind: 'object' }>, out: Json, dir: Dir, facts: Facts): Json {
  const properties = out['properties'] as Record<string, Json> | undefined;
  for (const p of node.props) {
    if (properties && acceptsNull(p, facts)) properties[p.name] = { anyOf: [properties[p.name], { type: 'null' }] };
  }
  if (dir === 'in') return out;
  // Output shapes promise defaulted fields (the server fills them in); input shapes let callers omit them.
  const required = node.props.filter((p) => p.required || p.node.doc.default !== undefined).map((p) => p.name);
  return compact({ ...out, required: required.length ? required : undefined });
}

export function validatorSchema(node: Node, dir: Dir, facts: Facts): Json {
  return walk(node, validatorVisitor(dir, facts));
}

export interface ValidatorSchemas {
  root: Json;
  /** Export name → `#/$defs/<name>` for every named shape and every action's params/result. */
  exports: string[];
}

function openUnionDefs(name: string, tag: string, known: string[], defs: Record<string, Json>): void {
  const unknownType = unknownVariantName(name);
  const unknownRef = { $ref: `#/$defs/${unknownType}` };
  (defs[name]!['oneOf'] as Json[]).push(unknownRef);
  // Input: a received `{tag: 'unknown', raw}` can be sent back, and so can any variant with a tag
  // this schema does not know yet (e.g. OneBot 12 extension segments `qq.face`).
  const input = defs[`${name}Input`]!;
  (input['oneOf'] as Json[]).push(unknownRef);
  defs[`${name}Input`] = {
    if: { type: 'object', properties: { [tag]: { enum: [...known, 'unknown'] } }, required: [tag] },
    then: input,
    else: { type: 'object', properties: { [tag]: { type: 'string' } }, required: [tag] },
  };
  defs[unknownType] = {
    type: 'object',
    properties: { [tag]: { const: 'unknown' }, raw: { type: 'object', properties: { [tag]: { type: 'string' } }, required: [tag] } },
    required: [tag, 'raw'],
  };
}

/** Replaces every `$ref` to a def that is not recursive by the def itself (already inlined). */
function inlineRefs(defs: Record<string, Json>, keepRef: (def: string) => boolean): Record<string, Json> {
  const done = new Map<string, Json>();
  const inline = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(inline);
    if (!value || typeof value !== 'object') return value;
    const obj = value as Json;
    const ref = typeof obj['$ref'] === 'string' ? (obj['$ref'] as string).slice('#/$defs/'.length) : undefined;
    if (ref !== undefined && !keepRef(ref)) return def(ref);
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, k === 'const' || k === 'enum' ? v : inline(v)]));
  };
  const def = (name: string): Json => {
    let out = done.get(name);
    if (!out) done.set(name, (out = inline(defs[name]) as Json));
    return out;
  };
  return Object.fromEntries(Object.keys(defs).map((name) => [name, def(name)]));
}

export function validatorSchemas(p: IRProtocol, facts: Facts, id: string): ValidatorSchemas {
  const defs: Record<string, Json> = {};
  const baseOf = new Map<string, string>();
  for (const [name, t] of p.types) {
    defs[name] = validatorSchema(t.node, 'out', facts);
    baseOf.set(name, name);
    if (facts.inputDiffers.has(name)) {
      defs[`${name}Input`] = validatorSchema(t.node, 'in', facts);
      baseOf.set(`${name}Input`, name);
    }
    const union = p.unions.get(name);
    if (union?.unknown === 'keep') openUnionDefs(name, union.tag, union.variants.map((v) => v.tag), defs);
  }
  for (const action of p.actions) {
    const names = actionTypeNames(action, facts);
    if (action.params && !defs[names.params]) defs[names.params] = validatorSchema(action.params, 'in', facts);
    if (action.result && !defs[names.result]) defs[names.result] = validatorSchema(action.result, 'out', facts);
  }
  const inlined = inlineRefs(defs, (def) => facts.recursive.has(baseOf.get(def) ?? ''));
  return { root: { $id: id, $defs: inlined }, exports: Object.keys(defs) };
}
