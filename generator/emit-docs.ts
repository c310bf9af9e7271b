/** Emitter: generated/<protocol>/README.md, one table per action like the seeds, then every type. */
import { actionTypeNames, isInt64, refName, type Facts } from './analyze.js';
import type { Artifact, EmitContext } from './emit.js';
import type { IRProtocol, SchemaNode } from './ir.js';
import { factoryName, methodNames } from './naming.js';
import { render } from './templates.js';

const anchor = (name: string) => name.toLowerCase();

export function docType(node: SchemaNode): string {
  const ref = refName(node);
  if (ref) return `[${ref}](#${anchor(ref)})`;
  if (node['const'] !== undefined) return JSON.stringify(node['const']);
  if (Array.isArray(node['enum'])) return (node['enum'] as unknown[]).map((v) => JSON.stringify(v)).join(' | ');
  const alts = (node['oneOf'] ?? node['anyOf']) as SchemaNode[] | undefined;
  if (alts) return alts.map(docType).join(' | ');
  if (node['format'] === 'binary') return node['contentMediaType'] ? `binary (${String(node['contentMediaType'])})` : 'binary';
  const t = node['type'];
  const types = (Array.isArray(t) ? t : t === undefined ? ['any'] : [t]) as string[];
  return types
    .map((type) => {
      if (type === 'array') return `Array<${node['items'] ? docType(node['items'] as SchemaNode) : 'any'}>`;
      if (type === 'integer') return isInt64(node) ? 'int64' : typeof node['format'] === 'string' ? String(node['format']) : 'integer';
      if (type === 'number' && typeof node['format'] === 'string') return String(node['format']);
      return type;
    })
    .join(' | ');
}

function describe(node: SchemaNode, optional: boolean): string {
  const parts: string[] = [];
  if (node['description']) parts.push(String(node['description']));
  if (node['x-description-en']) parts.push(String(node['x-description-en']));
  if (node['x-unit']) parts.push(`(${node['x-unit'] === 's' ? 'seconds' : 'milliseconds'})`);
  if (node['default'] !== undefined) parts.push(`默认值 default: \`${JSON.stringify(node['default'])}\``);
  else if (optional) parts.push('**可选 optional**');
  if (node['x-in'] === 'query') parts.push('(query)');
  if (node['x-since']) parts.push(`since ${String(node['x-since'])}`);
  if (node['x-removed-in']) parts.push(`removed in ${String(node['x-removed-in'])}`);
  if (node['deprecated']) parts.push('**deprecated**');
  if (node['x-divergence']) parts.push(`Divergence: ${String(node['x-divergence'])}`);
  return parts.join(' ');
}

function fields(node: SchemaNode | null): { name: string; type: string; description: string }[] {
  const props = node?.['properties'] as Record<string, SchemaNode> | undefined;
  if (!props) return [];
  const required = new Set((node!['required'] as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, p]) => ({ name, type: docType(p), description: describe(p, !required.has(name)) }));
}

export function emitDocs(p: IRProtocol, facts: Facts, ctx: EmitContext, templatesDir: URL): Artifact[] {
  const info = p.info;
  const auth = info.auth as Record<string, unknown>;
  const transport = info.transport as Record<string, Record<string, unknown> | boolean | undefined>;
  const envelope = info.envelope as Record<string, unknown>;
  const factsRows: [string, string][] = [];
  if (info.extends) factsRows.push(['Extends', `\`${info.extends}\``]);
  const http = transport['http'] as Record<string, unknown> | undefined;
  if (http) factsRows.push(['HTTP', `\`POST ${String(http['path'])}\` (body: ${http['body'] === 'frame' ? '`{action, params}`' : 'params'})`]);
  if (transport['ws']) factsRows.push(['WebSocket', 'frames `{action, params, echo}`, responses matched by `echo`']);
  if (transport['reverse-ws']) factsRows.push(['Reverse WebSocket', 'supported']);
  if (transport['rest']) factsRows.push(['REST', 'each action has its HTTP method and path']);
  if (auth['header']) factsRows.push(['Auth', `\`${String(auth['header'])}: ${auth['scheme'] ? `${String(auth['scheme'])} ` : ''}<token>\`${auth['query'] ? ` or \`?${String(auth['query'])}=\`` : ''}`]);
  factsRows.push(['Envelope', envelope['kind'] === 'retcode' ? `\`{${[envelope['status-field'], envelope['retcode-field'], envelope['data-field'], ...((envelope['message-fields'] as string[]) ?? [])].filter(Boolean).join(', ')}}\`` : 'none (the body is the result)']);
  if (info.source) factsRows.push(['Source', info.source]);

  const methods = methodNames(p.actions);
  const byCategory = new Map<string, object[]>();
  for (const a of p.actions) {
    const method = methods.get(a.name)!;
    const names = actionTypeNames(a, facts);
    const notes: string[] = [];
    if (a.http) notes.push(`\`${a.http.method} ${a.http.path}\`${a.http.body === 'multipart' ? ' (multipart/form-data)' : a.http.body === 'json' && a.http.method === 'DELETE' ? ' (JSON body)' : ''}`);
    if (a.aliasOf) notes.push(`Alias of \`${a.aliasOf}\`.`);
    if (a.variantOf) notes.push(`\`${a.variantOf.variant}\` variant of \`${a.variantOf.action}\`.`);
    if (a.since) notes.push(`Since ${a.since}.`);
    if (a.removedIn) notes.push(`Removed in ${a.removedIn}.`);
    if (a.extension) notes.push('Extension: not part of the released specification.');
    if (a.deprecated) notes.push('Deprecated.');
    if (a.divergence) notes.push(`Divergence: ${a.divergence}`);
    const list = byCategory.get(a.category ?? '') ?? [];
    list.push({
      wire: a.name,
      summary: a.summary,
      summaryEn: a.summaryEn,
      method,
      notes,
      params: fields(a.params),
      result: fields(a.result),
      paramsNote: a.params ? `[${names.params}](#${anchor(refName(a.params) ?? names.params)})` : '此 API 无参数。No params.',
      resultNote: a.result ? `[${names.result}](#${anchor(refName(a.result) ?? names.result)})` : '此 API 无返回值。No result.',
    });
    byCategory.set(a.category ?? '', list);
  }
  const types = [...p.types.values()].map((t) => {
    const union = p.unions.get(t.name);
    const f = fields(t.schema);
    return {
      name: t.name,
      description: describe(t.schema, false),
      tag: union?.tag,
      keep: union?.keep ?? false,
      variants: union ? union.variants.map((v) => ({ ...v, anchor: anchor(v.type) })) : [],
      fields: f,
      alias: !union && !f.length ? docType(t.schema) : undefined,
    };
  });
  const content = render(templatesDir, 'README.md.hbs', {
    header: ctx.header.replace(/^\/\/ /, ''),
    title: info.title,
    version: info.version,
    description: info.description,
    name: p.id,
    factory: factoryName(p.id),
    facts: factsRows,
    retcodes: info.retcodes,
    retcodeRanges: info['retcode-ranges'],
    categories: [...byCategory].map(([name, actions]) => ({ name, actions })),
    types,
  });
  return [{ path: 'README.md', content }];
}
