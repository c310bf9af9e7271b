/**
 * Valid samples and single-fault mutations built from a zod schema (milky-types' own schemas), for the
 * Milky differential test. Reads zod 4's public `_zod.def` tree; only the node kinds milky-types uses.
 */

export interface ZodLike {
  _zod: { def: ZodDef };
  safeParse(value: unknown): { success: boolean };
  readonly description?: string | undefined;
  readonly minValue?: number | null;
  readonly maxValue?: number | null;
}

interface ZodDef {
  type: string;
  shape?: Record<string, ZodLike>;
  element?: ZodLike;
  innerType?: ZodLike;
  in?: ZodLike;
  getter?: () => ZodLike;
  entries?: Record<string, string>;
  values?: unknown[];
  options?: ZodLike[];
  discriminator?: string;
  defaultValue?: unknown;
}

export interface Unwrapped {
  core: ZodLike;
  optional: boolean;
  hasDefault: boolean;
  defaultValue?: unknown;
  /** The node swallows invalid input (`.catch`): milky-types' IncomingSegment and the group notification list. */
  caught: boolean;
  description: string | undefined;
}

/** Strips the wrappers milky-types puts around a field: `.nullish().default(x).transform(…)`, lazy, catch. */
export function unwrap(schema: ZodLike): Unwrapped {
  let s = schema;
  const out: Unwrapped = { core: s, optional: false, hasDefault: false, caught: false, description: s.description };
  for (;;) {
    const d = s._zod.def;
    out.description ??= s.description;
    if (d.type === 'pipe') s = d.in!;
    else if (d.type === 'default') {
      out.hasDefault = out.optional = true;
      out.defaultValue = typeof d.defaultValue === 'function' ? (d.defaultValue as () => unknown)() : d.defaultValue;
      s = d.innerType!;
    } else if (d.type === 'optional' || d.type === 'nullable') {
      out.optional = true;
      s = d.innerType!;
    } else if (d.type === 'lazy') s = d.getter!();
    else if (d.type === 'catch') {
      out.caught = true;
      s = d.innerType!;
    } else break;
  }
  out.core = s;
  return out;
}

export const def = (s: ZodLike): ZodDef => s._zod.def;

/** Union alternatives, or enum members: how many samples it takes to visit each once. */
function width(s: ZodLike, seen = new Set<ZodLike>()): number {
  const { core } = unwrap(s);
  if (seen.has(core)) return 1;
  seen.add(core);
  const d = def(core);
  if (d.type === 'union') return Math.max(d.options!.length, ...d.options!.map((o) => width(o, seen)));
  if (d.type === 'enum') return Object.keys(d.entries!).length;
  if (d.type === 'object') return Math.max(1, ...Object.values(d.shape!).map((f) => width(f, seen)));
  if (d.type === 'array') return width(d.element!, seen);
  return 1;
}

export type Mode = 'minimal' | 'full';

/** A valid instance: `variant` picks the union alternative / enum member (modulo its size) everywhere. */
export function sample(schema: ZodLike, variant: number, mode: Mode, depth = 0): unknown {
  const { core } = unwrap(schema);
  const d = def(core);
  switch (d.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(d.shape!)) {
        if (mode === 'minimal' && unwrap(field).optional) continue;
        out[key] = sample(field, variant, mode, depth + 1);
      }
      return out;
    }
    case 'array':
      return depth > 8 ? [] : [sample(d.element!, variant, mode, depth + 1)];
    case 'union': {
      const options = d.options!;
      return sample(options[variant % options.length]!, variant, mode, depth + 1);
    }
    case 'number': {
      // Both ends of the range: the minimum in minimal samples, a large in-range value in full ones.
      const min = core.minValue ?? 0;
      const max = core.maxValue ?? Number.MAX_SAFE_INTEGER;
      return mode === 'minimal' ? min : Math.min(max, 4294967295);
    }
    case 'string':
      return mode === 'minimal' ? '' : 'x';
    case 'boolean':
      return mode === 'full';
    case 'enum': {
      const values = Object.values(d.entries!);
      return values[variant % values.length];
    }
    case 'literal':
      return d.values![0];
    default:
      throw new Error(`zod-cases: no sample for a ${d.type} node`);
  }
}

export function sampleCount(schema: ZodLike): number {
  return width(schema);
}

export type MutationKind = 'missing-required' | 'wrong-type' | 'out-of-range' | 'unknown-enum' | 'extra-field' | 'null-optional';

export interface Mutation {
  kind: MutationKind;
  /** JSON path of the changed value, e.g. `/message/0/data/text`. */
  path: string;
  value: unknown;
  /** Set when the change sits inside a zod `.catch` (so milky-types accepts it whatever it is). */
  shielded?: { by: string; tagOnly: boolean };
}

type Container = Record<string, unknown> | unknown[];

