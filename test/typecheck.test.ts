/**
 * Runs TypeScript 7 (the native `tsc`, called by path) over generated/ and test/typecheck/ with
 * `types: []` and `lib: es2022`: generated code needs no @types/node and every `@ts-expect-error` holds.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsc = join(root, 'node_modules/typescript/bin/tsc');

test('tsc 7 is the compiler in use', () => {
  assert.match(execFileSync(process.execPath, [tsc, '--version'], { encoding: 'utf8' }), /^Version 7\./);
});

test('generated/ and the type-level tests type-check under TypeScript 7 with no ambient types', () => {
  const run = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.generated.json')], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stdout + run.stderr);
});

test('the same setup rejects a wrong call (the check is not vacuous)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qqwire-tc-'));
  try {
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(root, join(dir, 'node_modules', 'qqwire'), 'dir');
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', types: [], lib: ['es2022'], noEmit: true },
        include: ['*.ts'],
      }),
    );
    writeFileSync(
      join(dir, 'wrong.ts'),
      "import { createMilkyClient } from 'qqwire/milky';\n" +
        'export const p = createMilkyClient().sendGroupMessage({ group_id: "1", message: [] });\n',
    );
    const run = spawnSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' });
    assert.notEqual(run.status, 0);
    assert.match(run.stdout, /wrong\.ts.*Type 'string' is not assignable to type 'number'/s);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
