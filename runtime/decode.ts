/**
 * Decode plans: the generator reduces each action's params/result schema to the few places that need
 * work at runtime (int64 leaves, open tagged unions). Types with neither have no plan, so most values
 * are never walked.
 */
import { isObject } from './is-object.js';

export type Plan =
  | { k: 'i64' }
  /** An opaque 64-bit id (`x-int64: opaque`): a decimal string in every mode, a JSON integer on the wire. */
  | { k: 'id' }
  | { k: 'obj'; p: Record<string, Plan> }
  | { k: 'arr'; i: Plan }
  /** Tuple (`prefixItems`): a plan per position (null: nothing there), `r` for the items after them. */
  | { k: 'tup'; t: (Plan | null)[]; r?: Plan }
  | { k: 'ref'; n: string }
  /**
   * Tagged union. `v` maps each known tag to the variant's plan (null: nothing inside). An unknown tag
   * is wrapped (`keep`) or, as an array item, dropped (`skip`).
   */
  | { k: 'union'; tag: string; v: Record<string, Plan | null>; keep?: boolean; skip?: boolean }
  /** Untagged alternatives (e.g. a message that is a string, a segment or a segment array). */
  | { k: 'alt'; o: Plan[] };

export type PlanDefs = Readonly<Record<string, Plan>>;

export type Int64Mode = 'number' | 'bigint' | 'string';

/** Thrown by the walker; the client turns it into an `Int64PrecisionError` with protocol and action. */
export class Int64Overflow extends Error {
  constructor(
    readonly path: string,
    readonly value: string,
  ) {
    super(`integer ${value} at ${path}`);
  }
}

/**
 * Deeper values than this (objects and arrays inside each other) are refused instead of risking the
 * call stack: 512 levels is about 170 nested forward messages, far beyond what a server nests.
 */
export const MAX_NESTING = 512;

/** A value nested deeper than `MAX_NESTING`; the client turns it into a `ProtocolError`. */
export class NestingTooDeep extends Error {
  constructor(readonly path: string) {
    super(`value nested deeper than ${MAX_NESTING} levels at ${path.slice(0, 80)}…`);
  }
}

/** Returned by the walker for an unknown variant of a `skip` union; the enclosing array drops it. */
const SKIP: unique symbol = Symbol('qqwire.skip');

/** The tag an unknown variant of a `keep` union is delivered under: `{ type: 'unknown', raw }`. */
export const UNKNOWN_TAG = 'unknown';

type Direction = 'decode' | 'encode';

interface Walk {
  defs: PlanDefs;
  mode: Int64Mode;
  dir: Direction;
}


function convertI64(w: Walk, value: unknown, path: string): unknown {
  if (w.dir === 'encode') {
    // In string mode callers hold int64 values as decimal strings; the wire wants a JSON number.
    if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
    return value;
  }
  if (typeof value === 'bigint') {
    if (w.mode === 'number') throw new Int64Overflow(path, value.toString());
    return w.mode === 'string' ? value.toString() : value;
  }
  if (typeof value === 'number' && Number.isInteger(value)) {
    if (w.mode === 'bigint') return BigInt(value);
    if (w.mode === 'string') return String(value);
  }
  return value;
}

/** Opaque ids travel as JSON integers and are held as decimal strings, whatever the mode. */
function convertId(w: Walk, value: unknown): unknown {
  if (w.dir === 'encode') return typeof value === 'string' && /^-?\d+$/.test(value) ? BigInt(value) : value;
  if (typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value))) return value.toString();
  return value;
}

function pickAlternative(w: Walk, plans: Plan[], value: unknown): Plan | undefined {
  for (const plan of plans) {
    const p = plan.k === 'ref' ? w.defs[plan.n] : plan;
    if (!p) continue;
    const scalar = p.k === 'i64' || p.k === 'id';
    if (Array.isArray(value) ? p.k === 'arr' || p.k === 'tup' : isObject(value) ? p.k === 'obj' || p.k === 'union' : scalar) {
      return plan;
    }
  }
  return undefined;
}

