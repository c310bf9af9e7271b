/**
 * Bar check: every event each protocol documents, as committed in
 * test/fixtures/<protocol>/documented-events.json with its sources, is an event of the generated
 * protocol.json (its `events` keys). Any folder with such a file is checked; a failure names each
 * missing event.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { eventListProblems, missingEvents, type DocumentedEvents } from './helpers/documented-events.js';
import { loadProtocolJson } from './helpers/schema-sample.js';

const FIXTURES = new URL('../../test/fixtures/', import.meta.url);
const lists = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(fileURLToPath(new URL(`${d.name}/documented-events.json`, FIXTURES))))
  .map((d) => d.name)
  .sort();

describe('documented events: the bar check', () => {
  it('finds the committed lists (the OneBot 11 family at least)', () => {
    for (const p of ['onebot11', 'gocqhttp', 'shamrock']) assert.ok(lists.includes(p), `test/fixtures/${p}/documented-events.json`);
  });

  for (const folder of lists) {
    it(`${folder}: every documented event is in generated/${folder}/protocol.json events`, () => {
      const doc = JSON.parse(readFileSync(new URL(`${folder}/documented-events.json`, FIXTURES), 'utf8')) as DocumentedEvents;
      assert.deepEqual(eventListProblems(doc, folder), [], `test/fixtures/${folder}/documented-events.json`);
      const events = (loadProtocolJson(folder) as { events?: Record<string, unknown> }).events ?? {};
      const missing = missingEvents(doc, new Set(Object.keys(events)));
      assert.deepEqual(missing, [], `${folder} lacks ${missing.length} documented event(s): ${missing.join(', ')}`);
    });
  }

  it('the check names each missing event', () => {
    const doc: DocumentedEvents = {
      protocol: 'demo',
      sources: [{ repo: 'owner/demo', commit: 'abc1234', paths: ['event.md'] }],
      events: ['message.group', 'notice.notify.poke', 'request.friend'],
    };
    assert.deepEqual(eventListProblems(doc, 'demo'), []);
    assert.deepEqual(missingEvents(doc, new Set(['message.group', 'notice.notify'])), ['notice.notify.poke', 'request.friend']);
    assert.deepEqual(missingEvents(doc, new Set([...doc.events, 'message.private'])), []);
  });

  it('a malformed list is reported, not silently accepted', () => {
    const bad = { protocol: 'other', sources: [], events: ['b', 'a', 'a'], note: 3 };
    assert.deepEqual(eventListProblems(bad, 'demo'), [
      '"protocol" is "other", expected "demo" (the folder name)',
      '"sources" must name at least one source',
      '"events" must be sorted and without duplicates',
      '"note" must be a string',
    ]);
    assert.deepEqual(eventListProblems({ protocol: 'demo', sources: [{ repo: 'a/b', commit: null, paths: ['x'] }], events: [] }, 'demo'), ['"events" must be a non-empty list of names']);
  });
});
