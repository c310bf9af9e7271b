/**
 * The `qqwire generate` command line: exit codes, --check, --verbose timings, schema errors with
 * file:line:col, --help, defaults relative to the working directory, and --watch.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { cliPath, copyTree, protocolYaml, repoGenerated, repoRoot, repoSchemas, snapshot, tempDir, writeTree } from './helpers/generator-util.js';

const run = promisify(execFile);

async function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cliPath, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const FILE_COUNT = snapshot(repoGenerated).size;
// Every protocol folder has protocol.json (events.js is only there for protocols with events).
const PROTOCOL_COUNT = [...snapshot(repoGenerated).keys()].filter((k) => /[\\/]protocol\.json$/.test(k)).length;

describe('--check', () => {
  test('exits 0 when the output is fresh and 1 when it is stale, listing the stale files; writes nothing', async (t) => {
    const dir = tempDir(t);
    const out = join(dir, 'out');
    copyTree(repoGenerated, out);

    const fresh = await cli(['generate', '--check', '--schemas', repoSchemas, '--out', out], dir);
    assert.equal(fresh.code, 0, fresh.stderr);
    assert.match(fresh.stdout, new RegExp(`^generated output is up to date \\(${PROTOCOL_COUNT} protocols, \\d+ ms\\)$`, 'm'));
    assert.equal(fresh.stderr, '');

    const tampered = join(out, 'onebot11', 'client.js');
    writeFileSync(tampered, '// tampered\n');
    const extra = join(out, 'milky', 'leftover.js');
    writeFileSync(extra, '');
    const before = snapshot(out);
    const stale = await cli(['generate', '--check', '--schemas', repoSchemas, '--out', out], dir);
    assert.equal(stale.code, 1);
    assert.match(stale.stderr, /^generated output is stale \(2 file\(s\)\); run `npm run generate`:$/m);
    assert.ok(stale.stderr.includes(`  ${tampered}\n`), stale.stderr);
    assert.ok(stale.stderr.includes(`  ${extra}`), stale.stderr);
    assert.deepEqual(snapshot(out), before, '--check writes nothing');

    const repaired = await cli(['generate', '--schemas', repoSchemas, '--out', out], dir);
    assert.equal(repaired.code, 0);
    assert.match(repaired.stdout, new RegExp(`^qqwire: ${PROTOCOL_COUNT} protocols, 1 written, ${FILE_COUNT - 1} unchanged, 1 removed \\(\\d+ ms\\)$`, 'm'));
    const again = await cli(['generate', '--check', '--schemas', repoSchemas, '--out', out], dir);
    assert.equal(again.code, 0);
  });

  test('the committed generated/ is up to date (run from the repo with the default folders)', async () => {
    const res = await cli(['generate', '--check'], repoRoot);
    assert.equal(res.code, 0, res.stderr);
  });
});

describe('--verbose', () => {
  test('prints one timing line per stage: load, resolve, every emitter of every protocol, write', async (t) => {
    const dir = tempDir(t);
    const res = await cli(['generate', '--verbose', '--schemas', repoSchemas, '--out', join(dir, 'out')], dir);
    assert.equal(res.code, 0, res.stderr);
    const stages = [...res.stdout.matchAll(/^ {2}(.+?)\s+(\d+\.\d) ms$/gm)].map((m) => m[1]!.trim());
    const protocols = snapshot(repoGenerated);
    const ids = [...new Set([...protocols.keys()].map((k) => k.split(/[\\/]/)[0]!))].sort();
    assert.deepEqual(stages, [
      'load',
      'resolve',
      // `events` runs for every protocol (it writes nothing for one without `transport.events.type`).
      ...ids.flatMap((id) => ['types', 'validators', 'client', 'events', 'docs', 'protocol.json'].map((e) => `${id}: ${e}`)),
      'write',
    ]);
    assert.match(res.stdout, /^qqwire: \d+ protocols, \d+ written/m);
  });

  test('without --verbose there are no timing lines', async (t) => {
    const dir = tempDir(t);
    const res = await cli(['generate', '--schemas', repoSchemas, '--out', join(dir, 'out')], dir);
    assert.equal(res.code, 0);
    assert.doesNotMatch(res.stdout, / ms\n.* ms\n/);
    assert.equal(res.stdout.trim().split('\n').length, 1);
  });
});

describe('schema errors', () => {
  test('exit 1, every error on stderr as file:line:col path: detail, nothing written', async (t) => {
    const dir = tempDir(t);
    writeTree(dir, {
      'schemas/demo/protocol.yaml': `${protocolYaml('demo')}actions:
  send_msg:
    summary: x
    params:
      type: object
      properties:
        a: { $ref: '#/types/Nope' }
      required: [a, b]
    result: null
`,
    });
    const res = await cli(['generate'], dir);
    assert.equal(res.code, 1);
    assert.equal(res.stdout, '');
    assert.deepEqual(res.stderr.trim().split('\n').sort(), [
      'schemas/demo/protocol.yaml:16:20 /actions/send_msg/params/properties/a/$ref: unknown type #/types/Nope',
      'schemas/demo/protocol.yaml:17:21 /actions/send_msg/params/required/1: required "b" is not in properties',
    ]);
    assert.ok(!existsSync(join(dir, 'generated')));
  });

  test('a YAML syntax error', async (t) => {
    const dir = tempDir(t);
    writeTree(dir, { 'schemas/demo/protocol.yaml': `${protocolYaml('demo')}actions:\n  a:\n    summary: x\n    summary: y\n    result: null\n` });
    const res = await cli(['generate', '--schemas', 'schemas', '--out', 'out'], dir);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /^schemas\/demo\/protocol\.yaml:13:5 \/: YAML DUPLICATE_KEY: /m);
    assert.doesNotMatch(res.stderr, /\n\s+at /, 'no stack trace');
  });

  test('--check with a schema error also exits 1', async (t) => {
    const dir = tempDir(t);
    writeTree(dir, { 'schemas/demo/protocol.yaml': protocolYaml('other') });
    const res = await cli(['generate', '--check'], dir);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /^schemas\/demo\/protocol\.yaml:2:9 \/protocol\/name: must equal the folder name "demo"$/m);
  });
});

describe('usage', () => {
  test('--help and -h print the usage and exit 0', async (t) => {
    const dir = tempDir(t);
    for (const args of [['--help'], ['-h'], ['generate', '--help']]) {
      const res = await cli(args, dir);
      assert.equal(res.code, 0, args.join(' '));
      assert.match(res.stdout, /^usage: qqwire generate \[--schemas DIR\] \[--out DIR\] \[--check\] \[--watch\] \[--verbose\]/);
      for (const flag of ['--schemas DIR', '--out DIR', '--check', '--watch', '--verbose']) assert.ok(res.stdout.includes(`  ${flag}`), flag);
    }
    assert.ok(!existsSync(join(dir, 'generated')), '--help generates nothing');
  });

  test('no command prints the usage and exits 2', async (t) => {
    const res = await cli([], tempDir(t));
    assert.equal(res.code, 2);
    assert.match(res.stdout, /^usage: qqwire generate/);
  });

  test('--version prints the package version and exits 0', async (t) => {
    const res = await cli(['--version'], tempDir(t));
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, `${pkg.version}\n`);
  });

  for (const [what, args, line] of [
    ['an unknown flag', ['generate', '--frobnicate'], /^qqwire: unknown option --frobnicate$/],
    ['a flag without its value', ['generate', '--out'], /^qqwire: Option '--out <value>' argument missing$/],
    ['a missing ./schemas folder', ['generate'], /^qqwire: no schema folder at .*schemas \(run in a folder with \.\/schemas, or pass --schemas DIR\)$/],
    ['a second positional', ['generate', 'extra'], /^qqwire: unexpected argument "extra"$/],
  ] as const) {
    test(`${what}: one line and a usage hint on stderr, exit 2, no stack trace`, async (t) => {
      const res = await cli([...args], tempDir(t));
      assert.equal(res.code, 2, res.stderr);
      assert.deepEqual(res.stderr.trimEnd().split('\n').length, 2, res.stderr);
      assert.match(res.stderr.split('\n')[0]!, line);
      assert.equal(res.stderr.split('\n')[1], 'run `qqwire --help` for usage');
      assert.doesNotMatch(res.stderr, /\bat .*\.js:\d+/);
    });
  }

  test('bin/qqwire.js is the same command', async () => {
    const { stdout } = await run(process.execPath, [join(repoRoot, 'bin', 'qqwire.js'), '--help'], { encoding: 'utf8' });
    assert.match(stdout, /^usage: qqwire generate/);
  });

  test('defaults: ./schemas into ./generated of the working directory', async (t) => {
    const dir = tempDir(t);
    copyTree(repoSchemas, join(dir, 'schemas'));
    const res = await cli(['generate'], dir);
    assert.equal(res.code, 0, res.stderr);
    // The header names the schema folder as `schemas/<id>`, so the output equals the committed one.
    assert.deepEqual(snapshot(join(dir, 'generated')), snapshot(repoGenerated));
  });
});

describe('--watch', () => {
  test('regenerates on a schema change, survives a schema error, and recovers', async (t) => {
    // Its own temp dir, removed only after the watcher has exited: `after` hooks run in the order
    // they were added, so tempDir's removal would race the watcher's last writes.
    const dir = mkdtempSync(join(tmpdir(), 'qqwire-watch-'));
    copyTree(repoSchemas, join(dir, 'schemas'));
    const child = spawn(process.execPath, [cliPath, 'generate', '--watch', '--schemas', 'schemas', '--out', 'out'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    t.after(async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    });

    const until = async (what: string, ok: () => boolean) => {
      // A bound, not a timing assertion: a loaded machine may need many seconds per generation.
      for (let i = 0; i < 2400 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
      assert.ok(ok(), `timed out waiting for ${what}\nstdout: ${stdout}\nstderr: ${stderr}`);
    };
    await until('the first run and "watching"', () => stdout.includes('watching '));
    assert.match(stdout, /^qqwire: \d+ protocols, \d+ written, 0 unchanged/m);
    const protocolJson = join(dir, 'out', 'milky', 'protocol.json');
    // The watcher may be halfway through writing the file: a partial read counts as "not yet".
    const actions = (): string[] | undefined => {
      try {
        return Object.keys((JSON.parse(readFileSync(protocolJson, 'utf8')) as { actions: object }).actions);
      } catch {
        return undefined;
      }
    };

    const added = join(dir, 'schemas', 'milky', 'extra.yaml');
    writeFileSync(added, 'actions:\n  get_qqwire_extra:\n    summary: 额外的测试动作\n    result: null\n');
    await until('get_qqwire_extra in protocol.json', () => actions()?.includes('get_qqwire_extra') === true);

    writeFileSync(added, 'actions:\n  get_qqwire_extra:\n    summry: typo\n');
    await until('the schema error on stderr', () => /extra\.yaml:3:5 \/actions\/get_qqwire_extra: /.test(stderr));
    assert.equal(child.exitCode, null, 'a schema error does not stop the watcher');
    assert.ok(actions()?.includes('get_qqwire_extra'), 'a failed run leaves the output as it was');

    rmSync(added);
    await until('get_qqwire_extra removed again', () => actions()?.includes('get_qqwire_extra') === false);
    assert.equal(child.exitCode, null);

    // Atomic saves (vim, `sed -i`, JetBrains safe-write): write a temp file, rename it over the schema.
    const messageYaml = join(dir, 'schemas', 'milky', 'message.yaml');
    const original = readFileSync(messageYaml, 'utf8');
    for (const [i, name] of ['atomic_one', 'atomic_two'].entries()) {
      const temp = join(dir, 'schemas', 'milky', `.message.yaml.tmp${i}`);
      writeFileSync(temp, `${original}\n  ${name}:\n    summary: x\n    result: null\n`);
      renameSync(temp, messageYaml);
      await until(`${name} after rename save #${i + 1}`, () => actions()?.includes(name) === true);
    }
  });
});