function setAt(root: unknown, path: (string | number)[], change: (parent: Container, key: string | number) => void): unknown {
  const copy = structuredClone(root);
  let node = copy as Container;
  for (const key of path.slice(0, -1)) node = (node as Record<string | number, unknown>)[key] as Container;
  change(node, path[path.length - 1]!);
  return copy;
}

const WRONG: Record<string, unknown> = { number: 'x', string: 12345, boolean: 'yes', enum: 7, literal: 7, object: 42, array: 'x', union: 42 };

/**
 * Every single-fault mutation of `value` (a valid sample of `schema`): remove each required field, give each
 * field a value of the wrong type, step outside each numeric range, use an unknown enum member or tag, add
 * an unknown field to each object, and set each optional field to null.
 */
export function mutations(schema: ZodLike, value: unknown): Mutation[] {
  const out: Mutation[] = [];
  const root = value;
  const walk = (s: ZodLike, v: unknown, path: (string | number)[], shield: string | undefined, seenDepth: number): void => {
    const u = unwrap(s);
    const by = shield ?? (u.caught ? (u.description ?? 'catch') : undefined);
    const core = u.core;
    const d = def(core);
    const ptr = `/${path.join('/')}`;
    const add = (kind: MutationKind, change: (parent: Container, key: string | number) => void, tagOnly = false) => {
      const mutated = path.length === 0 ? undefined : setAt(root, path, change);
      if (mutated !== undefined) out.push({ kind, path: ptr, value: mutated, ...(by ? { shielded: { by, tagOnly } } : {}) });
    };
    const replace = (kind: MutationKind, next: unknown, tagOnly = false) =>
      add(kind, (parent, key) => void ((parent as Record<string | number, unknown>)[key] = next), tagOnly);

    if (path.length > 0) replace('wrong-type', WRONG[d.type] ?? 42, d.type === 'literal');
    switch (d.type) {
      case 'object': {
        const obj = v as Record<string, unknown>;
        for (const [key, field] of Object.entries(d.shape!)) {
          if (!(key in obj)) continue;
          const fu = unwrap(field);
          if (fu.optional) {
            // Milky's `.nullish()`: null stands for "absent" in every optional or defaulted field.
            const mutated = setAt(root, [...path, key], (parent, k) => void ((parent as Record<string | number, unknown>)[k] = null));
            out.push({ kind: 'null-optional', path: `/${[...path, key].join('/')}`, value: mutated, ...(by ? { shielded: { by, tagOnly: false } } : {}) });
          } else {
            const fieldBy = by ?? (fu.caught ? (fu.description ?? 'catch') : undefined);
            const isTag = def(fu.core).type === 'literal';
            const mutated = setAt(root, [...path, key], (parent, k) => void delete (parent as Record<string | number, unknown>)[k]);
            out.push({ kind: 'missing-required', path: `/${[...path, key].join('/')}`, value: mutated, ...(fieldBy ? { shielded: { by: fieldBy, tagOnly: isTag } } : {}) });
          }
          walk(field, obj[key], [...path, key], by, seenDepth + 1);
        }
        const extra = path.length === 0 ? { ...obj, qqwire_extra_field: 1 } : undefined;
        if (extra) out.push({ kind: 'extra-field', path: '/qqwire_extra_field', value: extra });
        else add('extra-field', (parent, key) => {
          (parent as Record<string | number, unknown>)[key] = { ...obj, qqwire_extra_field: 1 };
        });
        return;
      }
      case 'array': {
        const arr = v as unknown[];
        if (arr.length > 0 && seenDepth < 40) walk(d.element!, arr[0], [...path, 0], by, seenDepth + 1);
        return;
      }
      case 'union': {
        const tag = d.discriminator!;
        const chosen = d.options!.find((o) => def(o).shape![tag] && (def(def(o).shape![tag]!).values ?? [])[0] === (v as Record<string, unknown>)[tag]);
        if (!chosen) throw new Error(`zod-cases: no union member for ${ptr}`);
        walk(chosen, v, path, by, seenDepth);
        return;
      }
      case 'number': {
        const min = core.minValue;
        const max = core.maxValue;
        if (typeof min === 'number' && Number.isFinite(min) && min > Number.MIN_SAFE_INTEGER) replace('out-of-range', min - 1);
        if (typeof max === 'number' && Number.isFinite(max) && max < Number.MAX_SAFE_INTEGER) replace('out-of-range', max + 1);
        replace('out-of-range', (typeof min === 'number' && Number.isFinite(min) ? min : 0) + 0.5);
        return;
      }
      case 'enum':
        replace('unknown-enum', 'qqwire_no_such_member');
        return;
      case 'literal':
        replace('unknown-enum', 'qqwire_no_such_tag', true);
        return;
      default:
        return;
    }
  };
  walk(schema, value, [], undefined, 0);
  return out;
}
