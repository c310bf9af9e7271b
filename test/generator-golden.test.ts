/**
 * Golden output and determinism: generating the repo's schemas reproduces the committed generated/
 * byte for byte, a second run writes nothing, check mode only reports, and nothing in the output
 * depends on the clock.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, describe, test } from 'node:test';
import { generate } from '../generator/generate.js';
import { listProtocolFolders } from '../generator/load.js';
import { copyTree, importFile, linkPackages, protocolYaml, snapshot, suiteTempDir, tempDir, writeTree, type Validator } from './helpers/generator-util.js';

const schemasDir = fileURLToPath(new URL('../../schemas/', import.meta.url));
const generatedDir = fileURLToPath(new URL('../../generated/', import.meta.url));

const FILES = ['README.md', 'client.d.ts', 'client.js', 'index.d.ts', 'index.js', 'protocol.json', 'types.d.ts', 'validators.d.ts', 'validators.js'];
/** A protocol with `transport.events.type` also gets its typed event hub. */
const EVENT_FILES = ['events.d.ts', 'events.js'];
const filesOf = (dir: string): string[] => {
  const withEvents = (JSON.parse(readFileSync(join(dir, 'protocol.json'), 'utf8')) as { events?: object }).events !== undefined;
  return [...FILES, ...(withEvents ? EVENT_FILES : [])].sort();
};

/** Replaces the global Date so that any clock read inside `fn` sees 2099-01-02T03:04:05Z. */
function withFrozenClock<T>(fn: () => T): T {
  const RealDate = Date;
  const fixed = RealDate.UTC(2099, 0, 2, 3, 4, 5);
  class FakeDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(fixed);
      else super(...(args as [number]));
    }
    static override now(): number {
      return fixed;
    }
  }
  globalThis.Date = FakeDate as DateConstructor;
  try {
    return fn();
  } finally {
    globalThis.Date = RealDate;
  }
}

