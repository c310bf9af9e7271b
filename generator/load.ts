/**
 * Stage 1: read a protocol folder's YAML files, check each against schemas/qqwire.schema.json, and
 * keep enough of the YAML tree to point any later error at file:line:col.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { SchemaError, SchemaErrors } from './errors.js';

export interface LoadedFile {
  /** Path relative to the working directory, as shown in errors. */
  file: string;
  doc: Document;
  lines: LineCounter;
  data: FileData;
}

export interface FileData {
  protocol?: Record<string, unknown>;
  types?: Record<string, Record<string, unknown>>;
  actions?: Record<string, Record<string, unknown>>;
  patch?: { types?: Record<string, unknown>; actions?: Record<string, unknown>; unions?: Record<string, { add?: string[]; remove?: string[] }> };
  remove?: { types?: string[]; actions?: string[] };
}

export interface LoadedFolder {
  id: string;
  dir: string;
  files: LoadedFile[];
}

const metaValidators = new Map<string, { text: string; validate: ReturnType<Ajv2020['compile']> }>();

/** The meta-schema validator, recompiled when the file changes (watch mode edits it too). */
function meta(metaSchemaPath: string) {
  const text = readFileSync(metaSchemaPath, 'utf8');
  const cached = metaValidators.get(metaSchemaPath);
  if (cached?.text === text) return cached.validate;
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(JSON.parse(text));
  metaValidators.set(metaSchemaPath, { text, validate });
  return validate;
}

/** The position of the node at a JSON pointer, or of its nearest existing ancestor. */
export function locate(file: LoadedFile, pointer: string, key?: string): { line: number; col: number } {
  const segments = pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: unknown = file.doc.contents;
  let offset = (node as YamlNode | null)?.range?.[0] ?? 0;
  const path = key !== undefined ? [...segments, key] : segments;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === seg);
      if (!pair) break;
      // For the last segment of a `key` lookup, point at the key itself.
      const target = i === path.length - 1 && key !== undefined ? pair.key : pair.value;
      const range = (target as YamlNode | null)?.range ?? (pair.key as YamlNode | null)?.range;
      if (range) offset = range[0];
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)] as YamlNode | undefined;
      if (!item) break;
      if (item.range) offset = item.range[0];
      node = item;
    } else break;
  }
  const pos = file.lines.linePos(offset);
  return { line: pos.line, col: pos.col };
}

export function errorAt(file: LoadedFile, pointer: string, detail: string, key?: string): SchemaError {
  const { line, col } = locate(file, pointer, key);
  return new SchemaError(file.file, line, col, pointer, detail);
}

function describeMetaError(e: ErrorObject): { detail: string; key?: string } {
  const p = e.params as Record<string, unknown>;
  // A bad map key (action or type name): ajv puts the key in `propertyName`, not in params.
  if (e.propertyName !== undefined) {
    const why = e.keyword === 'pattern' ? `must match ${String(p['pattern'])}` : (e.message ?? e.keyword);
    return { detail: `invalid name "${e.propertyName}": ${why}`, key: e.propertyName };
  }
  switch (e.keyword) {
    case 'additionalProperties':
      return { detail: `unknown key "${String(p['additionalProperty'])}"`, key: String(p['additionalProperty']) };
    case 'required':
      return { detail: `missing required key "${String(p['missingProperty'])}"` };
    case 'enum':
      return { detail: `expected one of ${(p['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'pattern':
      return { detail: `must match ${String(p['pattern'])}` };
    case 'propertyName':
      return { detail: `invalid name "${String(p['propertyName'])}"`, key: String(p['propertyName']) };
    default:
      return { detail: e.message ?? e.keyword };
  }
}

/** Keeps the most useful errors: drop the `anyOf`/`propertyNames` summaries that repeat a specific one. */
function usefulErrors(errors: ErrorObject[]): ErrorObject[] {
  const specific = errors.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'propertyNames' && e.keyword !== 'if');
  const seen = new Set<string>();
  return specific.filter((e) => {
    const k = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The YAML as data; an alias "billion laughs" expansion is refused with the file's name, not a stack trace. */
function toData(doc: Document, file: string): FileData {
  try {
    return (doc.toJS({ maxAliasCount: 100 }) ?? {}) as FileData;
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    throw new SchemaErrors([new SchemaError(file, 1, 1, '', `YAML aliases expand too far (${error.message}): write the repeated part out or use a named type`)]);
  }
}

export function loadFile(path: string, metaSchemaPath: string, cwd = process.cwd()): LoadedFile {
  return parseFile(readFileSync(path, 'utf8'), relative(cwd, path) || path, metaSchemaPath);
}

/** One file's text → its data and YAML tree, checked against the meta-schema; `file` is the name errors show. */
export function parseFile(text: string, file: string, metaSchemaPath: string): LoadedFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    throw new SchemaErrors(
      doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? { line: 1, col: 1 };
        return new SchemaError(file, pos.line, pos.col, '', `YAML ${e.code}: ${e.message.split('\n')[0]}`);
      }),
    );
  }
  const data = toData(doc, file);
  const loaded: LoadedFile = { file, doc, lines, data };
  const validate = meta(metaSchemaPath);
  if (!validate(data)) {
    throw new SchemaErrors(
      usefulErrors(validate.errors ?? []).map((e) => {
        const { detail, key } = describeMetaError(e);
        return errorAt(loaded, e.instancePath, detail, key);
      }),
    );
  }
  return loaded;
}

/** Every protocol folder below `schemasDir` (a folder holding at least one .yaml file). */
export function listProtocolFolders(schemasDir: string): string[] {
  return readdirSync(schemasDir)
    .filter((name) => statSync(join(schemasDir, name)).isDirectory())
    .filter((name) => readdirSync(join(schemasDir, name)).some((f) => /\.ya?ml$/.test(f)))
    .sort();
}

export function loadFolder(schemasDir: string, id: string, metaSchemaPath: string): LoadedFolder {
  const dir = join(schemasDir, id);
  const names = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const files: LoadedFile[] = [];
  const problems: SchemaError[] = [];
  for (const name of names) {
    try {
      files.push(loadFile(join(dir, name), metaSchemaPath));
    } catch (error) {
      if (error instanceof SchemaErrors) problems.push(...error.errors);
      else throw error;
    }
  }
  if (problems.length) throw new SchemaErrors(problems);
  return { id, dir, files };
}
