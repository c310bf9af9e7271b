/**
 * Builds small valid instances from the JSON Schemas in generated/<protocol>/protocol.json, and reads
 * the golden params/results of test/fixtures/<protocol>/examples.json. Tests check every sample with
 * the generated validator, so a sample that stopped being valid fails loudly instead of testing less.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findBigint } from '../../runtime/decode.js';
import { parseJson } from '../../runtime/json.js';

type Schema = Record<string, unknown>;

export interface ProtocolJson {
  protocol: { name: string };
  actions: Record<string, { params?: Schema | null; result?: Schema | null; 'variant-of'?: { action: string }; 'alias-of'?: string }>;
  $defs: Record<string, Schema>;
}

/** dist/test/helpers → the repository root. */
const ROOT = new URL('../../../', import.meta.url);

export function loadProtocolJson(name: string): ProtocolJson {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`generated/${name}/protocol.json`, ROOT)), 'utf8')) as ProtocolJson;
}

interface Example {
  action?: string;
  kind?: 'params' | 'result';
  value: unknown;
}

/** Golden examples (test/fixtures is not compiled; read from the source tree), parsed losslessly. */
export function loadExamples(name: string): Example[] {
  try {
    return parseJson(readFileSync(fileURLToPath(new URL(`test/fixtures/${name}/examples.json`, ROOT)), 'utf8')) as Example[];
  } catch {
    return [];
  }
}

function resolve(schema: Schema, defs: Record<string, Schema>): Schema {
  let s = schema;
  for (let i = 0; i < 20 && typeof s['$ref'] === 'string'; i++) {
    const name = (s['$ref'] as string).replace(/^.*#\/\$defs\//, '');
    const target = defs[name];
    if (!target) throw new Error(`unresolved $ref ${String(s['$ref'])}`);
    s = target;
  }
  return s;
}

/** A minimal instance: required properties only, the first alternative, one array item (while shallow). */
export function sample(schema: Schema | boolean | null | undefined, defs: Record<string, Schema>, depth = 0): unknown {
  if (schema === null || schema === undefined || typeof schema === 'boolean') return {};
  if (depth > 12) throw new Error('schema too deep for a sample');
  const s = resolve(schema, defs);
  if ('const' in s) return s['const'];
  // Bytes (a multipart file part): every byte value that breaks a text round trip.
  if (s['format'] === 'binary') return new Uint8Array([0, 0xff, 0x0d, 0x0a, 0x2d, 0x2d, 0x80]);
  if (Array.isArray(s['enum'])) return s['enum'][0];
  if (Array.isArray(s['examples']) && s['examples'].length && typeof s['examples'][0] !== 'object') return s['examples'][0];
  const alternatives = (s['oneOf'] ?? s['anyOf']) as Schema[] | undefined;
  if (alternatives && !s['properties']) {
    // Prefer an object/array alternative: it exercises decoding more than a plain string.
    const pick = alternatives.find((a) => resolve(a, defs)['type'] === 'object' || resolve(a, defs)['discriminator']) ?? alternatives[0]!;
    return sample(pick, defs, depth + 1);
  }
  let type = s['type'];
  if (Array.isArray(type)) type = type.find((t) => t !== 'null') ?? 'null';
  if (type === undefined && s['properties']) type = 'object';
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const props = (s['properties'] ?? {}) as Record<string, Schema>;
      for (const key of (s['required'] ?? []) as string[]) out[key] = sample(props[key] ?? {}, defs, depth + 1);
      return out;
    }
    case 'array': {
      const n = Math.max(Number(s['minItems'] ?? 0), depth < 6 ? 1 : 0);
      return Array.from({ length: n }, () => sample((s['items'] ?? {}) as Schema, defs, depth + 1));
    }
    case 'integer':
      return typeof s['minimum'] === 'number' ? s['minimum'] : 10086;
    case 'number':
      return typeof s['minimum'] === 'number' ? s['minimum'] : 1.5;
    case 'string':
      return 'x'.repeat(Math.max(1, Number(s['minLength'] ?? 1)));
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return {};
  }
}

export interface ActionCase {
  action: string;
  params: Record<string, unknown>;
  /** What the fake server answers with in `data` (null for actions without a result). */
  result: unknown;
  noResult: boolean;
  paramsFrom: 'fixture' | 'schema';
}

/** One case per action: params from the fixtures (of the action or the action it varies/aliases), else from the schema. */
export function actionCases(name: string, noResult: (action: string) => boolean): ActionCase[] {
  const json = loadProtocolJson(name);
  const examples = loadExamples(name);
  const cases: ActionCase[] = [];
  for (const [action, def] of Object.entries(json.actions)) {
    const base = def['variant-of']?.action ?? def['alias-of'] ?? action;
    const fixture = examples.find((e) => e.kind === 'params' && (e.action === action || e.action === base));
    // A result with an integer beyond 2^53 cannot be delivered in the default `number` mode; the int64
    // tests cover those, the action matrix uses the schema sample instead.
    const resultFixture = examples.find((e) => e.kind === 'result' && (e.action === action || e.action === base) && !findBigint(e.value));
    const params = (fixture?.value ?? sample(def.params ?? { type: 'object' }, json.$defs)) as Record<string, unknown>;
    const none = noResult(action) || !def.result;
    cases.push({
      action,
      params,
      result: none ? null : (resultFixture?.value ?? sample(def.result, json.$defs)),
      noResult: none,
      paramsFrom: fixture ? 'fixture' : 'schema',
    });
  }
  return cases;
}
