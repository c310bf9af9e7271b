/**
 * Does generated protocol.json cover a documented action? Every param / result field of the
 * documentation (and nested field) must appear, following `$ref`s into `$defs` and the branches of
 * oneOf/anyOf. Used by the fixture-based test (npm test) and by the conformance run against the
 * documentation itself.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { SeedAction, SeedField } from './generator-seeds.js';

const generatedDir = new URL('../../../generated/', import.meta.url);
const fixturesDir = new URL('../../../test/fixtures/', import.meta.url);

/** The documented actions of `id`, from the project's own fixture test/fixtures/<id>/message-api.json. */
export function documentedActions(id: string): SeedAction[] {
  return (JSON.parse(readFileSync(new URL(`${id}/message-api.json`, fixturesDir), 'utf8')) as { actions: SeedAction[] }).actions;
}

type Node = { [key: string]: unknown };

export interface ProtocolJson {
  actions: Record<string, { params: Node | null; result: Node | null; http?: { method: string; path: string; body?: string } }>;
  $defs: Record<string, Node>;
}

export function loadProtocol(id: string): ProtocolJson {
  return JSON.parse(readFileSync(new URL(`${id}/protocol.json`, generatedDir), 'utf8')) as ProtocolJson;
}

/** Follows `$ref: '#/$defs/X'` (repeatedly). */
export function deref(p: ProtocolJson, node: Node | null | undefined): Node | undefined {
  let n = node ?? undefined;
  for (let i = 0; n && typeof n['$ref'] === 'string' && i < 20; i++) {
    const name = (n['$ref'] as string).replace('#/$defs/', '');
    const target = p.$defs[name];
    assert.ok(target, `dangling $ref ${String(n['$ref'])}`);
    n = target;
  }
  return n;
}

/**
 * Property schemas of an object node, following refs, array items and the branches of
 * oneOf/anyOf (a field present in any branch counts).
 */
export function propertiesOf(p: ProtocolJson, node: Node | null | undefined, depth = 0): Map<string, Node> {
  const out = new Map<string, Node>();
  const n = deref(p, node);
  if (!n || depth > 6) return out;
  if (n['items'] && typeof n['items'] === 'object') return propertiesOf(p, n['items'] as Node, depth + 1);
  for (const [k, v] of Object.entries((n['properties'] ?? {}) as Record<string, Node>)) out.set(k, v);
  for (const key of ['oneOf', 'anyOf']) {
    for (const branch of (n[key] as Node[] | undefined) ?? []) {
      for (const [k, v] of propertiesOf(p, branch, depth + 1)) if (!out.has(k)) out.set(k, v);
    }
  }
  return out;
}

/** Every seed field (and nested field) missing from `node`, as `where.field` paths. */
function missingFields(p: ProtocolJson, node: Node | null | undefined, fields: SeedField[], where: string): string[] {
  const props = propertiesOf(p, node);
  const missing: string[] = [];
  for (const f of fields) {
    const schema = props.get(f.name);
    if (!schema) {
      missing.push(`${where}.${f.name}`);
      continue;
    }
    if (f.nested) missing.push(...missingFields(p, schema, f.nested, `${where}.${f.name}`));
  }
  return missing;
}

export function checkAction(p: ProtocolJson, key: string, seed: SeedAction): void {
  const action = p.actions[key];
  assert.ok(action, `protocol.json has no action ${key} (seed: ${seed.title})`);
  const missing = [
    ...missingFields(p, action.params, seed.pathParams ?? [], 'path'),
    ...missingFields(p, action.params, seed.params, 'params'),
    ...(seed.result ? missingFields(p, action.result, seed.result, 'result') : []),
  ];
  if (seed.resultExampleKeys) {
    const props = propertiesOf(p, action.result);
    for (const k of seed.resultExampleKeys) if (!props.has(k)) missing.push(`result.${k} (response example)`);
  }
  assert.deepEqual(missing, [], `${key}: seed fields missing from protocol.json`);
  if (seed.result === null) assert.equal(action.result, null, `${key}: the seed says there is no result`);
  if (seed.resultTypeName) {
    assert.equal(action.result?.['$ref'], `#/$defs/${seed.resultTypeName}`, `${key}: the seed returns ${seed.resultTypeName}`);
  }
}

