/**
 * `npm run demo`'s bots against their simulators (examples/), the CLI's prompt line, and the
 * `--world` file check.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { DEMOS, runDemo } from '../examples/demo.js';
import { scriptLine } from '../sim/cli.js';
import { World } from '../sim/index.js';
import { loadWorldDocument, WorldFileError } from '../sim/world-file.js';

describe('demo bots', () => {
  for (const demo of DEMOS) {
    it(`${demo.protocol}: receives the user's message, answers it, then sends, gets and recalls`, async () => {
      const lines: string[] = [];
      await runDemo(demo, (l) => void lines.push(l));
      const text = lines.join('\n');
      assert.match(text, /received in group 30001000 from 20002000: hello bot/);
      assert.match(text, /answered: message_(seq|id) 2/);
      assert.match(text, /recalled message 3/);
      assert.match(text, /done$/);
    });
  }
  it('milky: pages history and fetches the forward', async () => {
    const lines: string[] = [];
    await runDemo(DEMOS.find((d) => d.protocol === 'milky')!, (l) => void lines.push(l));
    assert.ok(lines.includes('[milky] history page 1: seq 2, 3') && lines.includes('[milky] history page 2: seq 1'), lines.join('\n'));
    assert.ok(lines.some((l) => /forwarded 1 message\(s\)/.test(l)));
  });
});

describe('qqwire sim prompt and --world', () => {
  it('a prompt line makes a user speak in a group or privately', () => {
    const world = new World();
    const seen: string[] = [];
    world.on('event', (e) => void seen.push(e.kind === 'message' ? `${e.message.scene}:${e.message.peer}:${JSON.stringify(e.message.segments)}` : e.kind));
    assert.equal(scriptLine(world, 'group 30001000 alice: hello'), 'alice → group 30001000 #1');
    assert.equal(scriptLine(world, 'private bob: hi there'), 'bob → friend 20003000 #1');
    assert.match(scriptLine(world, 'group 30001000 nobody: x'), /no user "nobody"/);
    assert.match(scriptLine(world, 'nonsense'), /^usage/);
    assert.deepEqual(seen, ['group:30001000:[{"type":"text","text":"hello"}]', 'friend:20003000:[{"type":"text","text":"hi there"}]']);
  });

  it('a valid world file loads; a bad one names the file and every JSON path at fault (both agree with world.schema.json)', () => {
    const good = { bot: { id: 12345, nickname: 'b' }, users: [{ id: 23456, nickname: 'u' }], groups: [{ id: 34567, name: 'g', members: [{ id: 23456, role: 'owner' }] }] };
    const bad = { bot: { id: 5, nickname: 1 }, groups: [{ id: 34567, name: 'g', members: [{ id: 23456, role: 'king' }] }] };
    const schema = JSON.parse(readFileSync(new URL('../../sim/world.schema.json', import.meta.url), 'utf8')) as object;
    const validate = new Ajv2020({ strict: false }).compile(schema);
    assert.deepEqual([validate(good), validate(bad)], [true, false]);
    const doc = loadWorldDocument('w.json', JSON.stringify(good));
    const world = new World(doc);
    assert.deepEqual([...world.groups.get(34567)!.members.keys()], [23456, 12345]);
    assert.throws(
      () => loadWorldDocument('bad.json', JSON.stringify(bad)),
      (e: unknown) => e instanceof WorldFileError && /bad\.json/.test(e.message) && /\/bot\/id/.test(e.message) && /\/bot\/nickname/.test(e.message) && /\/groups\/0\/members\/0\/role/.test(e.message),
    );
    assert.throws(() => loadWorldDocument('x.json', '{'), /x\.json: not JSON/);
  });
});