function walk(w: Walk, plan: Plan, value: unknown, path: string, depth: number): unknown {
  if (depth > MAX_NESTING) throw new NestingTooDeep(path);
  switch (plan.k) {
    case 'i64':
      return convertI64(w, value, path);
    case 'id':
      return convertId(w, value);
    case 'ref': {
      const target = w.defs[plan.n];
      return target ? walk(w, target, value, path, depth) : value;
    }
    case 'arr': {
      if (!Array.isArray(value)) return value;
      let out: unknown[] | undefined;
      let skipped = false;
      for (let i = 0; i < value.length; i++) {
        const before = value[i];
        const after = walk(w, plan.i, before, `${path}/${i}`, depth + 1);
        if (after === SKIP) skipped = true;
        if (after !== before) (out ??= value.slice())[i] = after;
      }
      return skipped ? out!.filter((x) => x !== SKIP) : (out ?? value);
    }
    case 'tup': {
      if (!Array.isArray(value)) return value;
      let out: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const sub = i < plan.t.length ? plan.t[i] : plan.r;
        if (!sub) continue;
        const after = walk(w, sub, value[i], `${path}/${i}`, depth + 1);
        // A tuple position is not a list item: an unknown `skip` variant there stays as it was.
        if (after !== value[i] && after !== SKIP) (out ??= value.slice())[i] = after;
      }
      return out ?? value;
    }
    case 'obj': {
      if (!isObject(value)) return value;
      let out: Record<string, unknown> | undefined;
      for (const key in plan.p) {
        if (!(key in value)) continue;
        const before = value[key];
        const after = walk(w, plan.p[key]!, before, `${path}/${escapePointer(key)}`, depth + 1);
        if (after !== before && after !== SKIP) (out ??= { ...value })[key] = after;
      }
      return out ?? value;
    }
    case 'union': {
      if (!isObject(value)) return value;
      const tag = value[plan.tag];
      if (typeof tag === 'string' && Object.hasOwn(plan.v, tag)) {
        const variant = plan.v[tag];
        return variant ? walk(w, variant, value, path, depth) : value;
      }
      if (typeof tag !== 'string') return value; // a missing tag is a validation error, not a new variant
      if (plan.skip && w.dir === 'decode') return SKIP;
      if (!plan.keep) return value;
      if (w.dir === 'decode') return { [plan.tag]: UNKNOWN_TAG, raw: value };
      // Sending back what was received: the wrapped unknown variant goes out as the original object.
      if (tag === UNKNOWN_TAG && isObject(value['raw'])) return value['raw'];
      return value;
    }
    case 'alt': {
      const chosen = pickAlternative(w, plan.o, value);
      return chosen ? walk(w, chosen, value, path, depth) : value;
    }
  }
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Applies a plan. Returns the same object when nothing changed; copies only the changed branches.
 * Throws `NestingTooDeep` past `MAX_NESTING` levels and `Int64Overflow` for an unsafe number-mode value.
 */
export function applyPlan(plan: Plan, defs: PlanDefs, value: unknown, mode: Int64Mode, dir: Direction): unknown {
  const out = walk({ defs, mode, dir }, plan, value, '', 0);
  return out === SKIP ? value : out;
}

/**
 * Whether a value nests containers (objects, arrays) more than `max` levels deep. Iterative, stops at
 * the first branch past the limit.
 */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

/**
 * Finds the first bigint anywhere in a value (a number the lossless parser could not make safe).
 * Iterative, so no nesting depth can exhaust the stack.
 */
