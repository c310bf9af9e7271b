/**
 * Generated validators against example data: every example in test/fixtures/<protocol>/examples.json
 * validates (results after decoding through the client core, the way a caller receives them), and
 * every mutation of an example — a dropped required property, a changed type, an unknown tag on a
 * closed union, a wrong const or enum value — is rejected with an issue at the JSON pointer of the
 * mutation. The third-party OneBot fixtures are checked by `npm run test:conformance`.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { applyPlan, parseJson, stringifyJson, type PlanDefs, type ProtocolDescriptor } from 'qqwire/runtime/internal';
import type { Issue, Validator } from './helpers/generator-util.js';

const fixturesDir = new URL('../../test/fixtures/', import.meta.url);
const generatedDir = new URL('../../generated/', import.meta.url);

type Node = { [key: string]: unknown };

interface Example {
  source: string;
  action?: string;
  kind?: 'params' | 'result';
  type?: string;
  value?: unknown;
  errorBody?: unknown;
  status?: number;
}

interface Generated {
  protocol: ProtocolDescriptor;
  validators: Record<string, Validator>;
  createClient(options: object): { call(action: string, params?: unknown): Promise<unknown> };
}

interface ProtocolJson {
  actions: Record<string, { params: Node | null; result: Node | null }>;
  $defs: Record<string, Node>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const esc = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

function readJson(url: URL): unknown {
  // Lossless: integers beyond 2^53 arrive as bigint, exactly as the client's parser delivers them.
  return parseJson(readFileSync(url, 'utf8'));
}

/** The value at a JSON pointer. */
function getAt(root: unknown, pointer: string): unknown {
  let node = root;
  for (const s of pointer.split('/').slice(1)) node = (node as Record<string, unknown>)[s.replace(/~1/g, '/').replace(/~0/g, '~')];
  return node;
}

interface Mutation {
  label: string;
  pointer: string;
  value: unknown;
  /** `reject`: an issue at `issuePath` (with `message` when given); `keep`: decoded to the unknown variant. */
  expect:
    | { kind: 'reject'; issuePath: string; message?: string }
    | { kind: 'keep'; tag: string; at: string }
    | { kind: 'accept' }
    /** `x-unknown: skip`: the array item with the unknown tag is gone from the decoded array. */
    | { kind: 'dropped'; tag: string; array: string };
}

const WRONG_TAG = 'qqwire_no_such_tag';

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'bigint') return 'integer';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** A value whose JSON type is none of `types` (integer counts as number). */
function wrongTypeValue(types: string[]): unknown {
  const allowed = new Set(types);
  if (allowed.has('number')) allowed.add('integer');
  for (const candidate of [true, 'qqwire-wrong-type', 1.5, { qqwire: 'wrong' }, ['qqwire']]) {
    if (!allowed.has(jsonType(candidate))) return candidate;
  }
  return undefined;
}

/**
 * Mutation points of `value` under the wire `schema`: walks `$ref`s, properties, array items (first two)
 * and tagged unions (into the variant the tag selects). Untagged alternatives are not entered: which
 * branch a mutation breaks is not a single JSON pointer there. Each mutation's `value` is the new value
 * of the node passed in (`liftInto` carries child mutations up).
 *
 * `variant`: the node is the variant a tagged union selected; its tag property is mutated only as
 * part of the union (unknown tag), and dropping it is a "tag must be string" error.
 */
/** Set per protocol: does the exported validator `name` accept `value`? */
let accepts: (name: string, value: unknown) => boolean = () => false;

