/**
 * Emitter: client.js / client.d.ts / index.js / index.d.ts from the handlebars templates in
 * templates/. The JS builds the runtime descriptor (validators, plans, envelope) from the IR; the
 * .d.ts gives one typed method per action.
 */
import { actionTypeNames } from './analyze.js';
import { actionJsdoc } from './docs.js';
import { titleWithVersion, type Artifact, type Emitter, type EmitInput } from './emit.js';
import { jsJson } from './escape.js';
import type { Node } from './node.js';
import { camelizeKeys, eventHubFactoryName, factoryName, methodNames, pascal } from './naming.js';
import { cqKinds } from './cq-kinds.js';
import { buildPlans } from './plans.js';
import { render } from './templates.js';

function hasRequired(node: Node | null): boolean {
  return node?.kind === 'object' && node.props.some((p) => p.required);
}

function queryParams(node: Node | null): string[] {
  return node?.kind === 'object' ? node.props.filter((p) => p.node.doc.in === 'query').map((p) => p.name) : [];
}

function emitClient({ protocol: p, facts, ctx }: EmitInput): Artifact[] {
  const plans = buildPlans(p, facts);
  const methods = methodNames(p.actions);
  const withI64 = (n: string) => (ctx.i64Names.has(n) ? `${n}<I64>` : n);
  const actions = p.actions.map((a) => {
    const names = actionTypeNames(a, facts);
    const query = queryParams(a.params);
    const paramsPlan = plans.action(a.params);
    const resultPlan = plans.action(a.result);
    const rest = a.http ? { ...a.http, ...(query.length ? { query } : {}) } : undefined;
    // One descriptor entry per action: validators by reference, the rest as JSON data.
    const entry = [
      a.params ? `params: v.${names.params}` : undefined,
      a.result ? `result: v.${names.result}` : 'noResult: true',
      paramsPlan ? `paramsPlan: ${jsJson(paramsPlan)}` : undefined,
      resultPlan ? `resultPlan: ${jsJson(resultPlan)}` : undefined,
      rest ? `rest: ${jsJson(rest)}` : undefined,
      a.replyWindowSeconds !== undefined ? `replyWindowMs: ${a.replyWindowSeconds * 1000}` : undefined,
    ].filter(Boolean);
    return {
      entry: `{ ${entry.join(', ')} }`,
      wire: a.name,
      method: methods.get(a.name)!,
      doc: actionJsdoc(a),
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
    titleVersion: titleWithVersion(info.title, info.version),
    version: info.version,
    transport: camelizeKeys(info.transport),
    auth: camelizeKeys(info.auth),
    envelope: camelizeKeys(info.envelope),
    retcodes: codes(info.retcodes, 'code'),
    retcodeRanges: info['retcode-ranges'].map((r) => ({ from: r.from, to: r.to, name: r.name, ...(r.description ? { description: r.description } : {}) })),
    httpStatus: codes(info['http-status'], 'status'),
    baseUrls: info['base-urls'],
    encodings: (info.encodings ?? ['json']).map((e) => `'${e}'`).join(' | '),
    botSelf: info['bot-self'] === true,
    cqKinds: cqKinds(p),
    actions,
    plans: plans.defs,
    factory: factoryName(p.id),
    clientName: `${pascal(p.id)}Client`,
    eventHub: p.events.length ? eventHubFactoryName(p.id) : undefined,
    eventHubOptions: p.events.length ? eventHubFactoryName(p.id).replace(/^create/, '') + 'Options' : undefined,
  };
  return ['client.js', 'client.d.ts', 'index.js', 'index.d.ts'].map((path) => ({ path, content: render(ctx.templatesDir, `${path}.hbs`, context) }));
}

export const clientEmitter: Emitter = { name: 'client', emit: emitClient };
