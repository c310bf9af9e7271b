/**
 * The published package as a user gets it: `npm pack`, unpacked into a temp project whose node_modules
 * hold only qqwire and its runtime dependencies (linked from this checkout, so the test runs offline;
 * no @types/ws, no @types/node). A strict project with `skipLibCheck: false` type-checks under
 * TypeScript 7 and TypeScript 5.x, and the README's CQ-code path runs from the installed package.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const compilers = {
  'TypeScript 7': join(root, 'node_modules/typescript/bin/tsc'),
  'TypeScript 5': join(root, 'node_modules/typescript5/bin/tsc'),
};

const CONSUMER = `import { createMilkyClient } from 'qqwire/milky';
import { createOnebot11Client } from 'qqwire/onebot11';
import { createShamrockClient } from 'qqwire/shamrock';
import { createWsTransport } from 'qqwire/runtime';
import { createReverseWsServer } from 'qqwire/runtime/reverse-ws';
import { parseCQ, segmentFieldKinds, type CQSegment } from 'qqwire/runtime/cq-code';
import ob11 from 'qqwire/onebot11/protocol.json' with { type: 'json' };
import gocq from 'qqwire/gocqhttp/protocol.json' with { type: 'json' };
import shamrock from 'qqwire/shamrock/protocol.json' with { type: 'json' };

// "Any WHATWG fetch": the runtime's own.
export const milky = createMilkyClient({ baseUrl: 'http://127.0.0.1:3000', fetch: globalThis.fetch });
export const onebot = createOnebot11Client({ baseUrl: 'http://127.0.0.1:3000', fetch });
export const segments: CQSegment[] = [ob11, gocq, shamrock].flatMap((p) => parseCQ('[CQ:face,id=1]', { types: segmentFieldKinds(p) }));
export { createWsTransport, createReverseWsServer };

// Opaque ids are strings in every mode; int64 fields follow the mode.
export async function ids(): Promise<string | undefined> {
  const msg = await createShamrockClient({ baseUrl: 'http://x' }).getMsg({ message_id: 1 });
  const n: number = msg.time;
  void n;
  return msg.message_id_qq;
}
// Milky: optional fields accept null (x-nullish).
export const history = () => milky.getHistoryMessages({ message_scene: 'friend', peer_id: 1, limit: null });
// @ts-expect-error number mode: an int64 field is a number, not a decimal string
export const wrong = () => milky.getMessage({ message_scene: 'friend', peer_id: 1, message_seq: '1' });
`;

const RUN = `import { parseCQ, segmentFieldKinds } from 'qqwire/runtime/cq-code';
import ob11 from 'qqwire/onebot11/protocol.json' with { type: 'json' };
console.log(JSON.stringify(parseCQ('[CQ:face,id=1][CQ:at,qq=all]', { types: segmentFieldKinds(ob11) })));
`;

describe('consumer project with only the packed qqwire installed', () => {
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'qqwire-consumer-'));
    const packed = execFileSync('npm', ['pack', root, '--pack-destination', dir, '--silent', '--ignore-scripts'], { encoding: 'utf8' }).trim().split('\n').at(-1)!;
    const pkg = join(dir, 'node_modules', 'qqwire');
    mkdirSync(pkg, { recursive: true });
    execFileSync('tar', ['-xzf', join(dir, packed), '-C', pkg, '--strip-components=1']);
    // qqwire's production dependency tree (as the lockfile has it), linked: no devDependency comes along.
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; link?: boolean }> };
    for (const [path, info] of Object.entries(lock.packages)) {
      const name = path.slice('node_modules/'.length);
      // Workspace folders (the generator package) are not installed dependencies.
      if (!path.startsWith('node_modules/') || info.dev || info.link || name.includes('node_modules/')) continue;
      const target = join(dir, 'node_modules', name);
      mkdirSync(dirname(target), { recursive: true });
      symlinkSync(join(root, path), target, 'dir');
    }
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          lib: ['es2022', 'dom'],
          types: [],
          skipLibCheck: false,
          resolveJsonModule: true,
          // Resolve from the links themselves, so nothing outside the consumer (no @types/*) is seen.
          preserveSymlinks: true,
          noEmit: true,
        },
        include: ['*.ts'],
      }),
    );
    writeFileSync(join(dir, 'index.ts'), CONSUMER);
    writeFileSync(join(dir, 'run.mjs'), RUN);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('no @types/ws or @types/node in the consumer', () => {
    assert.throws(() => readFileSync(join(dir, 'node_modules/@types/ws/package.json')));
    assert.throws(() => readFileSync(join(dir, 'node_modules/@types/node/package.json')));
  });

  for (const [name, tsc] of Object.entries(compilers)) {
    test(`${name}: strict, skipLibCheck false — fetch: globalThis.fetch, CQ kinds, every published .d.ts`, () => {
      assert.match(execFileSync(process.execPath, [tsc, '--version'], { encoding: 'utf8' }), name.endsWith('7') ? /^Version 7\./ : /^Version 5\./);
      const run = spawnSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stdout + run.stderr);
    });
  }

  test('the check is not vacuous: a wrong call fails to compile', () => {
    writeFileSync(join(dir, 'bad.ts'), "import { createMilkyClient } from 'qqwire/milky';\nexport const p = createMilkyClient().sendGroupMessage({ group_id: 'x', message: [] });\n");
    try {
      const run = spawnSync(process.execPath, [compilers['TypeScript 7'], '-p', dir], { encoding: 'utf8' });
      assert.notEqual(run.status, 0);
      assert.match(run.stdout, /bad\.ts\(2,\d+\): error TS2322/);
    } finally {
      rmSync(join(dir, 'bad.ts'));
    }
  });

  test('the README CQ-code path runs from the installed package', () => {
    const out = execFileSync(process.execPath, [join(dir, 'run.mjs')], { cwd: dir, encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), [
      { type: 'face', data: { id: 1 } },
      { type: 'at', data: { qq: 'all' } },
    ]);
  });
});
