/**
 * IR → decode plans (see runtime/decode.ts): only the paths that hold an int64 or an open tagged union.
 * A type that has neither gets no plan and is never walked at runtime.
 */
import { fixpoint, isInt64, type Facts } from './analyze.js';
import type { IRProtocol } from './ir.js';
import { walk, type Node, type UnionNode } from './node.js';
import type { Plan } from '../runtime/decode.js';

/** The plan shape is the runtime's, which reads it (a type-only import: nothing of the runtime runs here). */
export type { Plan };

/** Types that need runtime work: they reach an int64 or a union with an unknown-tag policy. */
export function needsWork(p: IRProtocol, facts: Pick<Facts, 'i64'>): Set<string> {
  const open = [...p.unions].filter(([, u]) => u.unknown !== 'reject').map(([n]) => n);
  return fixpoint(p, isInt64, [...facts.i64, ...open]);
}

/** The plan of one node; `work` names the types that have a plan of their own. */
export function planOf(node: Node, work: ReadonlySet<string>): Plan | null {
  return walk<Plan | null>(node, {
    ref: (n) => (work.has(n.name) ? { k: 'ref', n: n.name } : null),
    scalar: (n) => (n.opaque ? { k: 'id' } : n.int64 ? { k: 'i64' } : null),
    literal: () => null,
    any: () => null,
    binary: () => null,
    union: (n) => unionPlan(n, work),
    alt: (n, sub) => {
      const o = n.options.map(sub).filter((x): x is Plan => x !== null);
      return o.length ? { k: 'alt', o } : null;
    },
    array: (n, sub) => {
      const i = n.items ? sub(n.items) : null;
      return i ? { k: 'arr', i } : null;
    },
    tuple: (n, sub) => {
      const t = n.items.map(sub);
      const r = typeof n.rest === 'object' ? sub(n.rest) : null;
      return t.some(Boolean) || r ? { k: 'tup', t, ...(r ? { r } : {}) } : null;
    },
    object: (n, sub) => {
      const p: Record<string, Plan> = {};
      for (const prop of n.props) {
        const sp = sub(prop.node);
        if (sp) p[prop.name] = sp;
      }
      return Object.keys(p).length ? { k: 'obj', p } : null;
    },
  });
}

function unionPlan(u: UnionNode, work: ReadonlySet<string>): Plan | null {
  const v = Object.fromEntries(u.variants.map((x) => [x.tag, work.has(x.type) ? ({ k: 'ref', n: x.type } as Plan) : null]));
  const policy = u.unknown === 'keep' ? { keep: true } : u.unknown === 'skip' ? { skip: true } : undefined;
  return policy || Object.values(v).some(Boolean) ? { k: 'union', tag: u.tag, v, ...policy } : null;
}

export interface Plans {
  defs: Record<string, Plan>;
  action(node: Node | null): Plan | null;
}

export function buildPlans(p: IRProtocol, facts: Pick<Facts, 'i64'>): Plans {
  const work = needsWork(p, facts);
  const defs: Record<string, Plan> = {};
  for (const [name, t] of p.types) {
    if (!work.has(name)) continue;
    const plan = planOf(t.node, work);
    if (plan) defs[name] = plan;
  }
  return { defs, action: (node) => (node ? planOf(node, work) : null) };
}
