/**
 * The protocol's events (`transport.events.type`): the leaves of the root tagged union, each named by
 * the runtime's rule (`transport.events.name`) from the single values of the fields on the path from
 * the root to the leaf. Pure: problems come back as (type, pointer, detail) for resolve.ts to locate.
 */
import type { Node, UnionNode } from './node.js';

export interface EventNameRule {
  parts: string[][];
  refine?: { when: string; field: string }[] | undefined;
}

export interface IREvent {
  /** The event name `hub.on(name, …)` takes: `message.group`, `message_receive`. */
  name: string;
  /** The leaf's named object type. */
  type: string;
}

export interface EventProblem {
  /** The type whose schema holds the problem (the union that lists the leaf, or the protocol when `type` is undefined). */
  type: string | undefined;
  pointer: string;
  detail: string;
}

/** Names the hub gives a meaning of its own, or that would change a descriptor object's prototype. */
const RESERVED_EVENT_NAMES = new Set(['*', '__proto__', 'constructor', 'prototype']);

const kindWord = (kind: string) => `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}`;

/** The single value a schema fixes for a field: `const`, or a one-value `enum`, a string. */
function fixedValue(node: Node | undefined): string | undefined {
  if (node?.kind !== 'literal' || node.values.length !== 1) return undefined;
  const v = node.values[0];
  return typeof v === 'string' ? v : undefined;
}

/** The name the rule gives a leaf whose fields have these single values; a string problem when it cannot. */
export function leafName(rule: EventNameRule, fixed: ReadonlyMap<string, string>, declared: ReadonlySet<string>): string | { problem: string } {
  const parts: string[] = [];
  for (const fields of rule.parts) {
    // The runtime takes the first field present; a declared field without one value makes that unknowable.
    const field = fields.find((f) => fixed.has(f) || declared.has(f));
    if (field === undefined || !fixed.has(field)) {
      const which = fields.length === 1 ? `"${fields[0]}"` : `one of ${fields.map((f) => `"${f}"`).join(', ')}`;
      return { problem: `needs ${which} with one value (\`const\`) to compute its event name${field ? `: "${field}" has none` : ''}` };
    }
    parts.push(fixed.get(field)!);
  }
  let name = parts.join('.');
  for (const { when, field } of rule.refine ?? []) {
    if (name !== when) continue;
    if (fixed.has(field)) name = `${name}.${fixed.get(field)}`;
    else if (declared.has(field)) return { problem: `is named "${name}" and so refined by "${field}", which has no single value (\`const\`)` };
  }
  return name;
}

/**
 * Walks the root union down to its leaves. `types` maps every named type to its node; `pointerOf`
 * gives a union's `oneOf` entry for errors.
 */
export function computeEvents(root: string, rule: EventNameRule, types: ReadonlyMap<string, Node>): { events: IREvent[]; problems: EventProblem[] } {
  const events: IREvent[] = [];
  const problems: EventProblem[] = [];
  const rootNode = types.get(root);
  if (rootNode?.kind !== 'union') {
    const what = rootNode ? `is ${kindWord(rootNode.kind)}, not a tagged union` : 'is not a type of this protocol';
    problems.push({ type: undefined, pointer: '/protocol/transport/events/type', detail: `events type ${root} ${what} (\`discriminator\` + \`oneOf\`)` });
    return { events, problems };
  }
  const byName = new Map<string, string>();
  const visit = (union: UnionNode, unionName: string, onPath: ReadonlyMap<string, string>, seen: readonly string[]): void => {
    union.variants.forEach((v, i) => {
      const at = { type: unionName, pointer: `${union.pointer}/oneOf/${i}` };
      const node = types.get(v.type);
      const fixed = new Map(onPath);
      if (v.tag) fixed.set(union.tag, v.tag);
      if (node?.kind === 'union') {
        if (!seen.includes(v.type)) visit(node, v.type, fixed, [...seen, v.type]);
        return;
      }
      if (node?.kind !== 'object') {
        if (node) problems.push({ ...at, detail: `event variant ${v.type} must be an object type or a tagged union, not ${kindWord(node.kind)}` });
        return;
      }
      for (const p of node.props) {
        const value = fixedValue(p.node);
        if (value !== undefined) fixed.set(p.name, value);
      }
      const name = leafName(rule, fixed, new Set(node.props.map((p) => p.name)));
      if (typeof name !== 'string') return void problems.push({ ...at, detail: `event ${v.type} ${name.problem}` });
      if (RESERVED_EVENT_NAMES.has(name) || name === '') return void problems.push({ ...at, detail: `event ${v.type} gets the name "${name}", which is reserved: give it another value` });
      const first = byName.get(name);
      if (first) return void problems.push({ ...at, detail: `event ${v.type} gets the name "${name}", already the name of ${first}: two events cannot share a name` });
      byName.set(name, v.type);
      events.push({ name, type: v.type });
    });
  };
  visit(rootNode, root, new Map(), [root]);
  return { events, problems };
}
