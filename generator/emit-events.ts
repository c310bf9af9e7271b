/**
 * Emitter: events.js / events.d.ts for a protocol with `transport.events.type`: the validator of each
 * event name and `create<Protocol>EventHub()`, the runtime hub bound to the protocol's event facts, so
 * `hub.on('message.group', (e) => …)` narrows `e`. Only the hub imports this module, so a bot that
 * only calls actions bundles no event validator; it carries its own small descriptor (name and
 * `transport.events`), so the hub does not pull in the client and its action validators.
 */
import type { Facts } from './analyze.js';
import type { Artifact, Emitter, EmitInput } from './emit.js';
import type { IRProtocol } from './ir.js';
import { make } from './node.js';
import { buildPlans, type Plan } from './plans.js';
import { blockComment, jsJson, singleQuoted } from './escape.js';
import { camelizeKeys, eventHubFactoryName } from './naming.js';

/** The named plans a set of plans refers to, directly or through each other. */
function reachableDefs(roots: Plan[], defs: Record<string, Plan>): Record<string, Plan> {
  const out: Record<string, Plan> = {};
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!value || typeof value !== 'object') return;
    const plan = value as { k?: unknown; n?: unknown };
    if (plan.k === 'ref' && typeof plan.n === 'string' && !(plan.n in out) && defs[plan.n]) {
      out[plan.n] = defs[plan.n]!;
      visit(defs[plan.n]);
    }
    Object.values(value).forEach(visit);
  };
  roots.forEach(visit);
  return Object.fromEntries(Object.keys(defs).filter((n) => n in out).map((n) => [n, out[n]!]));
}

/** Decode plans per event name (only events that reach an int64 or an open union have one). */
function eventPlans(p: IRProtocol, facts: Facts): { defs: Record<string, Plan>; events: Record<string, Plan> } {
  const plans = buildPlans(p, facts);
  const events: Record<string, Plan> = {};
  for (const e of p.events) {
    const plan = plans.action(make.ref(e.type));
    if (plan) events[e.name] = plan;
  }
  return { defs: reachableDefs(Object.values(events), plans.defs), events };
}

function emitEvents({ protocol: p, facts, ctx }: EmitInput): Artifact[] {
  if (!p.events.length) return [];
  const factory = eventHubFactoryName(p.id);
  const title = blockComment(p.info.title);
  const descriptor = { name: p.id, transport: { events: camelizeKeys(p.info.transport['events']) } };
  const js = [
    ctx.header,
    `import { createEventHub } from 'qqwire/runtime/internal';`,
    `import * as v from './validators.js';`,
    '',
    `/** The ${title} facts the hub reads: the event-name rule and the deliveries. */`,
    `const events = ${jsJson(descriptor, 2)};`,
    '',
    '/** Decode plans: int64 fields and open unions inside events, decoded as in results. */',
    `const plans = ${jsJson(eventPlans(p, facts))};`,
    '',
    '/** The validator of each event name (the leaf type of the events union). */',
    'export const eventValidators = {',
    '  __proto__: null,',
    ...p.events.map((e) => `  ${singleQuoted(e.name)}: v.${e.type},`),
    '};',
    '',
    `/** A typed ${title} event hub: events named by the schema's rule, validated per \`validation\` (default \`warn\`). */`,
    `export function ${factory}(options = {}) {`,
    '  return createEventHub({ ...options, protocol: events, validators: eventValidators, plans });',
    '}',
    '',
  ].join('\n');
  const dts = [
    ctx.header,
    `import type { EventHub, EventHubOptions, Int64Mode, Int64Of, Validator } from 'qqwire/runtime/internal';`,
    `import type { EventMap } from './types.js';`,
    '',
    '/** The validator of each event name. */',
    'export declare const eventValidators: { readonly [K in keyof EventMap]: Validator<unknown> };',
    '',
    `/** Options of \`${factory}\`: the runtime hub's, with the protocol and its validators already bound. */`,
    `export type ${factory.replace(/^create/, '')}Options<M extends Int64Mode = 'number'> = Omit<EventHubOptions, 'protocol' | 'validate' | 'validators' | 'plans' | 'int64'> & {`,
    '  /** How int64 fields are delivered: `number` (default), `bigint` or `string`, as the client option. */',
    '  int64?: M | undefined;',
    '};',
    '',
    `/**`,
    ` * A typed ${title} event hub: \`hub.on(name, (e) => …)\` narrows \`e\` by the event name; unknown names reach \`'*'\`.`,
    ' * Feed it to a receiver as its `sink`.',
    ' */',
    `export declare function ${factory}<M extends Int64Mode = 'number'>(options?: ${factory.replace(/^create/, '')}Options<M>): EventHub<EventMap<Int64Of<M>>>;`,
    '',
  ].join('\n');
  return [
    { path: 'events.js', content: js },
    { path: 'events.d.ts', content: dts },
  ];
}

export const eventsEmitter: Emitter = { name: 'events', emit: emitEvents };
