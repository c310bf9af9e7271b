/**
 * Bar check: every action (and alias) each protocol documents, as committed in
 * test/fixtures/<protocol>/documented-actions.json with its sources, is defined by the generated
 * protocol.json. A failure names each missing action.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { missingActions, shapeProblems, type DocumentedActions } from './helpers/documented-actions.js';
import { loadProtocolJson } from './helpers/schema-sample.js';

const FIXTURES = new URL('../../test/fixtures/', import.meta.url);
const lists = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(fileURLToPath(new URL(`${d.name}/documented-actions.json`, FIXTURES))))
  .map((d) => d.name)
  .sort();

describe('documented actions: the bar check', () => {
  it('finds the committed lists (onebot11 and onebot12 at least)', () => {
    for (const p of ['onebot11', 'onebot12']) assert.ok(lists.includes(p), `test/fixtures/${p}/documented-actions.json`);
  });

  for (const folder of lists) {
    it(`${folder}: every documented action and alias is in generated/${folder}/protocol.json`, () => {
      const doc = JSON.parse(readFileSync(new URL(`${folder}/documented-actions.json`, FIXTURES), 'utf8')) as DocumentedActions;
      assert.deepEqual(shapeProblems(doc, folder), [], `test/fixtures/${folder}/documented-actions.json`);
      const generated = new Set(Object.keys(loadProtocolJson(folder).actions));
      const missing = missingActions(doc, generated);
      assert.deepEqual(missing, [], `${folder} lacks ${missing.length} documented action(s): ${missing.join(', ')}`);
    });
  }

  it('the check names each missing action and alias', () => {
    const doc: DocumentedActions = {
      protocol: 'demo',
      sources: [{ repo: 'owner/demo', commit: null, paths: ['api.md'] }],
      actions: ['get_a', 'get_b', 'get_c'],
      aliases: { get_a: ['fetch_a', 'read_a'] },
    };
    assert.deepEqual(shapeProblems(doc, 'demo'), []);
    assert.deepEqual(missingActions(doc, new Set(['get_a', 'get_c', 'read_a'])), ['get_b', 'fetch_a (alias of get_a)']);
    assert.deepEqual(missingActions(doc, new Set(['get_a', 'get_b', 'get_c', 'fetch_a', 'read_a'])), []);
  });

  it('suffixes the docs give every action are checked on every action', () => {
    const doc: DocumentedActions = { protocol: 'demo', sources: [{ repo: 'owner/demo', commit: null, paths: ['api.md'] }], actions: ['a', 'b'], suffixes: ['_async'] };
    assert.deepEqual(missingActions(doc, new Set(['a', 'b', 'a_async'])), ['b_async (_async form of b)']);
    assert.deepEqual(shapeProblems({ ...doc, suffixes: ['async'] }, 'demo'), ['"suffixes" must be a list of suffixes such as "_async"']);
  });

  it('a malformed list is reported, not silently accepted', () => {
    const bad = { protocol: 'other', sources: [{ repo: 'nope', commit: 'xyz', paths: [] }], actions: ['b', 'a', 'a'], aliases: { z: ['y'] } };
    assert.deepEqual(shapeProblems(bad, 'demo'), [
      '"protocol" is "other", expected "demo" (the folder name)',
      'sources[0].repo must be "owner/name"',
      'sources[0].commit must be a sha or null',
      'sources[0].paths must list the documents read',
      '"actions" must be sorted and without duplicates',
      'aliases: "z" is not in "actions"',
    ]);
  });
});