function mutations(p: ProtocolJson, schema: Node | null | undefined, value: unknown, pointer: string, decoded: boolean, variant?: { tag: string; keep: boolean }): Mutation[] {
  let s = schema ?? undefined;
  for (let i = 0; s && typeof s['$ref'] === 'string' && i < 20; i++) s = p.$defs[(s['$ref'] as string).replace('#/$defs/', '')];
  if (!s) return [];
  const out: Mutation[] = [];
  const disc = s['discriminator'] as { propertyName: string } | undefined;
  if (disc && Array.isArray(s['oneOf'])) {
    if (!isObject(value)) return out;
    const tag = disc.propertyName;
    const keep = s['x-unknown'] === 'keep';
    const inArray = /\/\d+$/.test(pointer);
    if (s['x-unknown'] === 'skip' && decoded && inArray) {
      out.push({
        label: `unknown ${tag} on a skip union`,
        pointer: `${pointer}/${esc(tag)}`,
        value: { ...value, [tag]: WRONG_TAG },
        expect: { kind: 'dropped', tag, array: pointer.replace(/\/\d+$/, '') },
      });
    } else out.push({
      label: `unknown ${tag} on ${keep ? 'an open' : 'a closed'} union`,
      pointer: `${pointer}/${esc(tag)}`,
      value: { ...value, [tag]: WRONG_TAG },
      // Open unions: a received unknown variant is kept; an outgoing one (an extension segment) is accepted.
      expect: keep ? (decoded ? { kind: 'keep', tag, at: pointer } : { kind: 'accept' }) : { kind: 'reject', issuePath: pointer, message: `unknown ${tag} "${WRONG_TAG}"` },
    });
    const branch = (s['oneOf'] as Node[]).find((b) => {
      const target = p.$defs[String(b['$ref']).replace('#/$defs/', '')];
      return (target?.['properties'] as Record<string, Node> | undefined)?.[tag]?.['const'] === value[tag];
    });
    // An unknown variant of an open union is kept as it is: nothing more to mutate inside.
    if (branch) out.push(...mutations(p, branch, value, pointer, decoded, { tag, keep }));
    return out;
  }
  const alternatives = (s['oneOf'] ?? s['anyOf']) as Node[] | undefined;
  if (alternatives) {
    // Untagged alternatives (`string | Segment[]`): a leaf gets a type none of them allows; otherwise
    // enter the one branch whose JSON type matches, if exactly one does.
    const branches = alternatives.map((b) => ({ node: b, types: branchTypes(p, b) }));
    if (branches.some((b) => !b.types)) return out;
    const actual = jsonType(value);
    if (!isObject(value) && !Array.isArray(value)) {
      const wrong = wrongTypeValue(branches.flatMap((b) => b.types!));
      if (wrong !== undefined) out.push({ label: `type of alternatives → ${jsonType(wrong)}`, pointer, value: wrong, expect: { kind: 'reject', issuePath: pointer } });
      return out;
    }
    let matching = branches.filter((b) => b.types!.includes(actual));
    // Several object branches (`MarkdownNative | MarkdownTemplate`): the named one the value satisfies.
    if (matching.length > 1) matching = matching.filter((b) => typeof b.node['$ref'] === 'string' && accepts(String(b.node['$ref']).replace('#/$defs/', ''), value));
    if (matching.length === 1) out.push(...mutations(p, matching[0]!.node, value, pointer, decoded));
    return out;
  }

  const types = (Array.isArray(s['type']) ? s['type'] : s['type'] === undefined ? [] : [s['type']]) as string[];
  if (isObject(value)) {
    const props = (s['properties'] ?? {}) as Record<string, Node>;
    for (const k of (s['required'] as string[] | undefined) ?? []) {
      if (!(k in value)) continue;
      const { [k]: _dropped, ...rest } = value;
      const at = `${pointer}/${esc(k)}`;
      if (variant && k === variant.tag) {
        // An open union delivers a tag-less object as its unknown variant (see the report): not asserted here.
        // Open unions on input accept any tagged object, so a missing tag is a missing required property.
        const message = variant.keep && !decoded ? `missing required property "${k}"` : `tag "${k}" must be string`;
        out.push({ label: `drop union tag "${k}"`, pointer: at, value: rest, expect: { kind: 'reject', issuePath: pointer, message } });
        continue;
      }
      out.push({ label: `drop required "${k}"`, pointer: at, value: rest, expect: { kind: 'reject', issuePath: pointer, message: `missing required property "${k}"` } });
    }
    for (const [k, sub] of Object.entries(props)) {
      if (!(k in value) || (variant && k === variant.tag)) continue;
      out.push(...mutations(p, sub, value[k], `${pointer}/${esc(k)}`, decoded).map((m) => liftInto(m, value, k)));
    }
    return out;
  }
  if (Array.isArray(value)) {
    const items = s['items'] as Node | undefined;
    if (items) value.slice(0, 2).forEach((item, i) => out.push(...mutations(p, items, item, `${pointer}/${i}`, decoded).map((m) => liftInto(m, value, String(i)))));
    return out;
  }
  // A leaf.
  if (s['const'] !== undefined) {
    const c = s['const'];
    out.push({ label: 'wrong const', pointer, value: typeof c === 'string' ? `${c}_wrong` : 987654, expect: { kind: 'reject', issuePath: pointer, message: `must be one of ${JSON.stringify(c)}` } });
  } else if (Array.isArray(s['enum'])) {
    out.push({ label: 'value not in enum', pointer, value: 'qqwire_not_in_enum', expect: { kind: 'reject', issuePath: pointer } });
  }
  if (types.length) {
    const wrong = wrongTypeValue(types);
    if (wrong !== undefined) out.push({ label: `type ${types.join('|')} → ${jsonType(wrong)}`, pointer, value: wrong, expect: { kind: 'reject', issuePath: pointer } });
  }
  return out;
}

