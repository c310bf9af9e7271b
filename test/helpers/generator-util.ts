/**
 * Shared helpers for the generator test suite: temp dirs, YAML protocol folders on disk, catching
 * `SchemaErrors`, and snapshots of generated output trees.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SchemaError, SchemaErrors } from '../../generator/errors.js';

/** /work/main (this file compiles to dist/test/helpers/). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const repoSchemas = join(repoRoot, 'schemas');
export const repoGenerated = join(repoRoot, 'generated');
export const cliPath = join(repoRoot, 'dist', 'generator', 'cli.js');
export const tscPath = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');

/** A fresh directory under the OS temp dir, removed when the test (or suite) finishes. */
export function tempDir(t: { after(fn: () => void): void }, prefix = 'qqwire-gen-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A temp dir for a whole `describe` block: call it in the describe body; removed after the suite. */
export function suiteTempDir(prefix = 'qqwire-gen-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `{ 'a/b.yaml': text }` below `root`, creating folders. */
export function writeTree(root: string, tree: Record<string, string>): void {
  for (const [path, text] of Object.entries(tree)) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
}

export interface ProtocolOptions {
  title?: string;
  version?: string;
  extends?: string;
  /** Extra YAML lines inside `protocol:` (already indented by two spaces). */
  extra?: string;
  messageFields?: string[];
}

/**
 * A minimal valid `protocol:` section (9 lines without `extends`/`extra`): name, title, version,
 * HTTP transport, retcode envelope.
 */
export function protocolYaml(name: string, o: ProtocolOptions = {}): string {
  return [
    'protocol:',
    `  name: ${name}`,
    `  title: ${o.title ?? 'Demo'}`,
    `  version: "${o.version ?? '1'}"`,
    ...(o.extends ? [`  extends: ${o.extends}`] : []),
    '  transport:',
    "    http: { path: '/{action}', body: params }",
    '  envelope:',
    '    kind: retcode',
    `    message-fields: [${(o.messageFields ?? ['message']).join(', ')}]`,
    ...(o.extra ? [o.extra.replace(/\n$/, '')] : []),
    '',
  ].join('\n');
}

/** One valid action, `send_msg`, with a required integer param and a result. */
export const SEND_MSG_ACTION = `actions:
  send_msg:
    summary: 发送消息
    params:
      type: object
      properties:
        user_id: { type: integer }
      required: [user_id]
    result:
      type: object
      properties:
        message_id: { type: integer }
      required: [message_id]
`;

/** Runs `fn`, asserts it throws `SchemaErrors`, returns its errors. */
export function schemaErrors(fn: () => unknown): SchemaError[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof SchemaErrors) {
      assert.ok(error.errors.length > 0, 'SchemaErrors with no errors');
      for (const e of error.errors) assert.ok(e instanceof SchemaError);
      // The aggregate message lists every error, one per line.
      assert.equal(error.message, error.errors.map((e) => e.message).join('\n'));
      return error.errors;
    }
    throw error;
  }
  assert.fail('expected SchemaErrors to be thrown');
}

/** The file name the loader shows for a path (relative to the working directory). */
export function shownPath(path: string): string {
  return relative(process.cwd(), path) || path;
}

/** Every file below `dir`, as relative path → content. */
export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.set(relative(dir, full), readFileSync(full, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

/** Copies a directory tree. */
export function copyTree(from: string, to: string): void {
  cpSync(from, to, { recursive: true });
}

/**
 * Makes generated code in `dir` importable: `node_modules/qqwire` → the repo (for `qqwire/runtime`)
 * and `node_modules/ajv` → the repo's ajv (ajv runtime helpers imported by validators.js).
 */
export function linkPackages(dir: string): void {
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  symlinkSync(repoRoot.replace(/\/$/, ''), join(dir, 'node_modules', 'qqwire'), 'dir');
  symlinkSync(join(repoRoot, 'node_modules', 'ajv'), join(dir, 'node_modules', 'ajv'), 'dir');
}

/** Imports a generated module by file path. */
export async function importFile<T = Record<string, unknown>>(path: string): Promise<T> {
  return (await import(pathToFileURL(path).href)) as T;
}

/** Issues as returned by generated validators' `check`. */
export interface Issue {
  path: string;
  message: string;
}

export interface Validator {
  name: string;
  is(value: unknown): boolean;
  check(value: unknown): Issue[] | undefined;
  '~standard': { version: 1; vendor: string; validate(value: unknown): { value?: unknown; issues?: readonly { message: string; path?: readonly unknown[] }[] } };
}
