/**
 * Every protocol.json with `events`, table-driven (a protocol that gains events is picked up without
 * touching this file): each event's docs examples, and a minimal sample of its schema, validate with
 * the generated validator of its name; the hub names each of them by the runtime's rule exactly as the
 * key (the schema's consts and the runtime's name rule agree); the generated hub delivers them to
 * `on(name)` under `validation: 'throw'`, reports a broken one, and hands a name it does not know to
 * `'*'` without an error.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { EventValidationError, type EventDeliveryInfo, type EventHub, type EventHubOptions } from 'qqwire/runtime';
import { sample } from './helpers/schema-sample.js';

type Schema = Record<string, unknown>;
interface EventsJson {
  protocol: { name: string; transport: { events: { type: string; name: { parts: string[][] } } } };
  events?: Record<string, { type: string; summary?: string; schema: Schema }>;
  $defs: Record<string, Schema>;
}
interface EventsModule {
  eventValidators: Record<string, { check(value: unknown): readonly { path: string }[] | undefined }>;
  [factory: string]: unknown;
}

const GENERATED = new URL('../../generated/', import.meta.url);
const read = (id: string) => JSON.parse(readFileSync(fileURLToPath(new URL(`${id}/protocol.json`, GENERATED)), 'utf8')) as EventsJson;
const PROTOCOLS = readdirSync(GENERATED, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(fileURLToPath(new URL(`${d.name}/protocol.json`, GENERATED))))
  .map((d) => d.name)
  .filter((id) => read(id).events !== undefined)
  .sort();

const info: EventDeliveryInfo = { delivery: 'test' };
const pascal = (id: string) => id.replace(/(^|[^A-Za-z0-9]+)([A-Za-z0-9])/g, (_, __, c: string) => c.toUpperCase());

async function load(id: string): Promise<{ json: EventsJson; mod: EventsModule; hub: (o?: Partial<EventHubOptions>) => EventHub }> {
  const mod = (await import(`qqwire/${id}`)) as EventsModule;
  const factory = mod[`create${pascal(id)}EventHub`] as (o?: Partial<EventHubOptions>) => EventHub;
  assert.equal(typeof factory, 'function', `qqwire/${id} exports create${pascal(id)}EventHub`);
  return { json: read(id), mod, hub: factory };
}

/** The docs' examples of an event type, then a minimal instance built from its schema. */
function payloads(json: EventsJson, type: string): { what: string; value: unknown }[] {
  const examples = (json.$defs[type]!['examples'] as unknown[] | undefined) ?? [];
  return [...examples.map((value, i) => ({ what: `example ${i}`, value })), { what: 'schema sample', value: sample({ $ref: `#/$defs/${type}` }, json.$defs) }];
}

test('Milky has events: the table is not empty', () => {
  assert.ok(PROTOCOLS.includes('milky'), PROTOCOLS.join());
});

for (const id of PROTOCOLS) {
  describe(`${id} events`, () => {
    test('each key has a leaf type in $defs, a JSON Schema ref to it and a generated validator; nothing else is validated', async () => {
      const { json, mod } = await load(id);
      const names = Object.keys(json.events!);
      assert.ok(names.length > 0);
      assert.deepEqual(Object.keys(mod.eventValidators).sort(), [...names].sort());
      for (const [name, e] of Object.entries(json.events!)) {
        assert.ok(json.$defs[e.type], `${name}: $defs/${e.type}`);
        assert.deepEqual(e.schema, { $ref: `#/$defs/${e.type}` }, name);
      }
      assert.equal(json.protocol.transport.events.type in json.$defs, true, 'the root union is in $defs');
    });

    test('every example and sample validates with its name\'s validator, and the hub names it by that key', async () => {
      const { json, mod, hub: create } = await load(id);
      const hub = create();
      let examples = 0;
      for (const [name, e] of Object.entries(json.events!)) {
        for (const { what, value } of payloads(json, e.type)) {
          if (what.startsWith('example')) examples++;
          assert.equal(mod.eventValidators[name]!.check(value), undefined, `${id} ${name} ${what}: ${JSON.stringify(mod.eventValidators[name]!.check(value))}`);
          assert.equal(hub.nameOf(value), name, `${id} ${name} ${what}: the runtime names it ${String(hub.nameOf(value))}`);
        }
      }
      console.log(`${id}: ${Object.keys(json.events!).length} events, ${examples} docs examples validated and named`);
    });

    test('the generated hub delivers each to on(name) with validation throw; a broken one is reported and not delivered', async () => {
      const { json, hub: create } = await load(id);
      const errors: Error[] = [];
      const hub = create({ validation: 'throw', onError: (e) => errors.push(e) });
      for (const [name, e] of Object.entries(json.events!)) {
        const value = payloads(json, e.type)[0]!.value as Record<string, unknown>;
        const got: unknown[] = [];
        const off = hub.on(name, (event) => void got.push(event));
        hub.onEvent(value, info);
        assert.deepEqual(got, [value], `${name} delivered as sent`);
        assert.equal(got[0], value, `${name}: the same object, not a copy`);
        // A required field the leaf declares (other than the name's own fields) goes missing.
        const required = ((json.$defs[e.type]!['required'] as string[] | undefined) ?? []).filter((k) => !json.protocol.transport.events.name.parts.flat().includes(k));
        if (required.length) {
          const broken = { ...value };
          delete broken[required[0]!];
          hub.onEvent(broken, info);
          assert.equal(got.length, 1, `${name}: a payload without ${required[0]} is not delivered`);
          const error = errors.pop();
          assert.ok(error instanceof EventValidationError && error.event === name, `${name}: reported as invalid`);
        }
        off();
      }
      assert.deepEqual(errors, []);
    });

    test('an event name the schema does not know reaches \'*\' unvalidated, never as an error', async () => {
      const { json, hub: create } = await load(id);
      const errors: Error[] = [];
      const hub = create({ validation: 'throw', onError: (e) => errors.push(e) });
      const [first] = Object.values(json.events!);
      const value = payloads(json, first!.type)[0]!.value as Record<string, unknown>;
      const field = json.protocol.transport.events.name.parts[0]![0]!;
      const unknown = { ...value, [field]: 'qqwire_future_event' };
      const seen: [unknown, string | undefined][] = [];
      hub.on('*', (e, _info, name) => void seen.push([e, name]));
      hub.onEvent(unknown, info);
      assert.equal(seen.length, 1);
      assert.equal(seen[0]![0], unknown, 'the raw payload, as sent');
      assert.ok(!Object.keys(json.events!).includes(String(seen[0]![1])), `named ${String(seen[0]![1])}`);
      assert.deepEqual(errors, []);
    });
  });
}