/** The JSON types a schema branch admits, or undefined when that is not evident from its keywords. */
function branchTypes(p: ProtocolJson, node: Node): string[] | undefined {
  let s: Node | undefined = node;
  for (let i = 0; s && typeof s['$ref'] === 'string' && i < 20; i++) s = p.$defs[(s['$ref'] as string).replace('#/$defs/', '')];
  if (!s) return undefined;
  if (s['type'] !== undefined) {
    const t = (Array.isArray(s['type']) ? s['type'] : [s['type']]) as string[];
    return t.includes('number') ? [...t, 'integer'] : t;
  }
  if (s['discriminator'] || s['properties']) return ['object'];
  if (s['items']) return ['array'];
  if (s['const'] !== undefined) return [jsonType(s['const'])];
  if (Array.isArray(s['enum'])) return [...new Set((s['enum'] as unknown[]).map(jsonType))];
  const alts = (s['oneOf'] ?? s['anyOf']) as Node[] | undefined;
  if (alts) {
    const all = alts.map((a) => branchTypes(p, a));
    return all.every(Boolean) ? [...new Set(all.flatMap((t) => t!))] : undefined;
  }
  return undefined;
}

/**
 * Mutations of a child are expressed as whole replacement values of that child; lift them to the
 * parent so every mutation carries the new value of the node it was found under.
 */
function liftInto(m: Mutation, parent: Record<string, unknown> | unknown[], key: string): Mutation {
  const copy = (Array.isArray(parent) ? [...parent] : { ...parent }) as Record<string, unknown>;
  copy[key] = m.value;
  return { ...m, value: copy };
}

/** Named types reachable from some action's params but from no action's result. */
function inputOnlyTypes(p: ProtocolJson): Set<string> {
  const reach = (roots: (Node | null)[]) => {
    const seen = new Set<string>();
    const visit = (n: unknown): void => {
      if (Array.isArray(n)) return n.forEach(visit);
      if (!isObject(n)) return;
      const ref = n['$ref'];
      if (typeof ref === 'string') {
        const name = ref.replace('#/$defs/', '');
        if (!seen.has(name)) {
          seen.add(name);
          visit(p.$defs[name]);
        }
      }
      for (const [k, v] of Object.entries(n)) if (k !== 'const' && k !== 'enum' && k !== 'default' && k !== 'examples') visit(v);
    };
    roots.forEach(visit);
    return seen;
  };
  const actions = Object.values(p.actions);
  const inParams = reach(actions.map((a) => a.params));
  const inResults = reach(actions.map((a) => a.result));
  return new Set([...inParams].filter((n) => !inResults.has(n)));
}

