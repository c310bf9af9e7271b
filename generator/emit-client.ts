/**
 * Emitter: client.js / client.d.ts / index.js / index.d.ts from the handlebars templates in
 * templates/. The JS builds the runtime descriptor (validators, plans, envelope) from the IR; the
 * .d.ts gives one typed method per action.
 */
import { actionTypeNames, type Facts } from './analyze.js';
import type { Artifact, EmitContext } from './emit.js';
import { actionDoc } from './emit-types.js';
import type { IRProtocol, SchemaNode } from './ir.js';
import { factoryName, methodNames, pascal } from './naming.js';
import { buildPlans } from './plans.js';
import { render } from './templates.js';

function camelKey(key: string): string {
  return key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Protocol YAML uses kebab-case keys; the runtime descriptor uses camelCase. */
function camelize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelize);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [camelKey(k), camelize(v)]));
}

function hasRequired(node: SchemaNode | null): boolean {
  return !!node && Array.isArray(node['required']) && (node['required'] as unknown[]).length > 0;
}

function queryParams(node: SchemaNode | null): string[] {
  const props = (node?.['properties'] ?? {}) as Record<string, SchemaNode>;
  return Object.entries(props)
    .filter(([, p]) => p['x-in'] === 'query')
    .map(([name]) => name);
}

export function emitClient(p: IRProtocol, facts: Facts, ctx: EmitContext, templatesDir: URL): Artifact[] {
  const plans = buildPlans(p);
  const methods = methodNames(p.actions);
  const withI64 = (n: string) => (ctx.i64Names.has(n) ? `${n}<I64>` : n);
  const actions = p.actions.map((a) => {
    const names = actionTypeNames(a, facts);
    const method = methods.get(a.name)!;
    const query = queryParams(a.params);
    const paramsPlan = plans.action(a.params);
    const resultPlan = plans.action(a.result);
    const rest = a.http ? { ...a.http, ...(query.length ? { query } : {}) } : undefined;
    // One descriptor entry per action: validators by reference, the rest as JSON data.
    const entry = [
      a.params ? `params: v.${names.params}` : undefined,
      a.result ? `result: v.${names.result}` : 'noResult: true',
      paramsPlan ? `paramsPlan: ${JSON.stringify(paramsPlan)}` : undefined,
      resultPlan ? `resultPlan: ${JSON.stringify(resultPlan)}` : undefined,
      rest ? `rest: ${JSON.stringify(rest)}` : undefined,
    ].filter(Boolean);
    return {
      entry: `{ ${entry.join(', ')} }`,
      wire: a.name,
      method,
      doc: actionDoc(a),
      paramsType: withI64(names.params),
      resultType: withI64(names.result),
      optionalParams: !hasRequired(a.params),
    };
  });
  const info = p.info;
  const codes = <T extends { name: string; description?: string }>(list: T[], key: keyof T) =>
    Object.fromEntries(list.map((c) => [String(c[key]), { name: c.name, ...(c.description ? { description: c.description } : {}) }]));
  const context = {
    header: ctx.header,
    name: p.id,
    title: info.title,
    version: info.version,
    transport: camelize(info.transport),
    auth: camelize(info.auth),
    envelope: camelize(info.envelope),
    retcodes: codes(info.retcodes, 'code'),
    retcodeRanges: info['retcode-ranges'].map((r) => ({ from: r.from, to: r.to, name: r.name, ...(r.description ? { description: r.description } : {}) })),
    httpStatus: codes(info['http-status'], 'status'),
    actions,
    plans: plans.defs,
    factory: factoryName(p.id),
    clientName: `${pascal(p.id)}Client`,
  };
  return [
    { path: 'client.js', content: render(templatesDir, 'client.js.hbs', context) },
    { path: 'client.d.ts', content: render(templatesDir, 'client.d.ts.hbs', context) },
    { path: 'index.js', content: render(templatesDir, 'index.js.hbs', context) },
    { path: 'index.d.ts', content: render(templatesDir, 'index.d.ts.hbs', context) },
  ];
}
