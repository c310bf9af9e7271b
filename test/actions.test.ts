/**
 * Every action of every generated protocol, table-driven from generated/<protocol>/protocol.json: for
 * each transport the protocol declares, a local server on 127.0.0.1 and one client; every action is
 * called through its camelCase method (all of a protocol's actions in one batch per connection), and
 * the suite checks what reached the server, what the call resolved to (in each int64 mode, with an
 * unknown union variant kept) and that an error answer becomes ApiError with its retcode.
 * A protocol or action added later is picked up without touching this file.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { ApiError } from '../runtime/errors.js';
import { parseJson, stringifyJson } from '../runtime/json.js';
import { methodNames } from '../generator/naming.js';
import { parsedBody, restExpectation, rigKinds, type GeneratedModule, type Received, type Rig, type RigKind } from './helpers/action-rig.js';
import { expectedDecoded, withUnknownVariants, type Int64Mode } from './helpers/expected-result.js';
import { parseMultipart } from './helpers/multipart.js';
import { actionCases, loadProtocolJson, type ActionCase } from './helpers/schema-sample.js';

const GENERATED = new URL('../../generated/', import.meta.url);
const PROTOCOLS = readdirSync(GENERATED, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(fileURLToPath(new URL(`${d.name}/protocol.json`, GENERATED))))
  .map((d) => d.name)
  .sort();

interface Case extends ActionCase {
  method: string;
  /** The result as the server sends it (the sample plus an unknown variant wherever an open union list is). */
  wire: unknown;
  resultSchema: Record<string, unknown> | null | undefined;
  paramsSchema: Record<string, unknown> | null | undefined;
}

const wireCopy = (value: unknown): unknown => parseJson(stringifyJson(value));

/** A retcode the protocol lists that is not a success (nor a special "pending" code). */
function failureCode(mod: GeneratedModule): number {
  const e = mod.protocol.envelope;
  const code = Object.keys(mod.protocol.retcodes)
    .map(Number)
    .find((c) => !(e.okRetcodes ?? [0]).includes(c) && !(e.pendingCodes ?? []).includes(c));
  return code ?? 12345;
}

async function checkRest(mod: GeneratedModule, c: Case, got: Received): Promise<void> {
  const binding = mod.protocol.actions[c.action]!.rest!;
  const want = restExpectation(binding, wireCopy(c.params) as Record<string, unknown>);
  const url = new URL(got.url!, 'http://x');
  assert.equal(got.method, binding.method, `${c.action}: method`);
  assert.equal(url.pathname, want.path, `${c.action}: path with its params`);
  assert.deepEqual([...url.searchParams.entries()].sort(), want.query, `${c.action}: query`);
  if (want.body === undefined) assert.equal(got.body ?? '', '', `${c.action}: no body`);
  else if (binding.body === 'multipart') await checkMultipart(c, got, restExpectation(binding, c.params as Record<string, unknown>).body!);
  else assert.deepEqual(parsedBody(got.body), want.body, `${c.action}: JSON body`);
}

/** A multipart body, parsed independently: bytes as file parts, strings as they are, the rest as JSON text. */
async function checkMultipart(c: Case, got: Received, want: Record<string, unknown>): Promise<void> {
  assert.match(got.contentType ?? '', /^multipart\/form-data; boundary=/, `${c.action}: multipart Content-Type`);
  const parts = await parseMultipart(got.bytes!, got.contentType!);
  assert.deepEqual([...parts.keys()].sort(), Object.keys(want).sort(), `${c.action}: multipart fields`);
  for (const [name, value] of Object.entries(want)) {
    const part = parts.get(name)!;
    if (value instanceof Uint8Array) assert.deepEqual(part.bytes, value, `${c.action}: file part ${name}`);
    else if (typeof value === 'string') assert.equal(part.text, value, `${c.action}: field ${name}`);
    else assert.deepEqual(parseJson(part.text!), wireCopy(value), `${c.action}: field ${name} as JSON text`);
  }
}

function checkOneBot(c: Case, got: Received, rig: Rig): void {
  assert.deepEqual(got.params ?? {}, wireCopy(c.params), `${c.action}: params on the wire`);
  if (rig.kind.includes('msgpack')) assert.equal(got.binary, true, `${c.action}: sent as MessagePack`);
}

/** Calls every case through its method (all at once, or in turn on a REST rig); each outcome in order. */
async function callAll(rig: Rig, cases: Case[], params: (c: Case) => unknown): Promise<PromiseSettledResult<unknown>[]> {
  const call = (c: Case) => (rig.client[c.method] as (p: unknown) => Promise<unknown>)(params(c));
  if (rig.current === undefined) return Promise.allSettled(cases.map(call));
  const outcomes: PromiseSettledResult<unknown>[] = [];
  for (const c of cases) {
    rig.current = c.action;
    const [outcome] = await Promise.allSettled([call(c)]);
    outcomes.push(outcome!);
  }
  return outcomes;
}

function receivedFor(rig: Rig, action: string): Received {
  const got = rig.received.filter((r) => r.action === action);
  assert.equal(got.length, 1, `${action}: exactly one request reached the ${rig.kind} server`);
  return got[0]!;
}

