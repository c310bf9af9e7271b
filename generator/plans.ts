/**
 * IR → decode plans (see runtime/decode.ts): only the paths that hold an int64 or an open tagged union.
 * A type that has neither gets no plan and is never walked at runtime.
 */
import { children, isInt64, isOpaqueId, refName } from './analyze.js';
import type { IRProtocol, SchemaNode } from './ir.js';

type Plan =
  | { k: 'i64' }
  | { k: 'id' }
  | { k: 'obj'; p: Record<string, Plan> }
  | { k: 'arr'; i: Plan }
  | { k: 'ref'; n: string }
  | { k: 'union'; tag: string; v: Record<string, Plan | null>; keep?: boolean; skip?: boolean }
  | { k: 'alt'; o: Plan[] };

function needsWork(p: IRProtocol): Set<string> {
  const set = new Set<string>();
  const reaches = (node: SchemaNode): boolean => {
    if (isInt64(node)) return true;
    const ref = refName(node);
    if (ref && set.has(ref)) return true;
    return children(node).some(reaches);
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, t] of p.types) {
      if (set.has(name)) continue;
      const union = p.unions.get(name);
      if (union?.keep || union?.skip || reaches(t.schema)) {
        set.add(name);
        changed = true;
      }
    }
  }
  return set;
}

function planOf(node: SchemaNode, work: ReadonlySet<string>): Plan | null {
  const ref = refName(node);
  if (ref) return work.has(ref) ? { k: 'ref', n: ref } : null;
  if (isOpaqueId(node)) return { k: 'id' };
  if (isInt64(node)) return { k: 'i64' };
  const alternatives = (node['oneOf'] ?? node['anyOf']) as SchemaNode[] | undefined;
  if (alternatives) {
    const o = alternatives.map((a) => planOf(a, work)).filter((x): x is Plan => x !== null);
    return o.length ? { k: 'alt', o } : null;
  }
  const items = node['items'] as SchemaNode | undefined;
  if (items) {
    const i = planOf(items, work);
    return i ? { k: 'arr', i } : null;
  }
  const props = node['properties'] as Record<string, SchemaNode> | undefined;
  if (props) {
    const p: Record<string, Plan> = {};
    for (const [key, sub] of Object.entries(props)) {
      const sp = planOf(sub, work);
      if (sp) p[key] = sp;
    }
    return Object.keys(p).length ? { k: 'obj', p } : null;
  }
  return null;
}

export interface Plans {
  defs: Record<string, Plan>;
  action(node: SchemaNode | null): Plan | null;
}

export function buildPlans(p: IRProtocol): Plans {
  const work = needsWork(p);
  const defs: Record<string, Plan> = {};
  for (const name of p.types.keys()) {
    if (!work.has(name)) continue;
    const union = p.unions.get(name);
    const plan: Plan | null = union
      ? {
          k: 'union',
          tag: union.tag,
          v: Object.fromEntries(union.variants.map((v) => [v.tag, work.has(v.type) ? ({ k: 'ref', n: v.type } as Plan) : null])),
          ...(union.keep ? { keep: true } : {}),
          ...(union.skip ? { skip: true } : {}),
        }
      : planOf(p.types.get(name)!.schema, work);
    if (plan) defs[name] = plan;
  }
  return { defs, action: (node) => (node ? planOf(node, work) : null) };
}
