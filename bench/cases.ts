/**
 * Every bench case, each side by side with its named peer. `size: 'tiny'` (npm test) runs each case
 * once on a small input so the harness cannot rot; `full` is `npm run bench`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Ajv } from 'ajv';
import * as milkyTypes from '@saltify/milky-types';
import koishiSegment from '@koishijs/segment';
import { Pool } from 'undici';
import WebSocket from 'ws';
import { createMilkyClient, validators as milky } from 'qqwire/milky';
import { createOnebot11Client } from 'qqwire/onebot11';
import { parseCQ, stringifyCQ } from 'qqwire/runtime/cq-code';
import * as P from './payloads.js';

export type Size = 'tiny' | 'full';
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** A synchronous operation per side; reported as time per op (= client CPU per op). */
export interface MicroCase {
  kind: 'micro';
  id: string;
  title: string;
  goal: string;
  sides: { label: string; op: () => unknown }[];
}

/** Calls over loopback with `concurrency` in flight; reported as calls/s and client CPU per call. */
export interface LoadCase {
  kind: 'load';
  id: string;
  title: string;
  goal: string;
  concurrency: number;
  sides: { label: string; call: (i: number) => Promise<unknown> }[];
}

/** A child process per run; reported as wall time. `baseline` is subtracted (e.g. bare node start-up). */
export interface ProcessCase {
  kind: 'process';
  id: string;
  title: string;
  goal: string;
  sides: { label: string; command: string[]; cwd?: string; before?: () => void }[];
  baseline?: string;
}

/** A measured quantity (bytes). */
export interface ValueCase {
  kind: 'value';
  id: string;
  title: string;
  goal: string;
  values: () => Promise<{ label: string; value: number; unit: string }[]>;
}

export type Case = MicroCase | LoadCase | ProcessCase | ValueCase;

