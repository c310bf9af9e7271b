/**
 * CQ-code field kinds, computed from the IR at generate time: for each segment type of the protocol's
 * `cq-code` union, which `data` fields a CQ-code string value converts to (integer, number, boolean,
 * JSON, a nested message). The runtime codec reads the result from the descriptor; it never walks a schema.
 */
import type { IRProtocol } from './ir.js';
import { walk, type Node, type Visitor } from './node.js';

export type CQFieldKind = 'integer' | 'number' | 'boolean' | 'json' | 'message';
export type CQKinds = Record<string, Record<string, CQFieldKind | CQFieldKind[]>>;

const KIND_ORDER: readonly CQFieldKind[] = ['boolean', 'integer', 'number', 'json', 'message'];

/** The kinds a value of this node can take, following refs (each at most once per path). */
function kindsOf(p: IRProtocol, segment: string, node: Node, seen: ReadonlySet<string>): Set<CQFieldKind> {
  const acc = new Set<CQFieldKind>();
  const visitor: Visitor<void> = {
    ref: (n) => {
      if (n.name === segment) return void acc.add('message');
      const target = p.types.get(n.name);
      if (target && !seen.has(n.name)) for (const k of kindsOf(p, segment, target.node, new Set([...seen, n.name]))) acc.add(k);
    },
    scalar: (n) => {
      for (const t of n.types) if (t !== 'string') acc.add(t);
    },
    literal: (n) => {
      for (const v of n.values) {
        if (typeof v === 'boolean') acc.add('boolean');
        else if (typeof v === 'number') acc.add(Number.isInteger(v) ? 'integer' : 'number');
      }
    },
    alt: (n, sub) => n.options.forEach(sub),
    object: () => void acc.add('json'),
    union: () => void acc.add('json'),
    tuple: () => void acc.add('json'),
    array: (n) => void acc.add(n.items?.kind === 'ref' && n.items.name === segment ? 'message' : 'json'),
    any: () => undefined,
    binary: () => undefined,
  };
  walk(node, visitor);
  return acc;
}

/** Field name → kinds of an object schema, through refs and alternatives (forward-node data variants). */
function fieldsOf(p: IRProtocol, segment: string, node: Node, seen: ReadonlySet<string>, into: Map<string, Set<CQFieldKind>>): void {
  if (node.kind === 'ref') {
    const target = p.types.get(node.name);
    if (target && !seen.has(node.name)) fieldsOf(p, segment, target.node, new Set([...seen, node.name]), into);
  } else if (node.kind === 'alt') {
    for (const o of node.options) fieldsOf(p, segment, o, seen, into);
  } else if (node.kind === 'object') {
    for (const prop of node.props) {
      const acc = into.get(prop.name) ?? new Set();
      for (const k of kindsOf(p, segment, prop.node, seen)) acc.add(k);
      into.set(prop.name, acc);
    }
  }
}

/** `{segmentType: {field: kind | kinds}}` for the protocol's `cq-code` union; undefined without one. */
export function cqKinds(p: IRProtocol): CQKinds | undefined {
  const segment = p.info['cq-code'];
  const union = segment ? p.unions.get(segment) : undefined;
  if (!segment || !union) return undefined;
  const out: CQKinds = {};
  for (const v of union.variants) {
    const variant = p.types.get(v.type)?.node;
    const data = variant?.kind === 'object' ? variant.props.find((x) => x.name === 'data')?.node : undefined;
    if (!data) continue;
    const fields = new Map<string, Set<CQFieldKind>>();
    fieldsOf(p, segment, data, new Set(), fields);
    for (const [name, acc] of fields) {
      if (acc.has('number')) acc.delete('integer'); // 'number' converts integers too
      const kinds = KIND_ORDER.filter((k) => acc.has(k));
      if (!kinds.length) continue;
      // A plain object with `__proto__` as an own key stays data, not a prototype.
      const row = Object.hasOwn(out, v.tag) ? out[v.tag]! : (Object.defineProperty(out, v.tag, { value: {}, enumerable: true, writable: true, configurable: true }), out[v.tag]!);
      Object.defineProperty(row, name, { value: kinds.length === 1 ? kinds[0] : kinds, enumerable: true, writable: true, configurable: true });
    }
  }
  return out;
}
