/**
 * Writes generated files only when their content changed, removes files the generator no longer
 * produces, and in check mode only reports. Generated folders are recognised by their protocol.json.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Artifact } from './emit.js';

export interface SyncResult {
  written: string[];
  unchanged: string[];
  removed: string[];
}

function isGeneratedFolder(dir: string): boolean {
  const marker = join(dir, 'protocol.json');
  if (!existsSync(marker)) return false;
  try {
    return (JSON.parse(readFileSync(marker, 'utf8')) as { qqwire?: unknown }).qqwire !== undefined;
  } catch {
    return false;
  }
}

export function syncOutput(outDir: string, outputs: Map<string, Artifact[]>, checkOnly: boolean): SyncResult {
  const result: SyncResult = { written: [], unchanged: [], removed: [] };
  for (const [id, artifacts] of outputs) {
    const dir = join(outDir, id);
    const wanted = new Set(artifacts.map((a) => a.path));
    for (const a of artifacts) {
      const path = join(dir, a.path);
      const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
      if (current === a.content) {
        result.unchanged.push(path);
        continue;
      }
      result.written.push(path);
      if (!checkOnly) {
        mkdirSync(dir, { recursive: true });
        writeFileSync(path, a.content);
      }
    }
    if (existsSync(dir)) {
      for (const name of readdirSync(dir).sort()) {
        if (wanted.has(name)) continue;
        result.removed.push(join(dir, name));
        if (!checkOnly) rmSync(join(dir, name), { recursive: true, force: true });
      }
    }
  }
  // Protocols whose schema folder is gone.
  if (existsSync(outDir)) {
    for (const name of readdirSync(outDir).sort()) {
      const dir = join(outDir, name);
      if (outputs.has(name) || !isGeneratedFolder(dir)) continue;
      result.removed.push(dir);
      if (!checkOnly) rmSync(dir, { recursive: true, force: true });
    }
  }
  return result;
}
