/**
 * Stage 2: turn loaded folders into one IR per protocol. Applies `extends` (inherit, replace, JSON
 * Merge Patch, remove), normalises `$ref`s, checks references, `required` lists and tagged unions, and
 * expands aliases and suffixed variants into their own actions.
 */
import { basename, dirname } from 'node:path';
import { SchemaError, SchemaErrors } from './errors.js';
import type { IRAction, IRProtocol, IRProtocolInfo, IRType } from './ir.js';
import { computeEvents, type EventNameRule, type IREvent } from './events.js';
import { errorAt, type LoadedFile, type LoadedFolder } from './load.js';
import { pascal } from './naming.js';
import { eachNode, type Node, type UnionNode } from './node.js';
import { normalise, type Raw as SchemaNode } from './normalise.js';
import { nearest } from './suggest.js';

interface Where {
  file: LoadedFile;
  pointer: string;
}

interface Entry<T> {
  value: T;
  where: Where;
  definedIn: string;
}

interface State {
  id: string;
  info: Record<string, unknown>;
  infoWhere: Where;
  types: Map<string, Entry<SchemaNode>>;
  actions: Map<string, Entry<Record<string, unknown>>>;
  /** Action variants an ancestor declares: one this protocol's `action-variants` leaves out is dropped from its actions. */
  ancestorVariants: ReadonlySet<string>;
}

const REF = /^(?:([A-Za-z0-9_.-]+\.ya?ml))?#\/types\/([A-Za-z0-9]+)$/;

