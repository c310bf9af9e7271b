/**
 * A fingerprint of everything a generate run depends on and produces: schemas, templates, the
 * generator's own code and version, and the output folder. Checked before the heavy modules (ts-morph,
 * ajv, yaml, handlebars) are imported, so a run where nothing changed costs about node's start-up.
 * Kept in node_modules/.cache/qqwire (no node_modules in the working directory: no cache).
 */
import { createHash, type Hash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface FingerprintInputs {
  schemasDir: string;
  outDir: string;
  templatesDir: string;
}

export interface CachedRun {
  fingerprint: string;
  protocols: number;
  files: number;
}

const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
const generatorDir = fileURLToPath(new URL('.', import.meta.url));

/** Every file under `dir` (or `dir` itself, a file): its path and content. */
function hashTree(hash: Hash, label: string, dir: string): void {
  if (!existsSync(dir)) return void hash.update(`${label}:absent\0`);
  if (!statSync(dir).isDirectory()) return void hash.update(`${label}\0`).update(readFileSync(dir)).update('\0');
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) hash.update(`${label}/${relative(dir, path)}\0`).update(readFileSync(path)).update('\0');
    }
  };
  walk(dir);
}

export function fingerprint(inputs: FingerprintInputs): string {
  const hash = createHash('sha256');
  hash.update(readFileSync(join(packageRoot, 'package.json')));
  hashTree(hash, 'generator', generatorDir);
  hashTree(hash, 'templates', inputs.templatesDir);
  hashTree(hash, 'meta', join(packageRoot, 'schemas', 'qqwire.schema.json'));
  hashTree(hash, 'schemas', inputs.schemasDir);
  hashTree(hash, 'out', inputs.outDir);
  return hash.digest('hex');
}

export function defaultTemplatesDir(): string {
  return join(packageRoot, 'templates');
}

function cacheFile(): string | undefined {
  const modules = resolve('node_modules');
  return existsSync(modules) ? join(modules, '.cache', 'qqwire', 'generate.json') : undefined;
}

function readCache(): Record<string, CachedRun> {
  const file = cacheFile();
  if (!file || !existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, CachedRun>;
  } catch {
    return {}; // a broken cache is no cache
  }
}

/** The recorded run for this output folder, if its fingerprint still matches. */
export function cachedRun(inputs: FingerprintInputs): CachedRun | undefined {
  const entry = readCache()[resolve(inputs.outDir)];
  return entry && entry.fingerprint === fingerprint(inputs) ? entry : undefined;
}

/** Records that `outDir` is exactly what the current inputs generate. */
export function recordRun(inputs: FingerprintInputs, protocols: number, files: number): void {
  const file = cacheFile();
  if (!file) return;
  const cache = readCache();
  cache[resolve(inputs.outDir)] = { fingerprint: fingerprint(inputs), protocols, files };
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, `${JSON.stringify(cache, null, 2)}\n`);
}