export interface Fixture {
  cases: Case[];
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Validators

/** ajv over the same JSON Schema qqwire's protocol.json publishes, compiled the plain way. */
function plainAjv(protocolJson: { $defs: Record<string, unknown>; actions: Record<string, { params: unknown; result: unknown }> }) {
  const ajv = new Ajv({ discriminator: true, strict: false, validateFormats: false, allErrors: false });
  ajv.addSchema({ $id: 'milky', $defs: protocolJson.$defs });
  const withDefs = (schema: unknown) => ajv.compile({ ...JSON.parse(JSON.stringify(schema).replaceAll('"#/$defs/', '"milky#/$defs/')) });
  return {
    params: withDefs(protocolJson.actions['send_group_message']!.params),
    result: withDefs(protocolJson.actions['get_message']!.result),
  };
}

function validatorCases(): Case[] {
  const protocolJson = JSON.parse(readFileSync(join(repoRoot, 'generated/milky/protocol.json'), 'utf8'));
  const hand = plainAjv(protocolJson);
  const zodIn = milkyTypes.SendGroupMessageInput;
  const zodOut = milkyTypes.GetMessageOutput;
  const rows: [string, { is(v: unknown): boolean }, { safeParse(v: unknown): { success: boolean } }, (v: unknown) => boolean, unknown, unknown][] = [
    ['send_group_message params, 10 segments', milky.SendGroupMessageParams, zodIn, hand.params, P.sendGroupMessage, P.sendGroupMessageInvalid],
    ['get_message result', milky.GetMessageResult, zodOut, hand.result, P.getMessageResult, P.getMessageResultInvalid],
  ];
  const cases: Case[] = [];
  for (const [what, ours, zod, ajv, valid, invalid] of rows) {
    for (const [kind, value, expected] of [['valid', valid, true], ['invalid', invalid, false]] as const) {
      // The three must agree before their speed means anything.
      const answers = [ours.is(value), zod.safeParse(value).success, ajv(value)];
      if (answers.some((a) => a !== expected)) throw new Error(`validators disagree on ${what} (${kind}): qqwire, zod, ajv = ${answers.join(', ')}`);
      cases.push({
        kind: 'micro',
        id: `validator/${what.split(' ')[0]}/${kind}`,
        title: `validator: Milky ${what}, ${kind}`,
        goal: '≥ 10× zod, ≤ 1.1× plain ajv',
        sides: [
          { label: 'qqwire', op: () => ours.is(value) },
          { label: 'zod (@saltify/milky-types)', op: () => zod.safeParse(value) },
          { label: 'plain ajv, same schema', op: () => ajv(value) },
        ],
      });
    }
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------
// CQ code

/** The package is CommonJS whose module.exports is the namespace itself (its typings say `default`). */
const segment = koishiSegment as unknown as typeof import('@koishijs/segment').default;

function cqCase(size: Size): MicroCase {
  const text = P.cqMessage(size === 'tiny' ? 1 : 5); // 4 or 20 segments
  const ours = stringifyCQ(parseCQ(text));
  const theirs = segment.join(segment.parse(text));
  if (ours !== text || theirs !== text) throw new Error(`CQ round trip changed the message:\n${text}\n${ours}\n${theirs}`);
  return {
    kind: 'micro',
    id: 'cq/parse+stringify',
    title: 'CQ code: parse + stringify a 20-segment message',
    goal: '—',
    sides: [
      { label: 'qqwire', op: () => stringifyCQ(parseCQ(text)) },
      { label: '@koishijs/segment', op: () => segment.join(segment.parse(text)) },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Transports over loopback

async function startServers(): Promise<{ child: ChildProcess; http: number; ws: number }> {
  const child = spawn(process.execPath, [join(repoRoot, 'dist/bench/server.js')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const ports = await new Promise<{ http: number; ws: number }>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(JSON.parse(out) as { http: number; ws: number });
    });
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return { child, ...ports };
}

async function bareWs(url: string) {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const pending = new Map<string, (v: unknown) => void>();
  let seq = 0;
  ws.on('message', (data: Buffer) => {
    const msg = JSON.parse(data.toString('utf8')) as { echo: string; data: unknown };
    const resolve = pending.get(msg.echo);
    if (resolve) {
      pending.delete(msg.echo);
      resolve(msg.data);
    }
  });
  return {
    call: (userId: number) =>
      new Promise<unknown>((resolve) => {
        const echo = `b${++seq}`;
        pending.set(echo, resolve);
        ws.send(JSON.stringify({ action: 'send_private_msg', params: { user_id: userId, message: 'hello' }, echo }));
      }),
    close: () => new Promise<void>((r) => (ws.once('close', () => r()), ws.close())),
  };
}

async function transportCases(): Promise<{ cases: Case[]; close(): Promise<void> }> {
  const servers = await startServers();
  const base = `http://127.0.0.1:${servers.http}`;
  const client = createMilkyClient({ baseUrl: base });
  const pool = new Pool(base, { connections: 16, pipelining: 1 });
  const params = { message_scene: 'group', peer_id: 987654321, message_seq: 23333 } as const;
  const body = JSON.stringify(params);
  const raw = async () => {
    const res = await pool.request({ method: 'POST', path: '/api/get_message', headers: { 'content-type': 'application/json' }, body });
    return (JSON.parse(await res.body.text()) as { data: unknown }).data;
  };
  const ob11 = createOnebot11Client({ baseUrl: `ws://127.0.0.1:${servers.ws}`, validate: { params: 'throw', result: 'throw' } });
  const bare = await bareWs(`ws://127.0.0.1:${servers.ws}`);
  // Both sides must return the same data before their speed means anything.
  const [a, b] = [await client.getMessage(params), await raw()];
  if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error('qqwire and undici returned different get_message results');
  const [c, d] = [await ob11.sendPrivateMsg({ user_id: 10001, message: 'hello' }), await bare.call(10001)];
  if (JSON.stringify(c) !== JSON.stringify(d)) throw new Error('qqwire and ws returned different send_private_msg results');

  const cases: Case[] = [];
  for (const concurrency of [1, 16]) {
    cases.push({
      kind: 'load',
      id: `http/${concurrency}`,
      title: `Milky HTTP get_message, ${concurrency} in flight`,
      goal: '≥ 0.9× undici Pool',
      concurrency,
      sides: [
        { label: 'qqwire', call: () => client.getMessage(params) },
        { label: 'undici Pool', call: raw },
      ],
    });
  }
  for (const concurrency of [1, 256]) {
    cases.push({
      kind: 'load',
      id: `ws/${concurrency}`,
      title: `OneBot 11 forward WS send_private_msg, ${concurrency} in flight`,
      goal: '≥ 0.85× bare ws',
      concurrency,
      sides: [
        { label: 'qqwire', call: (i) => ob11.sendPrivateMsg({ user_id: 10001 + (i % 1000), message: 'hello' }) },
        { label: 'bare ws + echo map', call: (i) => bare.call(10001 + (i % 1000)) },
      ],
    });
  }
  return {
    cases,
    async close() {
      await client.close();
      await pool.close();
      await ob11.close();
      await bare.close();
      servers.child.stdin!.end();
      servers.child.kill();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Processes: cold import, generate, tsc

function importScript(specifiers: string[]): string[] {
  return [process.execPath, '--input-type=module', '-e', specifiers.map((s) => `await import(${JSON.stringify(s)});`).join('')];
}

function generateCases(size: Size, work: string): Case[] {
  const dir = join(work, 'generate');
  mkdirSync(join(dir, 'node_modules'), { recursive: true }); // the fingerprint cache lives there
  if (size === 'tiny') {
    mkdirSync(join(dir, 'schemas'), { recursive: true });
    cpSync(join(repoRoot, 'schemas/milky'), join(dir, 'schemas/milky'), { recursive: true });
    cpSync(join(repoRoot, 'schemas/qqwire.schema.json'), join(dir, 'schemas/qqwire.schema.json'));
  } else cpSync(join(repoRoot, 'schemas'), join(dir, 'schemas'), { recursive: true });
  const cli = [process.execPath, join(repoRoot, 'dist/generator/cli.js'), 'generate'];
  const cold = () => {
    rmSync(join(dir, 'generated'), { recursive: true, force: true });
    rmSync(join(dir, 'node_modules/.cache'), { recursive: true, force: true });
  };
  const tsconfig = join(work, 'tsconfig.generated.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: join(repoRoot, 'tsconfig.base.json'),
      compilerOptions: { noEmit: true, types: [], lib: ['es2022'], skipLibCheck: false },
      include: [join(repoRoot, size === 'tiny' ? 'generated/milky/*.d.ts' : 'generated/**/*.d.ts')],
    }),
  );
  return [
    {
      kind: 'process',
      id: 'generate',
      title: '`qqwire generate` (CLI), nothing changed / cold',
      goal: '≤ 0.3 s / ≤ 2 s',
      sides: [
        // Warm: the output and its fingerprint exist (the cold side of an earlier round may have removed them).
        { label: 'nothing changed', command: cli, cwd: dir, before: () => void (existsSync(join(dir, 'node_modules/.cache')) || spawnSync(cli[0]!, cli.slice(1), { cwd: dir })) },
        { label: 'cold (no output, no cache)', command: cli, cwd: dir, before: cold },
      ],
    },
    {
      kind: 'process',
      id: 'tsc-generated',
      title: '`tsc` over generated/ (.d.ts, TypeScript 7)',
      goal: '—',
      sides: [{ label: 'tsc --noEmit', command: [process.execPath, join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', tsconfig], cwd: repoRoot }],
    },
  ];
}

function importCase(): ProcessCase {
  return {
    kind: 'process',
    id: 'cold-import',
    title: "cold `import('qqwire/milky')`, over bare node",
    goal: '≤ 30 ms',
    baseline: 'bare node',
    sides: [
      { label: 'qqwire/milky', command: importScript(['qqwire/milky']), cwd: repoRoot },
      { label: '@saltify/milky-types + zod', command: importScript(['@saltify/milky-types', 'zod']), cwd: repoRoot },
      { label: 'bare node', command: importScript([]), cwd: repoRoot },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Bundle size

const BOT = `
import { createMilkyClient } from 'qqwire/milky';
const client = createMilkyClient({ baseUrl: 'http://127.0.0.1:3000', fetch: globalThis.fetch });
const sent = await client.sendGroupMessage({ group_id: 123456789, message: [{ type: 'text', data: { text: 'hi' } }] });
console.log(await client.getMessage({ message_scene: 'group', peer_id: 123456789, message_seq: sent.message_seq }));
`;

function bundleCase(work: string): ValueCase {
  return {
    kind: 'value',
    id: 'bundle',
    title: 'qqwire code bundled for a bot calling Milky send_group_message + get_message (esbuild, minified, gzip; npm deps external)',
    goal: '≤ 12 KB',
    async values() {
      const esbuild = await import('esbuild');
      // The bot lives outside the repository and finds qqwire through node_modules, like a user's.
      const entry = join(work, 'bot', 'bot.mjs');
      mkdirSync(join(work, 'bot', 'node_modules'), { recursive: true });
      symlinkSync(repoRoot.replace(/\/$/, ''), join(work, 'bot', 'node_modules', 'qqwire'), 'dir');
      writeFileSync(entry, BOT);
      const result = await esbuild.build({
        entryPoints: [entry],
        bundle: true,
        minify: true,
        format: 'esm',
        platform: 'neutral',
        write: false,
        absWorkingDir: join(work, 'bot'),
        external: ['undici', 'ws', '@msgpack/msgpack', 'lossless-json', 'node:*'],
        logLevel: 'silent',
      });
      const code = result.outputFiles[0]!.contents;
      return [
        { label: 'minified', value: code.length, unit: 'B' },
        { label: 'minified + gzip', value: gzipSync(code, { level: 9 }).length, unit: 'B' },
      ];
    },
  };
}

export async function fixture(size: Size): Promise<Fixture> {
  const validators = validatorCases();
  const cq = cqCase(size);
  const work = mkdtempSync(join(tmpdir(), 'qqwire-bench-'));
  const transports = await transportCases();
  const cases: Case[] = [
    ...validators,
    cq,
    ...transports.cases,
    importCase(),
    ...generateCases(size, work),
    bundleCase(work),
  ];
  return {
    cases,
    async close() {
      await transports.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