function clone<T>(value: T): T {
  return structuredClone(value);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** RFC 7396 JSON Merge Patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return clone(patch);
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/** Visits every schema node (objects reachable through schema keywords) with its JSON pointer. */
function eachRaw(node: unknown, pointer: string, visit: (node: SchemaNode, pointer: string) => void): void {
  if (!isPlainObject(node)) return;
  visit(node, pointer);
  for (const key of ['items', 'additionalProperties']) {
    if (isPlainObject(node[key])) eachRaw(node[key], `${pointer}/${key}`, visit);
  }
  for (const key of ['properties']) {
    const props = node[key];
    if (isPlainObject(props)) for (const [name, sub] of Object.entries(props)) eachRaw(sub, `${pointer}/${key}/${esc(name)}`, visit);
  }
  for (const key of ['oneOf', 'anyOf', 'prefixItems']) {
    const list = node[key];
    if (Array.isArray(list)) list.forEach((sub, i) => eachRaw(sub, `${pointer}/${key}/${i}`, visit));
  }
}

function esc(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Rewrites `file.yaml#/types/X` to `#/types/X` after checking that file defines X. */
function normaliseRefs(folder: LoadedFolder, schema: unknown, where: Where, problems: SchemaError[]): void {
  eachRaw(schema, where.pointer, (node, pointer) => {
    const ref = node['$ref'];
    if (typeof ref !== 'string') return;
    const m = REF.exec(ref);
    if (!m) return;
    const [, fileName, name] = m;
    if (fileName) {
      const target = folder.files.find((f) => f.file.endsWith(`/${fileName}`) || f.file === fileName);
      if (!target) {
        problems.push(errorAt(where.file, `${pointer}/$ref`, `no file ${fileName} in ${folder.id}/`));
      } else if (!target.data.types?.[name!]) {
        problems.push(errorAt(where.file, `${pointer}/$ref`, `${fileName} defines no type ${name}`));
      }
    }
    node['$ref'] = `#/types/${name}`;
  });
}

/** Merge Patch, except that an action's `result: null` means "no data" (the format's word), not "delete". */
function patched(kind: 'types' | 'actions', value: unknown, patch: unknown): unknown {
  const out = mergePatch(value, patch);
  if (kind === 'actions' && isPlainObject(patch) && patch['result'] === null) (out as Record<string, unknown>)['result'] = null;
  return out;
}

/** The folder's one `protocol:` file (throws when there is none or more than one). */
function protocolFile(folder: LoadedFolder, problems: SchemaError[]): LoadedFile {
  const protocols = folder.files.filter((f) => f.data.protocol);
  if (protocols.length === 1) return protocols[0]!;
  const file = protocols[1] ?? folder.files[0];
  const detail = protocols.length ? 'a second `protocol:` section (only one file may have it)' : 'no file has a `protocol:` section';
  if (file) problems.push(errorAt(file, protocols.length ? '/protocol' : '', detail));
  else problems.push(new SchemaError(folder.dir, 1, 1, '', 'no YAML files'));
  throw new SchemaErrors(problems);
}

function inherit(folder: LoadedFolder, pfile: LoadedFile, parent: State | undefined, problems: SchemaError[]): State {
  const own = pfile.data.protocol!;
  if (own['name'] !== folder.id) problems.push(errorAt(pfile, '/protocol/name', `must equal the folder name "${folder.id}"`));
  const info = parent ? { ...clone(parent.info), ...clone(own) } : clone(own);
  if (!parent) delete info['extends'];
  const copy = <T>(table: Map<string, Entry<T>> | undefined) => new Map(table ? [...table].map(([k, v]) => [k, { ...v, value: clone(v.value) }]) : []);
  const ancestorVariants = new Set(parent ? [...parent.ancestorVariants, ...variantNames(parent.info)] : []);
  return { id: folder.id, info, infoWhere: { file: pfile, pointer: '/protocol' }, types: copy(parent?.types), actions: copy(parent?.actions), ancestorVariants };
}

function variantNames(info: Record<string, unknown>): string[] {
  return ((info['action-variants'] as IRProtocolInfo['action-variants'] | undefined) ?? []).map((v) => v.name);
}

/** The folder's own types and actions, refs normalised; a name defined twice names both places. */
function addOwn(folder: LoadedFolder, state: State, problems: SchemaError[]): void {
  const seen = { types: new Map<string, Where>(), actions: new Map<string, Where>() };
  for (const file of folder.files) {
    for (const kind of ['types', 'actions'] as const) {
      for (const [name, raw] of Object.entries(file.data[kind] ?? {})) {
        const where = { file, pointer: `/${kind}/${esc(name)}` };
        const dup = seen[kind].get(name);
        if (dup) problems.push(errorAt(file, where.pointer, `${kind === 'types' ? 'type' : 'action'} ${name} is also defined at ${dup.file.file}`));
        seen[kind].set(name, where);
        const value = clone(raw) as SchemaNode;
        normaliseEntryRefs(folder, kind, value, where, problems);
        (state[kind] as Map<string, Entry<SchemaNode>>).set(name, { value, where, definedIn: folder.id });
      }
    }
  }
}

/** A type is one schema; an action holds two (params, result). */
function normaliseEntryRefs(folder: LoadedFolder, kind: 'types' | 'actions', value: unknown, where: Where, problems: SchemaError[]): void {
  if (kind === 'types') return normaliseRefs(folder, value, where, problems);
  const v = value as Record<string, unknown> | null;
  for (const key of ['params', 'result']) normaliseRefs(folder, v?.[key], { file: where.file, pointer: `${where.pointer}/${key}` }, problems);
}

/** One file's `patch` and `remove` sections, applied to the inherited entries. */
function applyPatches(folder: LoadedFolder, file: LoadedFile, state: State, parentId: string, problems: SchemaError[]): void {
  const { patch, remove } = file.data;
  for (const kind of ['types', 'actions'] as const) {
    const table = state[kind] as Map<string, Entry<unknown>>;
    for (const [name, p] of Object.entries(patch?.[kind] ?? {})) {
      const where = { file, pointer: `/patch/${kind}/${esc(name)}` };
      const entry = table.get(name);
      if (!entry) {
        problems.push(errorAt(file, where.pointer, `nothing to patch: ${parentId} has no ${kind === 'types' ? 'type' : 'action'} ${name}`));
        continue;
      }
      const patchValue = clone(p);
      normaliseEntryRefs(folder, kind, patchValue, where, problems);
      if (patchValue === null) table.delete(name);
      else table.set(name, { value: patched(kind, entry.value, patchValue), where, definedIn: folder.id });
    }
    for (const [i, name] of (remove?.[kind] ?? []).entries()) {
      if (!table.delete(name)) problems.push(errorAt(file, `/remove/${kind}/${i}`, `nothing to remove: no ${name} in ${parentId}`));
    }
  }
  for (const [name, op] of Object.entries(patch?.unions ?? {})) patchUnion(state, folder.id, { file, pointer: `/patch/unions/${esc(name)}` }, name, op, problems);
}

function collect(folder: LoadedFolder, parent: State | undefined, problems: SchemaError[]): State {
  const state = inherit(folder, protocolFile(folder, problems), parent, problems);
  addOwn(folder, state, problems);
  for (const file of folder.files) {
    if (!file.data.patch && !file.data.remove) continue;
    if (!parent) problems.push(errorAt(file, file.data.patch ? '/patch' : '/remove', '`patch` and `remove` need `protocol.extends`'));
    else applyPatches(folder, file, state, parent.id, problems);
  }
  return state;
}

/** `patch.unions.<Name>: { add, remove }`: edits an inherited tagged union's variants in place. */
function patchUnion(state: State, folderId: string, where: Where, name: string, op: { add?: string[]; remove?: string[] }, problems: SchemaError[]): void {
  const entry = state.types.get(name);
  const oneOf = entry?.value['oneOf'];
  if (!entry || !entry.value['discriminator'] || !Array.isArray(oneOf)) {
    problems.push(errorAt(where.file, where.pointer, `nothing to patch: no tagged union ${name} to add variants to or remove them from`));
    return;
  }
  const names = oneOf.map((b: unknown) => String((b as Record<string, unknown>)['$ref'] ?? '').replace('#/types/', ''));
  const next = [...names];
  for (const [i, v] of (op.remove ?? []).entries()) {
    const at = next.indexOf(v);
    if (at < 0) problems.push(errorAt(where.file, `${where.pointer}/remove/${i}`, `${name} has no variant ${v}`));
    else next.splice(at, 1);
  }
  for (const [i, v] of (op.add ?? []).entries()) {
    if (next.includes(v)) problems.push(errorAt(where.file, `${where.pointer}/add/${i}`, `${name} already has the variant ${v}`));
    else next.push(v);
  }
  const value = { ...entry.value, oneOf: next.map((n) => ({ $ref: `#/types/${n}` })) };
  state.types.set(name, { value, where, definedIn: folderId });
}

type Report = (pointer: string, detail: string) => void;

interface Normalised {
  types: Map<string, IRType>;
  actions: Map<string, { params: Node | null; result: Node | null }>;
}

/** Every type and action schema → the typed node union; then the checks that need all of them. */
function normaliseState(state: State, problems: SchemaError[]): Normalised {
  const reporter = (file: LoadedFile): Report => (pointer, detail) => problems.push(errorAt(file, pointer, detail));
  const types = new Map<string, IRType>();
  for (const [name, entry] of state.types) {
    const node = normalise(entry.value, entry.where.pointer, reporter(entry.where.file));
    types.set(name, { name, node, definedIn: entry.definedIn, file: entry.where.file.file });
  }
  const actions = new Map<string, { params: Node | null; result: Node | null }>();
  for (const [name, entry] of state.actions) {
    const report = reporter(entry.where.file);
    const one = (key: string) => {
      const raw = entry.value[key];
      return raw === null || raw === undefined ? null : normalise(raw, `${entry.where.pointer}/${key}`, report);
    };
    actions.set(name, { params: one('params'), result: one('result') });
  }
  const reportFor = (typeName: string | undefined, action?: string): Report =>
    reporter((typeName ? state.types.get(typeName) : state.actions.get(action!))!.where.file);
  for (const t of types.values()) checkNode(t.node, types, reportFor(t.name), true);
  for (const [name, a] of actions) {
    for (const node of [a.params, a.result]) if (node) checkNode(node, types, reportFor(undefined, name), false);
  }
  for (const t of types.values()) if (t.node.kind === 'union') checkUnion(t.name, t.node, types, reportFor(t.name));
  checkCycles(types, (name, detail) => reportFor(name)(types.get(name)!.node.pointer, detail));
  return { types, actions };
}

/** References resolve, and a tagged union is only ever a named type of its own. */
function checkNode(root: Node, types: ReadonlyMap<string, IRType>, report: Report, named: boolean): void {
  eachNode(root, (n) => {
    if (n.kind === 'ref' && !types.has(n.name)) {
      const guess = nearest(n.name, types.keys());
      report(`${n.pointer}/$ref`, `unknown type #/types/${n.name}${guess ? ` (did you mean ${guess}?)` : ''}`);
    }
    if (n.kind === 'union' && !(named && n === root)) report(n.pointer, 'a tagged union must be a named type of its own: move it under `types:` and `$ref` it');
    if (n.kind === 'union') {
      n.variants.forEach((v, i) => {
        if (!types.has(v.type)) report(`${n.pointer}/oneOf/${i}/$ref`, `unknown type #/types/${v.type}`);
      });
    }
  });
}

/**
 * The tag value a variant stands for: its own `const`, or, for a nested tagged union (OneBot 11
 * `MessageEvent` under `post_type`), the one value every leaf below it has.
 */
function variantTag(typeName: string, tag: string, types: ReadonlyMap<string, IRType>, seen: readonly string[] = []): string | { problem: string } {
  const target = types.get(typeName)?.node;
  if (target?.kind === 'union' && !seen.includes(typeName)) {
    const values = new Set<string>();
    for (const v of target.variants) {
      const value = variantTag(v.type, tag, types, [...seen, typeName]);
      if (typeof value !== 'string') return value;
      values.add(value);
    }
    if (values.size === 1) return [...values][0]!;
    return { problem: `the variants of ${typeName} must all have the same properties.${tag}.const (found ${[...values].map((x) => `"${x}"`).join(', ') || 'none'})` };
  }
  const prop = target?.kind === 'object' ? target.props.find((p) => p.name === tag) : undefined;
  const value = prop?.node.kind === 'literal' && prop.node.keyword === 'const' ? prop.node.values[0] : undefined;
  if (typeof value !== 'string') return { problem: `${typeName} needs properties.${tag}.const (a string)` };
  if (!prop!.required) return { problem: `${typeName} must list "${tag}" in required` };
  return value;
}

function checkUnion(name: string, union: UnionNode, types: ReadonlyMap<string, IRType>, report: Report): void {
  const seen = new Set<string>();
  union.variants.forEach((v, i) => {
    const at = `${union.pointer}/oneOf/${i}`;
    const target = types.get(v.type)?.node;
    if (!target) return;
    const tag = variantTag(v.type, union.tag, types);
    if (typeof tag !== 'string') return report(at, tag.problem);
    if (seen.has(tag)) return report(at, `tag "${tag}" is used twice`);
    seen.add(tag);
    v.tag = tag;
    if (target.kind === 'union') v.union = true;
  });
  if (union.unknown === 'keep') {
    if (types.has(`Unknown${name}`)) report(union.pointer, `type Unknown${name} is reserved for the unknown variant of ${name}`);
    if (seen.has('unknown')) report(union.pointer, 'the tag "unknown" is reserved for unknown variants');
  }
}

/**
 * Recursion must pass through an object, array or tuple: `A = A | B` or `A → B → A` by bare refs has no
 * TypeScript type (TS2456) and no finite validator.
 */
function checkCycles(types: ReadonlyMap<string, IRType>, report: (name: string, detail: string) => void): void {
  const bare = (node: Node): string[] =>
    node.kind === 'ref' ? [node.name] : node.kind === 'union' ? node.variants.map((v) => v.type) : node.kind === 'alt' ? node.options.flatMap(bare) : [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (name: string, path: string[]): void => {
    if (state.get(name) === 'done' || !types.has(name)) return;
    if (state.get(name) === 'open') {
      const cycle = path.slice(path.indexOf(name));
      return report(name, `type ${name} refers to itself without an object or array in between (${[...cycle, name].join(' → ')})`);
    }
    state.set(name, 'open');
    for (const next of bare(types.get(name)!.node)) visit(next, [...path, name]);
    state.set(name, 'done');
  };
  for (const name of types.keys()) visit(name, []);
}

/** Names the generated files declare themselves; a schema type of that name would shadow or clash. */
const RESERVED_TYPES = new Set([
  'Actions', 'EventMap', 'Int64Repr', 'AnyInt64', 'I64', 'T', 'Client', 'Options', 'Validator', 'Record', 'Array', 'Promise', 'Partial', 'Readonly',
  'Object', 'String', 'Number', 'Boolean', 'BigInt', 'Symbol', 'Date', 'Error', 'Map', 'Set', 'Function', 'Uint8Array', 'Blob', 'BinaryData', 'BlobLike',
]);
/** Action names that would break the descriptor object or the client: `protocol.actions.__proto__`, a thenable client. */
const RESERVED_ACTIONS = new Set(['__proto__', 'constructor', 'prototype']);

function typeNameOf(node: Node | null, fallback: string): string {
  return node?.kind === 'ref' ? node.name : fallback;
}

function checkTypeNames(state: State, clientName: string, problems: SchemaError[]): void {
  for (const [name, entry] of state.types) {
    if (RESERVED_TYPES.has(name) || name === clientName) {
      problems.push(errorAt(entry.where.file, entry.where.pointer, `type name ${name} is reserved by the generated code: rename it`));
    }
  }
}

function checkActionName(name: string, where: Where, problems: SchemaError[]): boolean {
  if (RESERVED_ACTIONS.has(name)) {
    problems.push(errorAt(where.file, where.pointer, `action name "${name}" is reserved (it would change the descriptor object's prototype)`));
    return false;
  }
  if (!pascal(name)) {
    problems.push(errorAt(where.file, where.pointer, `action name "${name}" has no letter or digit to build a method name from`));
    return false;
  }
  return true;
}

function baseAction(name: string, a: Record<string, unknown>, nodes: { params: Node | null; result: Node | null }): IRAction {
  return {
    name,
    summary: String(a['summary']),
    summaryEn: a['summary-en'] as string | undefined,
    description: a['description'] as string | undefined,
    category: a['category'] as string | undefined,
    since: a['since'] as string | undefined,
    removedIn: a['removed-in'] as string | undefined,
    deprecated: a['deprecated'] as boolean | undefined,
    extension: a['extension'] as boolean | undefined,
    divergence: a['x-divergence'] as string | undefined,
    params: nodes.params,
    result: nodes.result,
    replyWindowSeconds: a['reply-window-seconds'] as number | undefined,
    http: a['http'] as IRAction['http'],
    paramsType: typeNameOf(nodes.params, `${pascal(name)}Params`),
    resultType: typeNameOf(nodes.result, `${pascal(name)}Result`),
  };
}

/** Collects actions, checking that wire names and generated type names are unique. */
class ActionTable {
  readonly out: IRAction[] = [];
  private readonly names = new Set<string>();
  // A generated type name must stand for one schema: aliases and variants share their base's nodes.
  private readonly typeOwners = new Map<string, unknown>();

  constructor(
    private readonly types: ReadonlyMap<string, unknown>,
    private readonly problems: SchemaError[],
  ) {}

  add(action: IRAction, where: Where): void {
    if (this.names.has(action.name)) this.problems.push(errorAt(where.file, where.pointer, `action name ${action.name} is produced twice`));
    this.names.add(action.name);
    this.claim(action.paramsType, action.params, action.name, where);
    this.claim(action.resultType, action.result, action.name, where);
    this.out.push(action);
  }

  private claim(typeName: string, node: Node | null, wire: string, where: Where): void {
    if (node?.kind === 'ref' && node.name === typeName) return;
    const identity = node ?? 'void'; // two actions without params/result may share the empty type
    if (this.types.has(typeName) || RESERVED_TYPES.has(typeName)) {
      this.problems.push(errorAt(where.file, where.pointer, `the generated type name ${typeName} (of ${wire}) clashes with the type of that name`));
    } else if (this.typeOwners.has(typeName) && this.typeOwners.get(typeName) !== identity) {
      this.problems.push(errorAt(where.file, where.pointer, `the generated type name ${typeName} (of ${wire}) is produced by two different actions`));
    }
    this.typeOwners.set(typeName, identity);
  }
}

function checkBinding(a: Record<string, unknown>, where: Where, rest: boolean, problems: SchemaError[]): void {
  if (rest && !a['http']) problems.push(errorAt(where.file, where.pointer, 'a REST protocol action needs `http: {method, path}`'));
  if (!rest && a['http']) problems.push(errorAt(where.file, `${where.pointer}/http`, '`http` needs `transport.rest: true`'));
  const http = a['http'] as IRAction['http'];
  if (http?.method === 'GET' && http.body) problems.push(errorAt(where.file, `${where.pointer}/http/body`, 'a GET request has no body: drop `body` or use another method'));
  if (!('result' in a)) {
    problems.push(errorAt(where.file, where.pointer, 'missing `result`: give its schema, or `result: null` when the action answers with no data'));
  }
}

function expandActions(state: State, nodes: Normalised['actions'], problems: SchemaError[]): IRAction[] {
  const variants = (state.info['action-variants'] as IRProtocolInfo['action-variants'] | undefined) ?? [];
  const rest = (state.info['transport'] as Record<string, unknown> | undefined)?.['rest'] === true;
  const table = new ActionTable(state.types, problems);
  for (const [name, entry] of state.actions) {
    const a = entry.value;
    checkBinding(a, entry.where, rest, problems);
    const aliases = (a['aliases'] as string[] | undefined) ?? [];
    if (![name, ...aliases].every((n) => checkActionName(n, entry.where, problems))) continue;
    const base = baseAction(name, a, nodes.get(name)!);
    table.add(base, entry.where);
    for (const alias of aliases) table.add({ ...base, name: alias, aliasOf: name }, entry.where);
    for (const [i, vname] of ((a['variants'] as string[] | undefined) ?? []).entries()) {
      const v = variants.find((x) => x.name === vname);
      // An inherited variant this protocol's `action-variants` leaves out: the server does not have it.
      if (!v && state.ancestorVariants.has(vname)) continue;
      if (!v) {
        const guess = nearest(vname, variants.map((x) => x.name));
        problems.push(errorAt(entry.where.file, `${entry.where.pointer}/variants/${i}`, `no action variant "${vname}" in protocol.action-variants${guess ? ` (did you mean "${guess}"?)` : ''}`));
        continue;
      }
      for (const wire of [name, ...aliases]) {
        const noResult = v.result === 'none';
        const variant = { action: wire, variant: v.name };
        table.add({ ...base, name: wire + v.suffix, variantOf: variant, result: noResult ? null : base.result, resultType: noResult ? `${pascal(wire + v.suffix)}Result` : base.resultType }, entry.where);
      }
    }
  }
  return table.out;
}

/** `transport.events.type`: the leaves of the root union with their names; problems located in their files. */
function resolveEvents(state: State, types: ReadonlyMap<string, IRType>, problems: SchemaError[]): IREvent[] {
  const events = (state.info['transport'] as Record<string, unknown> | undefined)?.['events'] as { type?: string; name: EventNameRule } | undefined;
  if (!events?.type) return [];
  const nodes = new Map([...types].map(([name, t]) => [name, t.node]));
  const result = computeEvents(events.type, events.name, nodes);
  for (const p of result.problems) {
    const where = p.type ? state.types.get(p.type)!.where : state.infoWhere;
    problems.push(errorAt(where.file, p.pointer, p.detail));
  }
  return result.events;
}

function toInfo(state: State): IRProtocolInfo {
  const i = state.info;
  return {
    ...i,
    name: state.id,
    title: String(i['title']),
    version: String(i['version']),
    transport: (i['transport'] as Record<string, unknown>) ?? {},
    auth: (i['auth'] as Record<string, unknown>) ?? {},
    envelope: (i['envelope'] as Record<string, unknown>) ?? { kind: 'none' },
    retcodes: (i['retcodes'] as IRProtocolInfo['retcodes']) ?? [],
    'retcode-ranges': (i['retcode-ranges'] as IRProtocolInfo['retcode-ranges']) ?? [],
    'http-status': (i['http-status'] as IRProtocolInfo['http-status']) ?? [],
    'action-variants': (i['action-variants'] as IRProtocolInfo['action-variants']) ?? [],
  } as IRProtocolInfo;
}

/** Resolves every folder (parents first). Throws `SchemaErrors` listing every problem found. */
export function resolveAll(folders: LoadedFolder[]): IRProtocol[] {
  const byId = new Map(folders.map((f) => [f.id, f]));
  const states = new Map<string, State>();
  const problems: SchemaError[] = [];
  const resolving: string[] = [];

  const resolveState = (folder: LoadedFolder): State | undefined => {
    const done = states.get(folder.id);
    if (done) return done;
    const pfile = folder.files.find((f) => f.data.protocol);
    const parentId = pfile?.data.protocol?.['extends'] as string | undefined;
    let parent: State | undefined;
    if (parentId) {
      if (resolving.includes(parentId) || parentId === folder.id) {
        problems.push(errorAt(pfile!, '/protocol/extends', `extends cycle: ${[...resolving, folder.id, parentId].join(' → ')}`));
        return undefined;
      }
      const pf = byId.get(parentId);
      if (!pf) {
        problems.push(errorAt(pfile!, '/protocol/extends', `no protocol folder "${parentId}"`));
        return undefined;
      }
      resolving.push(folder.id);
      parent = resolveState(pf);
      resolving.pop();
      if (!parent) return undefined;
    }
    const local: SchemaError[] = [];
    try {
      const state = collect(folder, parent, local);
      if (!local.length) states.set(folder.id, state);
      problems.push(...local);
      return local.length ? undefined : state;
    } catch (error) {
      if (error instanceof SchemaErrors) problems.push(...error.errors);
      else throw error;
      return undefined;
    }
  };

  const out: IRProtocol[] = [];
  for (const folder of folders) {
    const state = resolveState(folder);
    if (!state) continue;
    const local: SchemaError[] = [];
    checkTypeNames(state, `${pascal(folder.id)}Client`, local);
    const { types, actions: nodes } = normaliseState(state, local);
    const actions = local.length ? [] : expandActions(state, nodes, local);
    const events = local.length ? [] : resolveEvents(state, types, local);
    problems.push(...local.sort(byPosition));
    if (local.length) continue;
    const unions = new Map<string, UnionNode>();
    for (const t of types.values()) if (t.node.kind === 'union') unions.set(t.name, t.node);
    out.push({ id: folder.id, info: toInfo(state), types, unions, actions, events, sourceDir: `${basename(dirname(folder.dir))}/${folder.id}` });
  }
  if (problems.length) throw new SchemaErrors(dedupe(problems));
  return out;
}

function byPosition(a: SchemaError, b: SchemaError): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col;
}

function dedupe(errors: SchemaError[]): SchemaError[] {
  const seen = new Set<string>();
  return errors.filter((e) => (seen.has(e.message) ? false : (seen.add(e.message), true)));
}