describe('golden: the repo schemas reproduce the committed generated/', () => {
  const root = suiteTempDir();
  const out = join(root, 'out');
  let first: ReturnType<typeof generate>;
  let fresh: Map<string, string>;

  before(() => {
    first = generate({ schemasDir, outDir: out });
    fresh = snapshot(out);
  });

  test('one output folder per schema folder, each with the nine files (eleven with events)', () => {
    const protocols = listProtocolFolders(schemasDir);
    assert.ok(protocols.length >= 6, protocols.join());
    assert.deepEqual(first.protocols, protocols);
    assert.deepEqual(readdirSync(out).sort(), protocols);
    const committed = readdirSync(generatedDir).filter((n) => statSync(join(generatedDir, n)).isDirectory()).sort();
    assert.deepEqual(committed, protocols, 'generated/ has exactly one folder per schema folder');
    for (const id of protocols) {
      assert.deepEqual(readdirSync(join(generatedDir, id)).sort(), filesOf(join(generatedDir, id)), `generated/${id}`);
      assert.deepEqual(readdirSync(join(out, id)).sort(), filesOf(join(out, id)), `fresh ${id}`);
    }
  });

  test('every file is byte-identical to the committed one', () => {
    const committed = snapshot(generatedDir);
    const stale: string[] = [];
    for (const [path, content] of fresh) if (committed.get(path) !== content) stale.push(path);
    const extra = [...committed.keys()].filter((p) => !fresh.has(p));
    assert.deepEqual({ stale, extra }, { stale: [], extra: [] }, 'generated/ is stale: run `npm run generate`');
    assert.equal(fresh.size, committed.size);
  });

  test('a second run writes nothing and produces the same bytes', () => {
    const second = generate({ schemasDir, outDir: out });
    assert.deepEqual(second.written, []);
    assert.deepEqual(second.removed, []);
    assert.equal(second.unchanged.length, fresh.size);
    assert.deepEqual(snapshot(out), fresh);
  });

  test('generating into a new folder gives the same bytes again', (t) => {
    const again = join(tempDir(t), 'out');
    generate({ schemasDir, outDir: again });
    assert.deepEqual(snapshot(again), fresh);
  });

  test('no timestamps: a different clock changes nothing', (t) => {
    const later = join(tempDir(t), 'out');
    withFrozenClock(() => generate({ schemasDir, outDir: later }));
    const snap = snapshot(later);
    assert.deepEqual(snap, fresh);
    for (const [path, content] of snap) {
      assert.doesNotMatch(content, /2099/, path);
      assert.doesNotMatch(content, /\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?/, `${path} contains a date-time`);
    }
  });

  test('README: one title, a table of contents, retcodes, segment data fields, links outside code spans', () => {
    const ob11 = fresh.get('onebot11/README.md')!;
    assert.match(ob11, /^# OneBot 11 — qqwire client$/m, 'no doubled "OneBot 11 11"');
    assert.match(fresh.get('qq-official/README.md')!, /^# QQ official bot API v2 — qqwire client$/m);
    assert.match(ob11, /^## Contents$/m);
    assert.match(ob11, /^  - message: \[`send_private_msg`\]\(#action-send_private_msg\)/m);
    assert.match(ob11, /^<a id="action-send_private_msg"><\/a>$/m, 'the ToC target exists');
    assert.match(ob11, /^\| 1400 \| `BAD_REQUEST` \| /m);
    assert.match(ob11, /^\| `data\.file` \| string \| /m, 'a segment\'s data fields are listed');
    assert.doesNotMatch(ob11, /^`[^`\n]*\]\(#/m, 'a type alias line is not one code span around its links');
    assert.ok(ob11.includes('\nstring \\| [Segment](#segment) \\| Array<[Segment](#segment)>\n'), 'Message renders as links');
    const milky = fresh.get('milky/README.md')!;
    assert.match(milky, /^#### `[a-z_]+` .* \(deprecated\)$/m, 'draft endpoints (removed-in) are marked deprecated');
  });

  test('no `require(` in any validators.js; they are ESM importing qqwire/runtime/internal', () => {
    for (const [path, content] of fresh) {
      if (!path.endsWith('validators.js')) continue;
      assert.doesNotMatch(content, /\brequire\s*\(/, path);
      assert.doesNotMatch(content, /module\.exports|exports\.\w+\s*=/, path);
      assert.match(content, /^import \{ makeValidator, int64Ok \} from 'qqwire\/runtime\/internal';$/m, path);
      assert.doesNotMatch(content, /new Function|\beval\(/, path);
    }
  });

  test('every file starts with the generated header naming its schema folder', () => {
    for (const [path, content] of fresh) {
      const id = path.split(/[\\/]/)[0]!;
      if (path.endsWith('.json')) {
        assert.match(content, new RegExp(`^\\{\\n  "\\$comment": "Generated by qqwire [^ ]+ from schemas/${id}\\. Do not edit\\."`), path);
      } else if (path.endsWith('.md')) {
        assert.ok(content.includes(`Generated by qqwire`) && content.includes(`schemas/${id}`), path);
      } else {
        assert.match(content.split('\n')[0]!, new RegExp(`^// Generated by qqwire [^ ]+ from schemas/${id} \\(.+\\)\\. Do not edit\\.$`), path);
      }
    }
  });
});

describe('check mode', () => {
  test('reports a tampered file, a missing file, a stale extra file and a stale protocol folder; writes nothing', (t) => {
    const out = join(tempDir(t), 'out');
    copyTree(generatedDir, out);
    const tampered = join(out, 'milky', 'types.d.ts');
    writeFileSync(tampered, `${snapshot(join(out, 'milky')).get('types.d.ts')!}// edited by hand\n`);
    const missing = join(out, 'onebot12', 'README.md');
    rmSync(missing);
    const extraFile = join(out, 'milky', 'old-types.d.ts');
    writeFileSync(extraFile, 'stale');
    const staleProtocol = join(out, 'retired');
    writeTree(staleProtocol, { 'protocol.json': '{"qqwire":1}\n', 'index.js': '' });
    const notOurs = join(out, 'user-folder');
    writeTree(notOurs, { 'notes.txt': 'keep me' });
    const before = snapshot(out);
    const mtime = statSync(tampered).mtimeMs;

    const result = generate({ schemasDir, outDir: out, check: true });

    assert.deepEqual(result.written.sort(), [missing, tampered].sort());
    assert.deepEqual(result.removed.sort(), [extraFile, staleProtocol].sort());
    assert.ok(!result.removed.includes(notOurs), 'a folder without a qqwire protocol.json is not ours');
    assert.deepEqual(snapshot(out), before, 'check mode writes nothing');
    assert.equal(statSync(tampered).mtimeMs, mtime);
    assert.ok(!existsSync(missing));

    // Without check, the same run repairs exactly those files.
    const repair = generate({ schemasDir, outDir: out });
    assert.deepEqual(repair.written.sort(), [missing, tampered].sort());
    assert.deepEqual(repair.removed.sort(), [extraFile, staleProtocol].sort());
    assert.ok(existsSync(join(notOurs, 'notes.txt')));
    rmSync(notOurs, { recursive: true });
    assert.deepEqual(snapshot(out), snapshot(generatedDir));
  });

  test('check mode on an empty output folder reports every file and creates nothing', (t) => {
    const out = join(tempDir(t), 'out');
    const result = generate({ schemasDir, outDir: out, check: true });
    const expected = listProtocolFolders(schemasDir).reduce((n, id) => n + filesOf(join(generatedDir, id)).length, 0);
    assert.equal(result.written.length, expected);
    assert.ok(!existsSync(out));
  });

  test('a schema error leaves the output folder as it was', (t) => {
    const root = tempDir(t);
    const schemas = join(root, 'schemas');
    copyTree(schemasDir, schemas);
    const out = join(root, 'out');
    copyTree(generatedDir, out);
    writeFileSync(join(schemas, 'milky', 'broken.yaml'), 'types:\n  Broken: { $ref: "#/types/Nope" }\n');
    const before = snapshot(out);
    assert.throws(() => generate({ schemasDir: schemas, outDir: out }), { name: 'SchemaErrors' });
    assert.deepEqual(snapshot(out), before);
  });
});

describe('ajv runtime helpers in generated validators', () => {
  // minLength needs ajv's ucs2length helper and uniqueItems of objects its deep-equal helper: ajv's
  // standalone code `require()`s both; the generator must turn that into ESM imports that run.
  const root = suiteTempDir();
  const out = join(root, 'out');
  before(() => {
    writeTree(root, {
      'schemas/demo/protocol.yaml': `${protocolYaml('demo')}actions:
  set_tags:
    summary: 设置标签
    params:
      type: object
      properties:
        name: { type: string, minLength: 2, maxLength: 3 }
        tags:
          type: array
          uniqueItems: true
          items: { type: object, properties: { k: { type: string } } }
        code: { type: string, pattern: '^[a-z]+$' }
      required: [name]
    result: null
`,
    });
    linkPackages(root);
    generate({ schemasDir: join(root, 'schemas'), outDir: out });
  });

  test('the validators module has imports, not require()', () => {
    const text = snapshot(join(out, 'demo')).get('validators.js')!;
    assert.doesNotMatch(text, /\brequire\s*\(/);
    assert.match(text, /^import \w+ from "ajv\/dist\/runtime\/ucs2length\.js";$/m);
    assert.match(text, /^import \w+ from "ajv\/dist\/runtime\/equal\.js";$/m);
  });

  test('and runs: length counts code points, duplicates and patterns are rejected', async () => {
    const v = await importFile<Record<string, Validator>>(join(out, 'demo', 'validators.js'));
    const check = v['SetTagsParams']!;
    assert.equal(check.check({ name: '😀😀' }), undefined, 'two code points, four UTF-16 units');
    assert.deepEqual(check.check({ name: 'a' }), [{ path: '/name', message: 'must NOT have fewer than 2 characters' }]);
    assert.deepEqual(check.check({ name: 'abcd' }), [{ path: '/name', message: 'must NOT have more than 3 characters' }]);
    assert.equal(check.check({ name: 'ab', tags: [{ k: 'a' }, { k: 'b' }] }), undefined);
    assert.equal(check.check({ name: 'ab', tags: [{ k: 'a' }, { k: 'a' }] })?.[0]?.path, '/tags');
    assert.deepEqual(check.check({ name: 'ab', code: 'A1' }), [{ path: '/code', message: 'must match pattern "^[a-z]+$"' }]);
  });
});

