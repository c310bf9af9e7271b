/**
 * Builds small valid instances from the JSON Schemas in generated/<protocol>/protocol.json, and reads
 * the golden params/results of test/fixtures/<protocol>/examples.json. Tests check every sample with
 * the generated validator, so a sample that stopped being valid fails loudly instead of testing less.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findBigint } from '../../runtime/decode.js';
import { parseJson } from '../../runtime/json.js';
import { sample, type Schema } from '../../sim/sample.js';

export { sample };


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
