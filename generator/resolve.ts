/**
 * Stage 2: turn loaded folders into one IR per protocol. Applies `extends` (inherit, replace, JSON
 * Merge Patch, remove), normalises `$ref`s, checks references, `required` lists and tagged unions, and
 * expands aliases and suffixed variants into their own actions.
 */
import { basename, dirname } from 'node:path';
import { SchemaError, SchemaErrors } from './errors.js';
import type { IRAction, IRProtocol, IRProtocolInfo, IRType, IRUnion, SchemaNode } from './ir.js';
import { errorAt, type LoadedFile, type LoadedFolder } from './load.js';
import { pascal } from './naming.js';

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
}

/** Keys allowed next to `$ref`: annotations only. */
const REF_SIBLINGS = new Set(['$ref', 'description', 'title', 'default', 'examples', 'deprecated', 'readOnly', 'writeOnly']);

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
function eachNode(node: unknown, pointer: string, visit: (node: SchemaNode, pointer: string) => void): void {
  if (!isPlainObject(node)) return;
  visit(node, pointer);
  for (const key of ['items', 'additionalProperties']) {
    if (isPlainObject(node[key])) eachNode(node[key], `${pointer}/${key}`, visit);
  }
  for (const key of ['properties']) {
    const props = node[key];
    if (isPlainObject(props)) for (const [name, sub] of Object.entries(props)) eachNode(sub, `${pointer}/${key}/${esc(name)}`, visit);
  }
  for (const key of ['oneOf', 'anyOf', 'prefixItems']) {
    const list = node[key];
    if (Array.isArray(list)) list.forEach((sub, i) => eachNode(sub, `${pointer}/${key}/${i}`, visit));
  }
}

