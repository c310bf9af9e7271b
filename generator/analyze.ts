/**
 * Facts every emitter needs about a protocol's types, computed once from the IR:
 * which types reach an int64 (they get an `I64` type parameter) and which have defaulted fields
 * (they get a separate `…Input` shape where the caller may omit them).
 */
import type { IRAction, IRProtocol, SchemaNode } from './ir.js';

export interface Facts {
  /** Types that contain an int64 somewhere (transitively). */
  i64: ReadonlySet<string>;
  /** Types whose input shape differs from the output shape (a defaulted field, transitively). */
  inputDiffers: ReadonlySet<string>;
  /** Protocol rule `x-nullish: optional`: every optional or defaulted property also accepts `null`. */
  nullish: boolean;
}

/** `x-int64: opaque` on an int64: an id held as a decimal string in every mode (a JSON integer on the wire). */
export function isOpaqueId(node: SchemaNode): boolean {
  return isInt64(node) && node['x-int64'] === 'opaque';
}

/** Whether property `name` of object `node` accepts `null` under the protocol's `x-nullish` rule. */
export function acceptsNull(node: SchemaNode, name: string, facts: Facts): boolean {
  if (!facts.nullish) return false;
  const prop = (node['properties'] as Record<string, SchemaNode>)[name];
  const required = (node['required'] as string[] | undefined) ?? [];
  const t = prop?.['type'];
  if (Array.isArray(t) ? t.includes('null') : t === 'null') return false; // already nullable
  return !required.includes(name) || prop?.['default'] !== undefined;
}

export function refName(node: SchemaNode): string | undefined {
  const ref = node['$ref'];
  return typeof ref === 'string' ? ref.slice('#/types/'.length) : undefined;
}

export function isInt64(node: SchemaNode): boolean {
  const t = node['type'];
  const types = Array.isArray(t) ? t : [t];
  return node['format'] === 'int64' && types.includes('integer');
}

export function children(node: SchemaNode): SchemaNode[] {
  const out: SchemaNode[] = [];
  const push = (v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) out.push(v as SchemaNode);
  };
  push(node['items']);
  if (typeof node['additionalProperties'] === 'object') push(node['additionalProperties']);
  const props = node['properties'] as Record<string, SchemaNode> | undefined;
  if (props) Object.values(props).forEach(push);
  for (const key of ['oneOf', 'anyOf', 'prefixItems']) {
    const list = node[key];
    if (Array.isArray(list)) list.forEach(push);
  }
  return out;
}

function hasDefaultedField(node: SchemaNode): boolean {
  const props = node['properties'] as Record<string, SchemaNode> | undefined;
  if (!props) return false;
  const required = new Set((node['required'] as string[] | undefined) ?? []);
  return Object.entries(props).some(([name, p]) => p['default'] !== undefined && !required.has(name));
}

/** A node reaches the set if it, or anything it refers to, has the property. Fixpoint over refs. */
function reaches(node: SchemaNode, known: ReadonlySet<string>, local: (n: SchemaNode) => boolean): boolean {
  if (local(node)) return true;
  const ref = refName(node);
  if (ref && known.has(ref)) return true;
  return children(node).some((c) => reaches(c, known, local));
}

function fixpoint(p: IRProtocol, local: (n: SchemaNode) => boolean, seed: Iterable<string> = []): Set<string> {
  const set = new Set<string>(seed);
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, type] of p.types) {
      if (!set.has(name) && reaches(type.schema, set, local)) {
        set.add(name);
        changed = true;
      }
    }
  }
  return set;
}

export function analyze(p: IRProtocol): Facts {
  // Open (`x-unknown: keep`) unions accept unknown tags on input, so they get an input shape of their own.
  const open = [...p.unions].filter(([, u]) => u.keep).map(([name]) => name);
  return { i64: fixpoint(p, isInt64), inputDiffers: fixpoint(p, hasDefaultedField, open), nullish: p.info['x-nullish'] === 'optional' };
}

export function nodeHasI64(node: SchemaNode | null, facts: Facts): boolean {
  return node !== null && reaches(node, facts.i64, isInt64);
}

/** The type name of a named type in a direction: `OutgoingSegmentInput` for params where defaults differ. */
export function directedName(name: string, dir: 'in' | 'out', facts: Facts): string {
  return dir === 'in' && facts.inputDiffers.has(name) ? `${name}Input` : name;
}

/** Names of an action's params / result types as exported by types.d.ts and validators.js. */
export function actionTypeNames(action: IRAction, facts: Facts): { params: string; result: string } {
  const paramsRef = action.params && refName(action.params) === action.paramsType;
  return {
    params: paramsRef ? directedName(action.paramsType, 'in', facts) : action.paramsType,
    result: action.resultType,
  };
}
