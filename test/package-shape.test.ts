/**
 * What a bot developer installs and imports: the generator lives in its own package; importing a
 * generated client loads no transport library until it is used (undici on the first HTTP call
 * without `fetch`, ws on the first connect, MessagePack only for that encoding); the public runtime
 * entry is a chosen list; and `qqwire generate` skips all work when nothing changed.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { cliPath, copyTree, repoRoot, repoSchemas, tempDir } from './helpers/generator-util.js';

const run = promisify(execFile);
const logImports = fileURLToPath(new URL('../../test/helpers/log-imports.mjs', import.meta.url));
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  exports: Record<string, unknown>;
  files: string[];
};
const generatorPkg = JSON.parse(readFileSync(join(repoRoot, 'generator', 'package.json'), 'utf8')) as { name: string; dependencies: Record<string, string> };

/** Runs an ES module script with the import logger; returns the bare specifiers it resolved and its stdout. */
async function imports(script: string): Promise<{ loaded: Set<string>; stdout: string }> {
  const { stdout, stderr } = await run(process.execPath, ['--import', logImports, '--input-type=module', '-e', script], { cwd: repoRoot, encoding: 'utf8' });
  const loaded = new Set(
    stderr
      .split('\n')
      .filter((l) => l.startsWith('qqwire-import '))
      .map((l) => l.slice('qqwire-import '.length))
      .filter((s) => !s.startsWith('.') && !s.startsWith('file:') && !s.startsWith('/')),
  );
  return { loaded, stdout };
}

describe('packages', () => {
  test('the client depends only on what the runtime imports; the generator brings its own', () => {
    assert.deepEqual(Object.keys(pkg.dependencies).sort(), ['@msgpack/msgpack', 'lossless-json', 'undici', 'ws']);
    assert.equal(generatorPkg.name, '@qqwire/generator');
    for (const dep of ['ajv', 'handlebars', 'ts-morph', 'yaml']) assert.ok(generatorPkg.dependencies[dep], dep);
    assert.ok(!pkg.files.some((f) => f.includes('generator') || f === 'templates'), 'the client package ships no generator');
  });

  test('bin/qqwire.js without the generator says which package to install', async (t) => {
    const dir = tempDir(t);
    mkdirSync(join(dir, 'bin'));
    copyFileSync(join(repoRoot, 'bin', 'qqwire.js'), join(dir, 'bin', 'qqwire.js'));
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    const res = await run(process.execPath, [join(dir, 'bin', 'qqwire.js'), 'generate'], { cwd: dir, encoding: 'utf8' }).then(
      () => assert.fail('expected exit code 1'),
      (e: { code: number; stderr: string }) => e,
    );
    assert.equal(res.code, 1);
    assert.match(res.stderr, /npm install --save-dev @qqwire\/generator/);
  });
});