function esc(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Rewrites `file.yaml#/types/X` to `#/types/X` after checking that file defines X. */
function normaliseRefs(folder: LoadedFolder, schema: unknown, where: Where, problems: SchemaError[]): void {
  eachNode(schema, where.pointer, (node, pointer) => {
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

function collect(folder: LoadedFolder, parent: State | undefined, problems: SchemaError[]): State {
  const protocols = folder.files.filter((f) => f.data.protocol);
  if (protocols.length !== 1) {
    const file = protocols[1] ?? folder.files[0];
    const detail = protocols.length ? 'a second `protocol:` section (only one file may have it)' : 'no file has a `protocol:` section';
    if (file) problems.push(errorAt(file, protocols.length ? '/protocol' : '', detail));
    else problems.push(new SchemaError(folder.dir, 1, 1, '', 'no YAML files'));
    throw new SchemaErrors(problems);
  }
  const pfile = protocols[0]!;
  const own = pfile.data.protocol!;
  if (own['name'] !== folder.id) {
    problems.push(errorAt(pfile, '/protocol/name', `must equal the folder name "${folder.id}"`));
  }
  const info = parent ? { ...clone(parent.info), ...clone(own) } : clone(own);
  if (!parent) delete info['extends'];
  const state: State = {
    id: folder.id,
    info,
    infoWhere: { file: pfile, pointer: '/protocol' },
    types: new Map(parent ? [...parent.types].map(([k, v]) => [k, { ...v, value: clone(v.value) }]) : []),
    actions: new Map(parent ? [...parent.actions].map(([k, v]) => [k, { ...v, value: clone(v.value) }]) : []),
  };

  const ownTypes = new Map<string, Where>();
  const ownActions = new Map<string, Where>();
  for (const file of folder.files) {
    for (const [name, schema] of Object.entries(file.data.types ?? {})) {
      const where = { file, pointer: `/types/${name}` };
      const dup = ownTypes.get(name);
      if (dup) problems.push(errorAt(file, where.pointer, `type ${name} is also defined at ${dup.file.file}`, undefined));
      ownTypes.set(name, where);
      const value = clone(schema) as SchemaNode;
      normaliseRefs(folder, value, where, problems);
      state.types.set(name, { value, where, definedIn: folder.id });
    }
    for (const [name, action] of Object.entries(file.data.actions ?? {})) {
      const where = { file, pointer: `/actions/${esc(name)}` };
      const dup = ownActions.get(name);
      if (dup) problems.push(errorAt(file, where.pointer, `action ${name} is also defined at ${dup.file.file}`));
      ownActions.set(name, where);
      const value = clone(action);
      normaliseRefs(folder, value['params'], { file, pointer: `${where.pointer}/params` }, problems);
      normaliseRefs(folder, value['result'], { file, pointer: `${where.pointer}/result` }, problems);
      state.actions.set(name, { value, where, definedIn: folder.id });
    }
  }

  for (const file of folder.files) {
    const { patch, remove } = file.data;
    if ((patch || remove) && !parent) {
      problems.push(errorAt(file, patch ? '/patch' : '/remove', '`patch` and `remove` need `protocol.extends`'));
      continue;
    }
    for (const kind of ['types', 'actions'] as const) {
      const table = state[kind] as Map<string, Entry<unknown>>;
      for (const [name, p] of Object.entries(patch?.[kind] ?? {})) {
        const where = { file, pointer: `/patch/${kind}/${esc(name)}` };
        const entry = table.get(name);
        if (!entry) {
          problems.push(errorAt(file, where.pointer, `nothing to patch: ${parent!.id} has no ${kind === 'types' ? 'type' : 'action'} ${name}`));
          continue;
        }
        const patchValue = clone(p);
        if (kind === 'types') normaliseRefs(folder, patchValue, where, problems);
        else {
          const pv = patchValue as Record<string, unknown> | null;
          normaliseRefs(folder, pv?.['params'], { file, pointer: `${where.pointer}/params` }, problems);
          normaliseRefs(folder, pv?.['result'], { file, pointer: `${where.pointer}/result` }, problems);
        }
        if (patchValue === null) table.delete(name);
        else table.set(name, { value: mergePatch(entry.value, patchValue), where, definedIn: folder.id });
      }
      for (const [i, name] of (remove?.[kind] ?? []).entries()) {
        if (!table.delete(name)) problems.push(errorAt(file, `/remove/${kind}/${i}`, `nothing to remove: no ${name} in ${parent!.id}`));
      }
    }
  }
  return state;
}

function check(state: State, problems: SchemaError[]): Map<string, IRUnion> {
  const unions = new Map<string, IRUnion>();
  const visitSchema = (schema: unknown, where: Where) =>
    eachNode(schema, where.pointer, (node, pointer) => {
      const ref = node['$ref'];
      if (typeof ref === 'string') {
        const name = REF.exec(ref)?.[2];
        if (!name || !state.types.has(name)) problems.push(errorAt(where.file, `${pointer}/$ref`, `unknown type ${ref}`));
        // Emitters read a `$ref` node as the named type alone; a constraint beside it would be silently lost.
        const extra = Object.keys(node).filter((k) => !REF_SIBLINGS.has(k) && !k.startsWith('x-'));
        if (extra.length) {
          problems.push(errorAt(where.file, pointer, `\`$ref\` cannot be combined with ${extra.join(', ')}: define a named type with the constraint instead`));
        }
      }
      const required = node['required'];
      if (Array.isArray(required)) {
        const props = isPlainObject(node['properties']) ? node['properties'] : {};
        for (const [i, r] of required.entries()) {
          if (!(String(r) in props)) problems.push(errorAt(where.file, `${pointer}/required/${i}`, `required "${String(r)}" is not in properties`));
        }
      }
    });
  for (const entry of state.types.values()) visitSchema(entry.value, entry.where);
  for (const entry of state.actions.values()) {
    visitSchema(entry.value['params'], { ...entry.where, pointer: `${entry.where.pointer}/params` });
    visitSchema(entry.value['result'], { ...entry.where, pointer: `${entry.where.pointer}/result` });
  }
  if (problems.length) return unions;

  for (const [name, entry] of state.types) {
    const node = entry.value;
    const disc = node['discriminator'] as { propertyName: string } | undefined;
    if (!disc) continue;
    const at = (p: string, detail: string) => problems.push(errorAt(entry.where.file, `${entry.where.pointer}${p}`, detail));
    const oneOf = node['oneOf'];
    if (!Array.isArray(oneOf)) {
      at('/discriminator', '`discriminator` needs `oneOf` of `$ref`s');
      continue;
    }
    const union: IRUnion = { tag: disc.propertyName, variants: [], keep: node['x-unknown'] === 'keep', skip: node['x-unknown'] === 'skip' };
    oneOf.forEach((branch: SchemaNode, i) => {
      const variantName = REF.exec(String(branch['$ref'] ?? ''))?.[2];
      const variant = variantName ? state.types.get(variantName) : undefined;
      if (!variant || !variantName) return at(`/oneOf/${i}`, 'each branch of a tagged union must be a `$ref` to a named type');
      const tagSchema = (variant.value['properties'] as Record<string, SchemaNode> | undefined)?.[disc.propertyName];
      const tag = tagSchema?.['const'];
      if (typeof tag !== 'string') return at(`/oneOf/${i}`, `${variantName} needs properties.${disc.propertyName}.const (a string)`);
      if (!((variant.value['required'] as string[] | undefined) ?? []).includes(disc.propertyName)) {
        return at(`/oneOf/${i}`, `${variantName} must list "${disc.propertyName}" in required`);
      }
      if (union.variants.some((v) => v.tag === tag)) return at(`/oneOf/${i}`, `tag "${tag}" is used twice`);
      union.variants.push({ tag, type: variantName });
    });
    if (union.keep) {
      union.unknownType = `Unknown${name}`;
      if (state.types.has(union.unknownType)) at('', `type ${union.unknownType} is reserved for the unknown variant of ${name}`);
      if (union.variants.some((v) => v.tag === 'unknown')) at('', 'the tag "unknown" is reserved for unknown variants');
    }
    unions.set(name, union);
  }
  return unions;
}

function typeName(schema: unknown, fallback: string): string {
  if (isPlainObject(schema) && typeof schema['$ref'] === 'string' && Object.keys(schema).every((k) => k === '$ref' || k === 'description' || k.startsWith('x-'))) {
    return REF.exec(schema['$ref'])![2]!;
  }
  return fallback;
}

function expandActions(state: State, problems: SchemaError[]): IRAction[] {
  const variants = (state.info['action-variants'] as IRProtocolInfo['action-variants'] | undefined) ?? [];
  const rest = (state.info['transport'] as Record<string, unknown> | undefined)?.['rest'] === true;
  const out: IRAction[] = [];
  const names = new Set<string>();
  // A generated type name must stand for one schema: aliases and variants share their base's objects.
  const typeOwners = new Map<string, unknown>();
  const claim = (typeName: string, node: SchemaNode | null, wire: string, where: Where) => {
    if (node && REF.exec(String(node['$ref'] ?? ''))?.[2] === typeName) return;
    const identity = node ?? 'void'; // two actions without params/result may share the empty type
    if (state.types.has(typeName)) {
      problems.push(errorAt(where.file, where.pointer, `the generated type name ${typeName} (of ${wire}) clashes with the type of that name`));
    } else if (typeOwners.has(typeName) && typeOwners.get(typeName) !== identity) {
      problems.push(errorAt(where.file, where.pointer, `the generated type name ${typeName} (of ${wire}) is produced by two different actions`));
    }
    typeOwners.set(typeName, identity);
  };
  const add = (action: IRAction, where: Where) => {
    if (names.has(action.name)) problems.push(errorAt(where.file, where.pointer, `action name ${action.name} is produced twice`));
    names.add(action.name);
    claim(action.paramsType, action.params, action.name, where);
    claim(action.resultType, action.result, action.name, where);
    out.push(action);
  };
  for (const [name, entry] of state.actions) {
    const a = entry.value;
    if (rest && !a['http']) problems.push(errorAt(entry.where.file, entry.where.pointer, 'a REST protocol action needs `http: {method, path}`'));
    if (!rest && a['http']) problems.push(errorAt(entry.where.file, `${entry.where.pointer}/http`, '`http` needs `transport.rest: true`'));
    const base: IRAction = {
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
      params: (a['params'] as SchemaNode | undefined) ?? null,
      result: (a['result'] as SchemaNode | undefined) ?? null,
      http: a['http'] as IRAction['http'],
      paramsType: typeName(a['params'], `${pascal(name)}Params`),
      resultType: typeName(a['result'], `${pascal(name)}Result`),
    };
    add(base, entry.where);
    for (const alias of (a['aliases'] as string[] | undefined) ?? []) {
      add({ ...base, name: alias, aliasOf: name }, entry.where);
    }
    for (const [i, vname] of ((a['variants'] as string[] | undefined) ?? []).entries()) {
      const v = variants.find((x) => x.name === vname);
      if (!v) {
        problems.push(errorAt(entry.where.file, `${entry.where.pointer}/variants/${i}`, `no action variant "${vname}" in protocol.action-variants`));
        continue;
      }
      for (const wire of [name, ...((a['aliases'] as string[] | undefined) ?? [])]) {
        add(
          {
            ...base,
            name: wire + v.suffix,
            variantOf: { action: wire, variant: v.name },
            result: v.result === 'none' ? null : base.result,
            resultType: v.result === 'none' ? `${pascal(wire + v.suffix)}Result` : base.resultType,
          },
          entry.where,
        );
      }
    }
  }
  return out;
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
    const unions = check(state, local);
    const actions = local.length ? [] : expandActions(state, local);
    problems.push(...local);
    if (local.length) continue;
    const types = new Map<string, IRType>();
    for (const [name, entry] of state.types) types.set(name, { name, schema: entry.value, definedIn: entry.definedIn });
    out.push({ id: folder.id, info: toInfo(state), types, unions, actions, sourceDir: `${basename(dirname(folder.dir))}/${folder.id}` });
  }
  if (problems.length) throw new SchemaErrors(dedupe(problems));
  return out;
}

function dedupe(errors: SchemaError[]): SchemaError[] {
  const seen = new Set<string>();
  return errors.filter((e) => (seen.has(e.message) ? false : (seen.add(e.message), true)));
}
