/**
 * Emitter: events.js / events.d.ts for a protocol with `transport.events.type`: the validator of each
 * event name and `create<Protocol>EventHub()`, the runtime hub bound to the protocol's event facts, so
 * `hub.on('message.group', (e) => …)` narrows `e`. Only the hub imports this module, so a bot that
 * only calls actions bundles no event validator; it carries its own small descriptor (name and
 * `transport.events`), so the hub does not pull in the client and its action validators.
 */
import type { Artifact, Emitter, EmitInput } from './emit.js';
import { blockComment, jsJson, singleQuoted } from './escape.js';
import { camelizeKeys, eventHubFactoryName } from './naming.js';

function emitEvents({ protocol: p, ctx }: EmitInput): Artifact[] {
  if (!p.events.length) return [];
  const factory = eventHubFactoryName(p.id);
  const title = blockComment(p.info.title);
  const descriptor = { name: p.id, transport: { events: camelizeKeys(p.info.transport['events']) } };
  const js = [
    ctx.header,
    `import { createEventHub } from 'qqwire/runtime';`,
    `import * as v from './validators.js';`,
    '',
    `/** The ${title} facts the hub reads: the event-name rule and the deliveries. */`,
    `const events = ${jsJson(descriptor, 2)};`,
    '',
    '/** The validator of each event name (the leaf type of the events union). */',
    'export const eventValidators = {',
    '  __proto__: null,',
    ...p.events.map((e) => `  ${singleQuoted(e.name)}: v.${e.type},`),
    '};',
    '',
    `/** A typed ${title} event hub: events named by the schema's rule, validated per \`validation\` (default \`warn\`). */`,
    `export function ${factory}(options = {}) {`,
    '  return createEventHub({ ...options, protocol: events, validators: eventValidators });',
    '}',
    '',
  ].join('\n');
  const dts = [
    ctx.header,
    `import type { EventHub, EventHubOptions, Validator } from 'qqwire/runtime';`,
    `import type { EventMap } from './types.js';`,
    '',
    '/** The validator of each event name. */',
    'export declare const eventValidators: { readonly [K in keyof EventMap]: Validator<unknown> };',
    '',
    `/** Options of \`${factory}\`: the runtime hub's, with the protocol and its validators already bound. */`,
    `export type ${factory.replace(/^create/, '')}Options = Omit<EventHubOptions, 'protocol' | 'validate' | 'validators'>;`,
    '',
    `/**`,
    ` * A typed ${title} event hub: \`hub.on(name, (e) => …)\` narrows \`e\` by the event name; unknown names reach \`'*'\`.`,
    ' * Feed it to a receiver as its `sink`.',
    ' */',
    `export declare function ${factory}(options?: ${factory.replace(/^create/, '')}Options): EventHub<EventMap>;`,
    '',
  ].join('\n');
  return [
    { path: 'events.js', content: js },
    { path: 'events.d.ts', content: dts },
  ];
}

export const eventsEmitter: Emitter = { name: 'events', emit: emitEvents };
