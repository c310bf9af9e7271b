/**
 * Facts every emitter needs about a protocol's types, computed once from the IR:
 * which types reach an int64 (they get an `I64` type parameter), which have defaulted fields
 * (they get a separate `…Input` shape where the caller may omit them), and which are recursive
 * (validators keep a function only there; everything else is inlined).
 */
import type { IRAction, IRProtocol } from './ir.js';
import { refsOf, some, type Node, type Prop } from './node.js';

export interface Facts {
  /** Types that contain an int64 somewhere (transitively). */
  i64: ReadonlySet<string>;
  /** Types whose input shape differs from the output shape (a defaulted field, transitively). */
  inputDiffers: ReadonlySet<string>;
  /** Types that can reach themselves through refs. */
  recursive: ReadonlySet<string>;
  /** Protocol rule `x-nullish: optional`: every optional or defaulted property also accepts `null`. */
  nullish: boolean;
}

/** Whether a property accepts `null` under the protocol's `x-nullish` rule (and is not nullable already). */
export function acceptsNull(prop: Prop, facts: Pick<Facts, 'nullish'>): boolean {
  return facts.nullish && !prop.node.nullable && (!prop.required || prop.node.doc.default !== undefined);
}

export const isInt64 = (n: Node): boolean => n.kind === 'scalar' && n.int64;

const hasDefaultedField = (n: Node): boolean => n.kind === 'object' && n.props.some((p) => p.node.doc.default !== undefined && !p.required);

/** A node reaches the set if it, or anything it refers to, has the property. */
export function reaches(node: Node, known: ReadonlySet<string>, local: (n: Node) => boolean): boolean {
  return some(node, (n) => local(n) || (n.kind === 'ref' && known.has(n.name)) || (n.kind === 'union' && n.variants.some((v) => known.has(v.type))));
}

/** Least fixpoint over refs: every type that reaches a node with the property. */
export function fixpoint(p: IRProtocol, local: (n: Node) => boolean, seed: Iterable<string> = []): Set<string> {
  const set = new Set<string>(seed);
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, type] of p.types) {
      if (!set.has(name) && reaches(type.node, set, local)) {
        set.add(name);
        changed = true;
      }
    }
  }
  return set;
}

function recursiveTypes(p: IRProtocol): Set<string> {
  const edges = new Map([...p.types].map(([name, t]) => [name, new Set(refsOf(t.node))]));
  const out = new Set<string>();
  for (const start of p.types.keys()) {
    const seen = new Set<string>();
    const stack = [...edges.get(start)!];
    while (stack.length) {
      const next = stack.pop()!;
      if (next === start) {
        out.add(start);
        break;
      }
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...(edges.get(next) ?? []));
    }
  }
  return out;
}

export function analyze(p: IRProtocol): Facts {
  // Open (`x-unknown: keep`) unions accept unknown tags on input, so they get an input shape of their own.
  const open = [...p.unions].filter(([, u]) => u.unknown === 'keep').map(([name]) => name);
  return {
    i64: fixpoint(p, isInt64),
    inputDiffers: fixpoint(p, hasDefaultedField, open),
    recursive: recursiveTypes(p),
    nullish: p.info['x-nullish'] === 'optional',
  };
}

export function nodeHasI64(node: Node | null, facts: Facts): boolean {
  return node !== null && reaches(node, facts.i64, isInt64);
}

/** The type name of a named type in a direction: `OutgoingSegmentInput` for params where defaults differ. */
export function directedName(name: string, dir: 'in' | 'out', facts: Facts): string {
  return dir === 'in' && facts.inputDiffers.has(name) ? `${name}Input` : name;
}

/** Names of an action's params / result types as exported by types.d.ts and validators.js. */
export function actionTypeNames(action: IRAction, facts: Facts): { params: string; result: string } {
  const paramsRef = action.params?.kind === 'ref' && action.params.name === action.paramsType;
  return {
    params: paramsRef ? directedName(action.paramsType, 'in', facts) : action.paramsType,
    result: action.resultType,
  };
}
