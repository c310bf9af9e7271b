/**
 * The pipeline: schemas → load + check → resolve into IR → independent emitters → files.
 * Nothing is written until every protocol has been generated, so a schema error leaves generated/ as it was.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { analyze } from './analyze.js';
import { makeContext, type Artifact } from './emit.js';
import { EMITTERS } from './emitters.js';
import type { IRProtocol } from './ir.js';
import { SchemaErrors, type SchemaError } from './errors.js';
import { listProtocolFolders, loadFolder, type LoadedFolder } from './load.js';
import { resolveAll } from './resolve.js';
import { syncOutput, type SyncResult } from './write.js';

const packageRoot = new URL('../../', import.meta.url);

export interface GenerateOptions {
  schemasDir: string;
  outDir: string;
  /** Compare only; report what would change. */
  check?: boolean;
  /** Called with each stage's duration. */
  onTiming?: (stage: string, ms: number) => void;
  /** Defaults to the package's templates/. */
  templatesDir?: URL;
}

export interface GenerateResult extends SyncResult {
  protocols: string[];
}

export function generatorVersion(): string {
  return (JSON.parse(readFileSync(new URL('package.json', packageRoot), 'utf8')) as { version: string }).version;
}

function timed<T>(stage: string, onTiming: GenerateOptions['onTiming'], fn: () => T): T {
  const start = performance.now();
  try {
    return fn();
  } finally {
    onTiming?.(stage, performance.now() - start);
  }
}

export function loadIR(schemasDir: string, onTiming?: GenerateOptions['onTiming']): IRProtocol[] {
  const metaSchema = resolvePath(schemasDir, 'qqwire.schema.json');
  const fallbackMeta = new URL('schemas/qqwire.schema.json', packageRoot);
  const metaPath = existsSync(metaSchema) ? metaSchema : fallbackMeta.pathname;
  const folders = timed('load', onTiming, () => loadFolders(schemasDir, metaPath));
  return timed('resolve', onTiming, () => resolveAll(folders));
}

/** Loads every folder, reporting the problems of all of them at once. */
function loadFolders(schemasDir: string, metaPath: string): LoadedFolder[] {
  const folders: LoadedFolder[] = [];
  const problems: SchemaError[] = [];
  for (const id of listProtocolFolders(schemasDir)) {
    try {
      folders.push(loadFolder(schemasDir, id, metaPath));
    } catch (error) {
      if (!(error instanceof SchemaErrors)) throw error;
      problems.push(...error.errors);
    }
  }
  if (problems.length) throw new SchemaErrors(problems);
  return folders;
}


export function emitProtocol(p: IRProtocol, templatesDir: URL, version: string, onTiming?: GenerateOptions['onTiming']): Artifact[] {
  const facts = analyze(p);
  const ctx = makeContext(p, facts, version, templatesDir);
  return EMITTERS.flatMap((emitter) => timed(`${p.id}: ${emitter.name}`, onTiming, () => emitter.emit({ protocol: p, facts, ctx })));
}

export function generate(options: GenerateOptions): GenerateResult {
  const templatesDir = options.templatesDir ?? new URL('templates/', packageRoot);
  const version = generatorVersion();
  const protocols = loadIR(options.schemasDir, options.onTiming);
  const outputs = new Map<string, Artifact[]>();
  for (const p of protocols) outputs.set(p.id, emitProtocol(p, templatesDir, version, options.onTiming));
  const result = timed('write', options.onTiming, () => syncOutput(options.outDir, outputs, options.check === true));
  return { ...result, protocols: protocols.map((p) => p.id) };
}