export function findBigint(value: unknown, path = ''): { path: string; value: bigint } | undefined {
  const stack: [unknown, string][] = [[value, path]];
  while (stack.length) {
    const [v, p] = stack.pop()!;
    if (typeof v === 'bigint') return { path: p || '/', value: v };
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${p}/${i}`]);
    } else if (isObject(v)) {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) stack.push([v[keys[i]!], `${p}/${escapePointer(keys[i]!)}`]);
    }
  }
  return undefined;
}

/**
 * Keeps only what a mode needs: in `number` mode int64 leaves need no work (safe values are numbers
 * already, unsafe ones are caught by `findBigint`), so only open unions remain.
 */
export function prunePlan(plan: Plan | null | undefined, defs: PlanDefs, keepI64: boolean): Plan | null {
  if (!plan) return null;
  switch (plan.k) {
    case 'i64':
      return keepI64 ? plan : null;
    case 'id':
      return plan;
    case 'ref':
      // Decided over the whole reference graph, so a recursive edge (a forward segment holding
      // messages) is dropped when nothing on any path below it has work to do.
      return defsWithWork(defs, keepI64).has(plan.n) ? plan : null;
    case 'arr': {
      const i = prunePlan(plan.i, defs, keepI64);
      return i ? { k: 'arr', i } : null;
    }
    case 'tup': {
      const t = plan.t.map((x) => prunePlan(x, defs, keepI64));
      const r = prunePlan(plan.r, defs, keepI64);
      return t.some(Boolean) || r ? { k: 'tup', t, ...(r ? { r } : {}) } : null;
    }
    case 'obj': {
      const p: Record<string, Plan> = {};
      for (const [key, sub] of Object.entries(plan.p)) {
        const kept = prunePlan(sub, defs, keepI64);
        if (kept) p[key] = kept;
      }
      return Object.keys(p).length ? { k: 'obj', p } : null;
    }
    case 'union': {
      const v: Record<string, Plan | null> = {};
      let any = plan.keep === true || plan.skip === true;
      for (const [tag, sub] of Object.entries(plan.v)) {
        v[tag] = prunePlan(sub, defs, keepI64);
        if (v[tag]) any = true;
      }
      return any ? { ...plan, v } : null;
    }
    case 'alt': {
      const o = plan.o.map((x) => prunePlan(x, defs, keepI64)).filter((x): x is Plan => x !== null);
      return o.length ? { k: 'alt', o } : null;
    }
  }
}

/** Prunes every named plan once, for a client's mode. */
const workCache = new WeakMap<PlanDefs, Map<boolean, Set<string>>>();

/**
 * The defs whose values have something to do (an int64 when `keepI64`, an opaque id, an open
 * union), directly or through any chain of references: a fixed point over the reference graph.
 */
export function defsWithWork(defs: PlanDefs, keepI64: boolean): Set<string> {
  let byMode = workCache.get(defs);
  if (!byMode) workCache.set(defs, (byMode = new Map()));
  const cached = byMode.get(keepI64);
  if (cached) return cached;
  const work = new Set<string>();
  const refs = new Map<string, string[]>();
  // Own work and outgoing references of each def, without following the references.
  const scan = (plan: Plan | null | undefined, out: string[]): boolean => {
    if (!plan) return false;
    switch (plan.k) {
      case 'i64':
        return keepI64;
      case 'id':
        return true;
      case 'ref':
        out.push(plan.n);
        return false;
      case 'arr':
        return scan(plan.i, out);
      case 'tup':
        return [...plan.t, plan.r].reduce((any: boolean, sub) => scan(sub, out) || any, false);
      case 'obj':
        return Object.values(plan.p).reduce((any, sub) => scan(sub, out) || any, false);
      case 'union':
        return Object.values(plan.v).reduce((any, sub) => scan(sub, out) || any, plan.keep === true || plan.skip === true);
      case 'alt':
        return plan.o.reduce((any, sub) => scan(sub, out) || any, false);
    }
  };
  for (const [name, plan] of Object.entries(defs)) {
    const out: string[] = [];
    if (scan(plan, out)) work.add(name);
    refs.set(name, out);
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, targets] of refs) {
      if (!work.has(name) && targets.some((t) => work.has(t))) {
        work.add(name);
        changed = true;
      }
    }
  }
  byMode.set(keepI64, work);
  return work;
}

export function pruneDefs(defs: PlanDefs, keepI64: boolean): Record<string, Plan> {
  const out: Record<string, Plan> = {};
  for (const [name, plan] of Object.entries(defs)) {
    const kept = prunePlan(plan, defs, keepI64);
    if (kept) out[name] = kept;
  }
  return out;
}
