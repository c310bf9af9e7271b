/**
 * IR → plain JSON Schema 2020-12 with `#/$defs/<Name>` refs, for two readers:
 * - `wire`: protocol.json, every annotation and x- key kept, shapes as they travel;
 * - `validator`: what ajv compiles: annotations stripped, int64 as the `qqwireInt64` keyword, the
 *   synthetic unknown variant added to open unions, and input/output shapes split where defaults differ.
 */
import { acceptsNull, actionTypeNames, directedName, isInt64, isOpaqueId, refName, type Facts } from './analyze.js';
import type { IRProtocol, SchemaNode } from './ir.js';

const ANNOTATIONS = new Set(['description', 'title', 'examples', 'default', 'deprecated', 'readOnly', 'writeOnly', 'format', '$comment']);

function rewriteRefs(node: unknown, target: (name: string) => string): unknown {
  if (Array.isArray(node)) return node.map((n) => rewriteRefs(n, target));
  if (!node || typeof node !== 'object') return node;
  const out: SchemaNode = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string') out[k] = `#/$defs/${target(v.slice('#/types/'.length))}`;
    else if (k === 'const' || k === 'enum' || k === 'default' || k === 'examples') out[k] = v;
    else out[k] = rewriteRefs(v, target);
  }
  return out;
}

/** protocol.json's `$defs` and per-action params/result, as written in the schemas. */
export function wireSchemas(p: IRProtocol): { defs: Record<string, SchemaNode>; action: (s: SchemaNode | null) => SchemaNode | null } {
  const defs: Record<string, SchemaNode> = {};
  for (const [name, t] of p.types) defs[name] = rewriteRefs(t.schema, (n) => n) as SchemaNode;
  return { defs, action: (s) => (s ? (rewriteRefs(s, (n) => n) as SchemaNode) : null) };
}