/** Envelope around a result, as the protocol's server would send it. */
function envelopeFor(protocol: ProtocolDescriptor, data: unknown): unknown {
  const env = protocol.envelope;
  if (env.kind === 'none') return data;
  return {
    ...(env.statusField ? { [env.statusField]: env.okStatus?.[0] ?? 'ok' } : {}),
    [env.retcodeField ?? 'retcode']: env.okRetcodes?.[0] ?? 0,
    [env.dataField ?? 'data']: data,
  };
}

/** Decodes through the client core (bigint mode: lossless) with validation off. */
async function decodeResult(mod: Generated, action: string, data: unknown): Promise<unknown> {
  const body = envelopeFor(mod.protocol, data);
  const raw = stringifyJson(body);
  const transport = { kind: 'test', request: async () => ({ status: 200, body: parseJson(raw), raw }), close: async () => undefined };
  const client = mod.createClient({ transport, validate: { params: 'off', result: 'off' } });
  return client.call(action, undefined);
}

function decodeType(mod: Generated, type: string, value: unknown): unknown {
  const plans = mod.protocol.plans as PlanDefs;
  return plans[type] ? applyPlan({ k: 'ref', n: type }, plans, value, 'number', 'decode') : value;
}

function describeIssues(issues: Issue[] | undefined): string {
  return issues ? issues.map((i) => `${i.path || '(root)'} ${i.message}`).join('; ') : 'valid';
}

const protocols = readdirSync(fixturesDir)
  .filter((id) => existsSync(new URL(`${id}/examples.json`, fixturesDir)))
  .sort();

test('fixtures exist for every generated protocol', () => {
  assert.deepEqual(protocols, readdirSync(generatedDir).sort());
});

