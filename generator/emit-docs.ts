/**
 * Emitter: generated/<protocol>/README.md: a table of contents by category, one section per action
 * like the seeds (REST path / query / body params apart), one section per event (grouped by the first
 * part of its name), then every type with its fields, nested
 * object fields (a segment's `data`) included.
 */
import { actionTypeNames, type Facts } from './analyze.js';
import { actionNotes, isDeprecated, nodeMarkdown } from './docs.js';
import { titleWithVersion, type Artifact, type Emitter, type EmitInput } from './emit.js';
import { mdCode, singleQuoted } from './escape.js';
import type { IRAction, IREvent, IRProtocol } from './ir.js';
import { walk, type Node, type Visitor } from './node.js';
import { eventHubFactoryName, factoryName, methodNames } from './naming.js';
import { render } from './templates.js';

const anchor = (name: string) => name.toLowerCase();
const link = (name: string) => `[${name}](#${anchor(name)})`;

const DOC_TYPE: Visitor<string> = {
  ref: (n) => link(n.name),
  any: () => 'any',
  binary: (n) => (n.mediaType ? `binary (${mdCode(n.mediaType)})` : 'binary'),
  literal: (n) => n.values.map((v) => mdCode(JSON.stringify(v))).join(' \\| '),
  scalar: (n) => {
    const t = n.types.map((type) => (type === 'integer' ? (n.int64 ? 'int64' : (n.format ?? 'integer')) : type === 'number' && n.format ? n.format : type));
    return [...t, ...(n.nullable ? ['null'] : [])].join(' \\| ');
  },
  union: (n) => n.variants.map((v) => link(v.type)).join(' \\| '),
  alt: (n, sub) => n.options.map(sub).join(' \\| '),
  array: (n, sub) => `Array<${n.items ? sub(n.items) : 'any'}>${n.nullable ? ' \\| null' : ''}`,
  tuple: (n, sub) => `[${n.items.map(sub).join(', ')}${n.rest === false ? '' : ', …'}]`,
  object: (n, sub) => (typeof n.additional === 'object' ? `Record<string, ${sub(n.additional)}>` : 'object') + (n.nullable ? ' \\| null' : ''),
};

/** The Markdown type of a node: links to named types, `\|` already escaped for a table cell. */
export function docType(node: Node): string {
  return walk(node, DOC_TYPE);
}

export interface FieldRow {
  name: string;
  type: string;
  description: string;
}

/** Rows of an object's fields; an inline object field (a segment's `data`) adds its own fields as `data.x`. */
export function fieldRows(node: Node | null, prefix = ''): FieldRow[] {
  if (node?.kind !== 'object') return [];
  return node.props.flatMap((p) => [
    { name: prefix + p.name, type: docType(p.node), description: nodeMarkdown(p.node.doc, !p.required) },
    ...fieldRows(p.node, `${prefix}${p.name}.`),
  ]);
}

/** REST actions: path, query and body params in separate tables; everything else one table. */
function paramGroups(a: IRAction): { title: string; rows: FieldRow[] }[] {
  const all = fieldRows(a.params);
  if (!a.http || a.params?.kind !== 'object') return all.length ? [{ title: '', rows: all }] : [];
  const where = (name: string) => {
    const top = name.split('.')[0]!;
    const prop = (a.params as Extract<Node, { kind: 'object' }>).props.find((p) => p.name === top);
    return prop?.node.doc.in ?? (a.http!.path.includes(`{${top}}`) ? 'path' : 'body');
  };
  const titles = { path: '路径参数 Path params', query: '查询参数 Query params', body: '请求体 Body' } as const;
  return (['path', 'query', 'body'] as const)
    .map((k) => ({ title: titles[k], rows: all.filter((r) => where(r.name) === k) }))
    .filter((g) => g.rows.length);
}

function actionSection(a: IRAction, method: string, facts: Facts) {
  const names = actionTypeNames(a, facts);
  const notes: string[] = [];
  if (a.http) {
    const body = a.http.body === 'multipart' ? ' (multipart/form-data)' : a.http.body === 'json' && a.http.method === 'DELETE' ? ' (JSON body)' : '';
    notes.push(mdCode(`${a.http.method} ${a.http.path}`) + body);
  }
  notes.push(...actionNotes(a));
  if (a.since) notes.push(`Since ${a.since}.`);
  if (isDeprecated(a)) notes.push('**Deprecated.**');
  if (a.divergence) notes.push(`Divergence: ${a.divergence}`);
  return {
    wire: a.name,
    wireCode: mdCode(a.name),
    anchor: `action-${a.name.replace(/[^A-Za-z0-9_-]/g, '-')}`,
    summary: a.summary,
    summaryEn: a.summaryEn,
    deprecated: isDeprecated(a),
    method,
    notes,
    paramGroups: paramGroups(a),
    result: fieldRows(a.result),
    paramsNote: a.params ? link(a.params.kind === 'ref' ? a.params.name : names.params) : '此 API 无参数。No params.',
    resultNote: a.result ? link(a.result.kind === 'ref' ? a.result.name : names.result) : '此 API 无返回值。No result.',
  };
}