async function withRig<T>(kind: RigKind, mod: GeneratedModule, options: Record<string, unknown>, body: (rig: Rig) => Promise<T>): Promise<T> {
  const rig = await kind.start(mod, { validate: { params: 'throw', result: 'throw' }, ...options });
  try {
    return await body(rig);
  } finally {
    await rig.close();
  }
}

for (const name of PROTOCOLS) {
  const mod = (await import(`qqwire/${name}`)) as GeneratedModule;
  const json = loadProtocolJson(name);
  const defs = json.$defs;
  const methods = methodNames(Object.keys(json.actions).map((a) => ({ name: a })));
  const encodings = ((json.protocol as Record<string, unknown>)['encodings'] as string[] | undefined) ?? ['json'];
  const cases: Case[] = actionCases(name, (a) => mod.protocol.actions[a]?.noResult === true).map((c) => {
    const def = json.actions[c.action]!;
    return {
      ...c,
      method: methods.get(c.action)!,
      wire: c.noResult ? null : withUnknownVariants(def.result, c.result, defs),
      resultSchema: def.result,
      paramsSchema: def.params,
    };
  });
  const kinds = rigKinds(mod.protocol, encodings);
  const expected = (c: Case, mode: Int64Mode) => (c.noResult ? undefined : expectedDecoded(c.resultSchema, c.wire, defs, mode));

  describe(`${name}: every action of protocol.json`, () => {
    it('has a typed method per action, and valid params and result for each', () => {
      assert.ok(cases.length > 0);
      assert.deepEqual(cases.map((c) => c.action).sort(), Object.keys(mod.protocol.actions).sort());
      const client = mod.createClient({});
      for (const c of cases) {
        assert.equal(typeof client[c.method], 'function', `${c.action}: method ${c.method}`);
        const info = mod.protocol.actions[c.action]!;
        assert.equal(info.params?.check(c.params), undefined, `${c.action} params (${c.paramsFrom})`);
        if (!c.noResult) assert.equal(info.result?.check(expected(c, 'number')), undefined, `${c.action} result`);
      }
      return client.close();
    });

    it('declares at least one transport to run the actions over', () => {
      assert.ok(kinds.length > 0, `${name} declares no transport`);
    });

    for (const kind of kinds) {
      it(`${kind.name}: each call sends exactly its wire action and params, and resolves to exactly the result`, () =>
        withRig(kind, mod, {}, async (rig) => {
          rig.answer = (action) => {
            const c = cases.find((x) => x.action === action);
            return c ? { data: c.wire, noResult: c.noResult } : { failure: -1 };
          };
          const outcomes = await callAll(rig, cases, (c) => c.params);
          for (const [i, c] of cases.entries()) {
            const outcome = outcomes[i]!;
            if (outcome.status === 'rejected') assert.fail(`${c.action} over ${kind.name}: ${String(outcome.reason)}`);
            const got = receivedFor(rig, c.action);
            if (got.url !== undefined) await checkRest(mod, c, got);
            else checkOneBot(c, got, rig);
            assert.deepEqual(outcome.value, expected(c, 'number'), `${c.action}: result`);
          }
          assert.equal(rig.received.length, cases.length, 'no other request was made');
        }));

      it(`${kind.name}: an error answer to each call is an ApiError with its retcode`, () =>
        withRig(kind, mod, {}, async (rig) => {
          const code = failureCode(mod);
          rig.answer = () => ({ failure: code });
          const outcomes = await callAll(rig, cases, (c) => c.params);
          cases.forEach((c, i) => {
            const outcome = outcomes[i]!;
            assert.equal(outcome.status, 'rejected', `${c.action} resolved`);
            const error = (outcome as PromiseRejectedResult).reason as unknown;
            assert.ok(error instanceof ApiError, `${c.action}: ${String(error)}`);
            assert.equal(error.retcode, code, c.action);
            assert.equal(error.retcodeName, mod.protocol.retcodes[String(code)]?.name, `${c.action}: retcode name`);
            assert.equal(error.action, c.action);
            assert.equal(error.protocol, name);
          });
        }));
    }

    const first = kinds[0];
    for (const mode of ['bigint', 'string'] as const) {
      if (!first) break;
      it(`${first.name}, int64 '${mode}': every result delivers its int64 fields as ${mode}s`, () =>
        withRig(first, mod, { int64: mode }, async (rig) => {
          rig.answer = (action) => {
            const c = cases.find((x) => x.action === action)!;
            return { data: c.wire, noResult: c.noResult };
          };
          // In this mode the caller hands int64 params over as the mode's type; the wire still gets numbers.
          const outcomes = await callAll(rig, cases, (c) => expectedDecoded(c.paramsSchema, c.params, defs, mode));
          for (const [i, c] of cases.entries()) {
            const outcome = outcomes[i]!;
            if (outcome.status === 'rejected') assert.fail(`${c.action}: ${String(outcome.reason)}`);
            const got = receivedFor(rig, c.action);
            if (got.url !== undefined) await checkRest(mod, c, got);
            else checkOneBot(c, got, rig);
            assert.deepEqual(outcome.value, expected(c, mode), `${c.action}: result`);
          }
        }));
    }
  });
}