for (const id of protocols) {
  describe(`${id}: test/fixtures/${id}/examples.json`, () => {
    const examples = readJson(new URL(`${id}/examples.json`, fixturesDir)) as Example[];
    const wire = readJson(new URL(`${id}/protocol.json`, generatedDir)) as ProtocolJson;
    let mod: Generated;
    before(async () => {
      mod = (await import(`qqwire/${id}`)) as Generated;
    });
    const inputOnly = inputOnlyTypes(wire);

    /** The validator, the wire schema and the pipeline (decode or not) for an example. */
    function target(ex: Example): { validator: Validator; schema: Node | null; value: unknown; run: (v: unknown) => Promise<unknown> } {
      if (ex.action) {
        const info = mod.protocol.actions[ex.action];
        assert.ok(info, `${id} has no action ${ex.action}`);
        const kind = ex.kind ?? 'params';
        const validator = (kind === 'params' ? info.params : info.result) as Validator | undefined;
        assert.ok(validator, `${ex.action} has no ${kind} validator`);
        assert.equal(validator, mod.validators[validator.name], 'the descriptor uses the exported validator');
        const schema = wire.actions[ex.action]![kind];
        const run = kind === 'params' ? async (v: unknown) => v : (v: unknown) => decodeResult(mod, ex.action!, v);
        return { validator, schema, value: ex.value, run };
      }
      const type = ex.type ?? (ex.errorBody !== undefined ? 'ApiErrorBody' : undefined);
      assert.ok(type, `example has neither action nor type: ${ex.source}`);
      // A type only params reach is something a caller writes: its `…Input` shape lets defaults be omitted.
      const name = inputOnly.has(type) && mod.validators[`${type}Input`] ? `${type}Input` : type;
      const validator = mod.validators[name];
      assert.ok(validator, `${id} exports no validator ${name}`);
      return { validator, schema: wire.$defs[type]!, value: ex.value ?? ex.errorBody, run: async (v) => decodeType(mod, type, v) };
    }

    examples.forEach((ex, i) => {
      const label = `#${i} ${ex.action ? `${ex.action} ${ex.kind ?? 'params'}` : (ex.type ?? 'error body')}`;
      test(`${label} validates`, async () => {
        const { validator, value, run } = target(ex);
        const decoded = await run(value);
        assert.equal(validator.check(decoded), undefined, `${label}: ${describeIssues(validator.check(decoded))}\n(${ex.source})`);
        assert.equal(validator.is(decoded), true);
        const std = validator['~standard'].validate(decoded);
        assert.equal(std.issues, undefined);
        assert.equal(std.value, decoded);
      });

      test(`${label} mutations are rejected at their JSON pointer`, async () => {
        const { validator, schema, value, run } = target(ex);
        const decodes = ex.kind === 'result' || !!ex.type;
        accepts = (name, v) => mod.validators[name]?.is(v) === true;
        const list = mutations(wire, schema, value, '', decodes);
        assert.ok(list.length > 0, 'at least one mutation');
        const failures: string[] = [];
        for (const m of list) {
          const decoded = await run(m.value);
          const issues = validator.check(decoded);
          if (m.expect.kind === 'accept') {
            if (issues) failures.push(`${m.label} at ${m.pointer}: expected it to be accepted, got ${describeIssues(issues)}`);
            continue;
          }
          if (m.expect.kind === 'dropped') {
            const arr = getAt(decoded, m.expect.array);
            const tag = m.expect.tag;
            const ok = !issues && Array.isArray(arr) && !arr.some((x) => isObject(x) && x[tag] === WRONG_TAG);
            if (!ok) failures.push(`${m.label} at ${m.pointer}: expected the item to be dropped, got ${describeIssues(issues)} ${stringifyJson(arr)}`);
            continue;
          }
          if (m.expect.kind === 'keep') {
            const at = getAt(decoded, m.expect.at) as Record<string, unknown>;
            const ok = !issues && at?.[m.expect.tag] === 'unknown' && (at['raw'] as Record<string, unknown>)?.[m.expect.tag] === WRONG_TAG;
            if (!ok) failures.push(`${m.label} at ${m.pointer}: expected the unknown variant, got ${describeIssues(issues)} ${stringifyJson(at)}`);
            continue;
          }
          const { issuePath, message } = m.expect;
          const hit = issues?.some((x) => x.path === issuePath && (message === undefined || x.message === message));
          if (!hit) failures.push(`${m.label} at ${m.pointer || '(root)'}: expected an issue at "${issuePath}"${message ? ` (${message})` : ''}, got ${describeIssues(issues)}`);
          else {
            // The Standard Schema view reports the same path as segments.
            const std = validator['~standard'].validate(decoded);
            assert.ok(std.issues && std.issues.length > 0);
            assert.equal(validator.is(decoded), false);
          }
        }
        assert.deepEqual(failures, [], `${label}: ${list.length} mutations`);
        for (const m of list) {
          const kind = m.label.startsWith('type of alternatives') ? 'type of alternatives' : m.label.startsWith('type ') ? 'type' : m.label.replace(/ "[^"]*"$/, '');
          tally.set(kind, (tally.get(kind) ?? 0) + 1);
        }
      });
    });
  });
}

/** Mutation kinds exercised across all fixtures. */
const tally = new Map<string, number>();

test('every kind of mutation was exercised by the fixtures', () => {
  const kinds = Object.fromEntries([...tally].sort());
  for (const kind of ['drop required', 'drop union tag', 'type', 'type of alternatives', 'unknown type on a closed union', 'unknown type on an open union', 'wrong const', 'value not in enum']) {
    assert.ok((tally.get(kind) ?? 0) > 0, `no "${kind}" mutation in ${JSON.stringify(kinds)}`);
  }
  const total = [...tally.values()].reduce((a, b) => a + b, 0);
  assert.ok(total > 500, `only ${total} mutations`);
  console.log(`# mutations: ${total} ${JSON.stringify(kinds)}`);
});

test('getAt addresses JSON pointers with escapes', () => {
  assert.equal(getAt({ 'a/b': [{ '~c': 1 }] }, '/a~1b/0/~0c'), 1);
  assert.deepEqual(getAt({ a: 1 }, ''), { a: 1 });
});