function factsRows(p: IRProtocol): [string, string][] {
  const { info } = p;
  const auth = info.auth;
  const transport = info.transport as Record<string, Record<string, unknown> | boolean | undefined>;
  const envelope = info.envelope;
  const rows: [string, string][] = [];
  if (info.extends) rows.push(['Extends', mdCode(info.extends)]);
  const http = transport['http'] as Record<string, unknown> | undefined;
  if (http) rows.push(['HTTP', `${mdCode(`POST ${String(http['path'])}`)} (body: ${http['body'] === 'frame' ? '`{action, params}`' : 'params'})`]);
  if (transport['ws']) rows.push(['WebSocket', 'frames `{action, params, echo}`, responses matched by `echo`']);
  if (transport['reverse-ws']) rows.push(['Reverse WebSocket', 'supported']);
  if (transport['rest']) rows.push(['REST', 'each action has its HTTP method and path']);
  if (auth['header']) {
    const scheme = auth['scheme'] ? `${String(auth['scheme'])} ` : '';
    rows.push(['Auth', `${mdCode(`${String(auth['header'])}: ${scheme}<token>`)}${auth['query'] ? ` or ${mdCode(`?${String(auth['query'])}=`)}` : ''}`]);
  }
  const fields = [envelope['status-field'], envelope['retcode-field'], envelope['data-field'], ...((envelope['message-fields'] as string[]) ?? [])].filter(Boolean);
  rows.push(['Envelope', envelope['kind'] === 'retcode' ? mdCode(`{${fields.join(', ')}}`) : 'none (the body is the result)']);
  if (info.source) rows.push(['Source', info.source]);
  return rows;
}

function typeSection(p: IRProtocol, name: string, node: Node) {
  const union = node.kind === 'union' ? node : undefined;
  const fields = fieldRows(node);
  return {
    name,
    description: nodeMarkdown(node.doc, false),
    tag: union?.tag,
    keep: union?.unknown === 'keep',
    variants: union ? union.variants.map((v) => ({ tag: mdCode(v.tag), link: link(v.type) })) : [],
    fields,
    alias: !union && !fields.length ? docType(node) : undefined,
  };
}

/** One event's section: its name, what the leaf type says, how to listen, its fields. */
function eventSection(p: IRProtocol, e: IREvent) {
  const node = p.types.get(e.type)!.node;
  return {
    nameCode: mdCode(e.name),
    anchor: `event-${e.name.replace(/[^A-Za-z0-9_-]/g, '-')}`,
    description: nodeMarkdown(node.doc, false),
    listen: mdCode(`hub.on(${singleQuoted(e.name)}, (e) => …)`),
    link: link(e.type),
    fields: fieldRows(node),
  };
}

/** Events grouped by the first part of their name (`message`, `notice`…); one-part names form one group. */
function eventGroups(p: IRProtocol) {
  const groups = new Map<string, ReturnType<typeof eventSection>[]>();
  for (const e of p.events) {
    const key = e.name.includes('.') ? e.name.slice(0, e.name.indexOf('.')) : '';
    groups.set(key, [...(groups.get(key) ?? []), eventSection(p, e)]);
  }
  return [...groups].map(([name, events]) => ({ name: name ? mdCode(name) : '', events }));
}

function emitDocs({ protocol: p, facts, ctx }: EmitInput): Artifact[] {
  const methods = methodNames(p.actions);
  const byCategory = new Map<string, ReturnType<typeof actionSection>[]>();
  for (const a of p.actions) {
    const list = byCategory.get(a.category ?? '') ?? [];
    list.push(actionSection(a, methods.get(a.name)!, facts));
    byCategory.set(a.category ?? '', list);
  }
  const content = render(ctx.templatesDir, 'README.md.hbs', {
    header: ctx.header.replace(/^\/\/ /, ''),
    heading: titleWithVersion(p.info.title, p.info.version),
    description: p.info.description,
    name: p.id,
    factory: factoryName(p.id),
    facts: factsRows(p),
    retcodes: p.info.retcodes,
    retcodeRanges: p.info['retcode-ranges'],
    categories: [...byCategory].map(([name, actions]) => ({ name, actions })),
    eventGroups: eventGroups(p),
    eventHub: p.events.length ? eventHubFactoryName(p.id) : undefined,
    types: [...p.types.values()].map((t) => typeSection(p, t.name, t.node)),
  });
  return [{ path: 'README.md', content }];
}

export const docsEmitter: Emitter = { name: 'docs', emit: emitDocs };