describe('import cost', () => {
  test('importing a generated client loads no undici, ws or MessagePack, and nothing from node:', async () => {
    const { loaded } = await imports(`await import('qqwire/milky'); await import('qqwire/onebot12');`);
    for (const lib of ['undici', 'ws', '@msgpack/msgpack']) assert.ok(!loaded.has(lib), `${lib} was imported`);
    assert.deepEqual([...loaded].filter((s) => s.startsWith('node:')), []);
    assert.ok(loaded.has('qqwire/runtime/internal'), 'the generated client imports the internal entry');
    assert.ok(loaded.has('lossless-json'));
  });

  test('with an injected fetch a call still loads no undici and nothing from node:', async () => {
    const { loaded, stdout } = await imports(`
      const { createMilkyClient } = await import('qqwire/milky');
      const fetch = async () => ({ status: 200, headers: { forEach() {} }, text: async () => '{"status":"ok","retcode":0,"data":{"message":{"seq":1}}}' });
      const client = createMilkyClient({ baseUrl: 'http://127.0.0.1:1', fetch, validate: { result: 'off' } });
      console.log(JSON.stringify(await client.call('get_message', { message_scene: 'group', peer_id: 10001, message_seq: 1 })));`);
    assert.deepEqual(JSON.parse(stdout), { message: { seq: 1 } });
    assert.ok(!loaded.has('undici'));
    assert.deepEqual([...loaded].filter((s) => s.startsWith('node:')), []);
  });

  test('the first HTTP call without fetch imports undici; the first connect imports ws', async () => {
    const http = await imports(`
      const { createMilkyClient } = await import('qqwire/milky');
      const client = createMilkyClient({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 2000 });
      await client.call('get_message', { message_scene: 'group', peer_id: 10001, message_seq: 1 }).catch((e) => console.log(e.name));
      await client.close?.();`);
    assert.ok(http.loaded.has('undici'));
    assert.ok(!http.loaded.has('ws'));
    const ws = await imports(`
      const { createWsTransport } = await import('qqwire/runtime');
      const { protocol } = await import('qqwire/onebot11');
      const { staticTokenAuth } = await import('qqwire/runtime');
      const t = createWsTransport({ protocol, url: 'ws://127.0.0.1:9', auth: staticTokenAuth(protocol, undefined), maxAttempts: 1 });
      await new Promise((r) => setTimeout(r, 300));
      await t.close();`);
    assert.ok(ws.loaded.has('ws'));
    assert.ok(!ws.loaded.has('undici'));
    assert.ok(!ws.loaded.has('@msgpack/msgpack'), 'JSON encoding does not load MessagePack');
  });

  test('the public runtime entry is a chosen list: no internals, no reverse-WS or QQ official code', async () => {
    const publicApi = await import('qqwire/runtime');
    for (const internal of ['applyPlan', 'prunePlan', 'findBigint', 'pendingOutcome', 'createClientCore', 'makeValidator', 'createReverseWsServer', 'qqOfficialOptions', 'parseCQ']) {
      assert.ok(!(internal in publicApi), `${internal} is not public`);
    }
    for (const name of ['ApiError', 'ValidationError', 'createHttpTransport', 'createWsTransport', 'onEvents', 'parseJson', 'staticTokenAuth']) {
      assert.equal(typeof (publicApi as Record<string, unknown>)[name], 'function', name);
    }
    assert.equal(typeof (await import('qqwire/runtime/cq-code')).parseCQ, 'function');
    assert.equal(typeof (await import('qqwire/runtime/reverse-ws')).createReverseWsServer, 'function');
    assert.equal(typeof (await import('qqwire/runtime/qq-official')).qqOfficialOptions, 'function');
    assert.ok(pkg.exports['./runtime/internal']);
  });
});

describe('generate fingerprint', () => {
  test('an unchanged run skips the generator; a changed output or schema runs it again', async (t) => {
    const dir = tempDir(t);
    copyTree(repoSchemas, join(dir, 'schemas'));
    mkdirSync(join(dir, 'node_modules')); // the cache lives in node_modules/.cache/qqwire
    const cli = async (...args: string[]) => (await run(process.execPath, ['--import', logImports, cliPath, 'generate', ...args], { cwd: dir, encoding: 'utf8' }));
    const first = await cli();
    assert.match(first.stdout, /^qqwire: \d+ protocols, \d+ written, 0 unchanged/m);
    assert.ok(existsSync(join(dir, 'node_modules', '.cache', 'qqwire', 'generate.json')));

    const second = await cli();
    assert.match(second.stdout, /^qqwire: \d+ protocols, 0 written, \d+ unchanged, 0 removed/m);
    for (const heavy of ['ts-morph', 'ajv', 'yaml', 'handlebars']) assert.ok(!second.stderr.includes(`qqwire-import ${heavy}\n`), `${heavy} was imported`);
    assert.match((await cli('--check')).stdout, /^generated output is up to date/m);

    // A hand-edited output is noticed and repaired.
    const readme = join(dir, 'generated', 'milky', 'README.md');
    writeFileSync(readme, 'edited');
    const third = await cli();
    assert.match(third.stdout, /^qqwire: \d+ protocols, 1 written, /m);
    assert.notEqual(readFileSync(readme, 'utf8'), 'edited');

    // A schema change regenerates.
    writeFileSync(join(dir, 'schemas', 'milky', 'extra.yaml'), 'actions:\n  qqwire_fingerprint_probe:\n    summary: 指纹探测\n    result: null\n');
    const fourth = await cli();
    assert.doesNotMatch(fourth.stdout, / 0 written/);
    assert.ok(fourth.stderr.includes('qqwire-import yaml\n'), 'the generator ran');
  });
});