function validatorNode(node: SchemaNode, dir: 'in' | 'out', facts: Facts): SchemaNode {
  const ref = refName(node);
  if (ref) return { $ref: `#/$defs/${directedName(ref, dir, facts)}` };
  // Held as a decimal string in every mode (the decode plan converts the wire's JSON integer).
  if (isOpaqueId(node)) return { type: 'string', pattern: '^-?(0|[1-9][0-9]*)$' };
  const out: SchemaNode = {};
  for (const [k, v] of Object.entries(node)) {
    if (ANNOTATIONS.has(k) || k.startsWith('x-')) continue;
    if (k === 'properties') {
      const props: SchemaNode = {};
      for (const [name, sub] of Object.entries(v as Record<string, SchemaNode>)) {
        const checked = validatorNode(sub, dir, facts);
        props[name] = acceptsNull(node, name, facts) ? { anyOf: [checked, { type: 'null' }] } : checked;
      }
      out[k] = props;
    } else if (k === 'items' || (k === 'additionalProperties' && typeof v === 'object')) {
      out[k] = validatorNode(v as SchemaNode, dir, facts);
    } else if (k === 'prefixItems') {
      // Compiled with ajv's draft-07 class: a tuple is `items: [...]`.
      out['items'] = (v as SchemaNode[]).map((s) => validatorNode(s, dir, facts));
      if (!node['items']) out['additionalItems'] = true;
    } else if (k === 'oneOf' || k === 'anyOf') {
      out[k] = (v as SchemaNode[]).map((s) => validatorNode(s, dir, facts));
    } else out[k] = v;
  }
  // Output shapes promise defaulted fields (the server fills them in); input shapes let callers omit them.
  if (dir === 'out' && node['properties']) {
    const props = node['properties'] as Record<string, SchemaNode>;
    const required = new Set((node['required'] as string[] | undefined) ?? []);
    for (const [name, sub] of Object.entries(props)) if (sub['default'] !== undefined) required.add(name);
    if (required.size) out['required'] = [...required];
  }
  // ajv strict mode wants the type a keyword applies to.
  if (out['type'] === undefined) {
    if (out['properties'] || out['required'] || out['discriminator']) out['type'] = 'object';
    else if (out['items'] || out['prefixItems']) out['type'] = 'array';
  }
  if (isInt64(node)) return int64Node(out);
  return out;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A schema bound as an exact integer: `minimum: 0` → 0n, `exclusiveMaximum: 10` → 9n. */
function bound(node: SchemaNode, inclusive: string, exclusive: string, dir: 1n | -1n): bigint | undefined {
  const inc = node[inclusive];
  const exc = node[exclusive];
  if (typeof inc === 'number') return dir > 0n ? BigInt(Math.ceil(inc)) : BigInt(Math.floor(inc));
  if (typeof exc === 'number') return dir > 0n ? BigInt(Math.floor(exc)) + 1n : BigInt(Math.ceil(exc)) - 1n;
  return undefined;
}

/**
 * int64: the `qqwireInt64` keyword checks the representation the client's `int64` mode delivers (a safe
 * integer, a bigint or a decimal string) and the range: the schema's minimum/maximum, else signed 64-bit.
 * A schema that also allows `string` (the server sends strings) keeps a plain string branch.
 */
function int64Node(node: SchemaNode): SchemaNode {
  const types = (Array.isArray(node['type']) ? node['type'] : [node['type']]) as string[];
  const others = types.filter((t) => t !== 'integer');
  const min = bound(node, 'minimum', 'exclusiveMinimum', 1n) ?? INT64_MIN;
  const max = bound(node, 'maximum', 'exclusiveMaximum', -1n) ?? INT64_MAX;
  const int64: SchemaNode = { qqwireInt64: { min: String(min), max: String(max) } };
  if (!others.length) return int64;
  return { anyOf: [int64, { type: others.length === 1 ? others[0] : others }] };
}

export interface ValidatorSchemas {
  root: SchemaNode;
  /** Export name → `#/$defs/<name>` for every named shape and every action's params/result. */
  exports: string[];
}

export function validatorSchemas(p: IRProtocol, facts: Facts, id: string): ValidatorSchemas {
  const defs: Record<string, SchemaNode> = {};
  for (const [name, t] of p.types) {
    const union = p.unions.get(name);
    defs[name] = validatorNode(t.schema, 'out', facts);
    if (facts.inputDiffers.has(name)) defs[`${name}Input`] = validatorNode(t.schema, 'in', facts);
    if (union?.keep && union.unknownType) {
      const unknownRef = { $ref: `#/$defs/${union.unknownType}` };
      (defs[name]!['oneOf'] as SchemaNode[]).push(unknownRef);
      // Input: a received `{tag: 'unknown', raw}` can be sent back, and so can any variant with a tag
      // this schema does not know yet (e.g. OneBot 12 extension segments `qq.face`).
      const known = [...union.variants.map((v) => v.tag), 'unknown'];
      const input = defs[`${name}Input`]!;
      (input['oneOf'] as SchemaNode[]).push(unknownRef);
      defs[`${name}Input`] = {
        if: { type: 'object', properties: { [union.tag]: { enum: known } }, required: [union.tag] },
        then: input,
        else: { type: 'object', properties: { [union.tag]: { type: 'string' } }, required: [union.tag] },
      };
      defs[union.unknownType] = {
        type: 'object',
        properties: {
          [union.tag]: { const: 'unknown' },
          raw: { type: 'object', properties: { [union.tag]: { type: 'string' } }, required: [union.tag] },
        },
        required: [union.tag, 'raw'],
      };
    }
  }
  for (const action of p.actions) {
    const names = actionTypeNames(action, facts);
    if (action.params && !defs[names.params]) defs[names.params] = validatorNode(action.params, 'in', facts);
    if (action.result && !defs[names.result]) defs[names.result] = validatorNode(action.result, 'out', facts);
  }
  return { root: { $id: id, $defs: defs }, exports: Object.keys(defs) };
}
