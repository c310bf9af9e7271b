/**
 * The REST side: every action of the descriptor routed by its `rest` method + path template; path,
 * query and body (JSON or multipart) merged into params, checked with the generated validator, the
 * `Authorization` header checked against the token store. Failures answer `{code, message}`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { QqFailure, codeOf, type Retcode } from './codes.js';
import { resolve as resolveSchema, sample, type Schema } from '../../sample.js';

export interface RestAction {
  name: string;
  method: string;
  pattern: RegExp;
  pathKeys: string[];
  query: string[];
  body: 'json' | 'multipart' | undefined;
  check: ((value: unknown) => { path: string; message: string }[] | undefined) | undefined;
  paramsSchema: Schema | undefined;
  resultSchema: Schema | undefined;
  noResult: boolean;
  replyWindowMs: number | undefined;
}

interface DescriptorAction {
  params?: { check(v: unknown): { path?: string; message?: string }[] | undefined };
  noResult?: boolean;
  rest?: { method: string; path: string; query?: string[]; body?: 'json' | 'multipart' };
  replyWindowMs?: number;
}

export function restActions(actions: Record<string, DescriptorAction>, json: { actions: Record<string, { params?: Schema | null; result?: Schema | null }> }): RestAction[] {
  const out: RestAction[] = [];
  for (const [name, a] of Object.entries(actions)) {
    if (!a.rest) continue;
    const pathKeys: string[] = [];
    const source = a.rest.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{(\w+)\\?\}|\{(\w+)\}/g, (_m, k1: string, k2: string) => {
      pathKeys.push(k1 ?? k2);
      return '([^/]+)';
    });
    const params = a.params;
    out.push({
      name,
      method: a.rest.method,
      pattern: new RegExp(`^${source}$`),
      pathKeys,
      query: a.rest.query ?? [],
      body: a.rest.body ?? (a.rest.method === 'GET' ? undefined : 'json'),
      check: params ? (v) => params.check(v)?.map((i) => ({ path: i.path ?? '', message: i.message ?? 'invalid' })) : undefined,
      paramsSchema: json.actions[name]?.params ?? undefined,
      resultSchema: json.actions[name]?.result ?? undefined,
      noResult: a.noResult === true,
      replyWindowMs: a.replyWindowMs,
    });
  }
  // Literal paths before templated ones (`/users/@me/dms` before any `{id}` that could match it).
  return out.sort((x, y) => x.pathKeys.length - y.pathKeys.length);
}

/** The action a request is for; a multipart body picks the multipart variant of a shared path. */
export function route(actions: readonly RestAction[], method: string, path: string, contentType: string): { action: RestAction; pathParams: Record<string, string> } | undefined {
  const multipart = contentType.startsWith('multipart/form-data');
  let fallback: { action: RestAction; pathParams: Record<string, string> } | undefined;
  for (const action of actions) {
    if (action.method !== method) continue;
    const m = action.pattern.exec(path);
    if (!m) continue;
    const pathParams = Object.fromEntries(action.pathKeys.map((k, i) => [k, decodeURIComponent(m[i + 1]!)]));
    if ((action.body === 'multipart') === multipart) return { action, pathParams };
    fallback ??= { action, pathParams };
  }
  return fallback;
}

/** A query or path string as the type the params schema gives the property. */
function coerce(value: string, schema: Schema | undefined, defs: Record<string, Schema>): unknown {
  const prop = schema ? resolveSchema(schema, defs) : undefined;
  const type = Array.isArray(prop?.['type']) ? (prop!['type'] as string[])[0] : prop?.['type'];
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

export async function readParams(req: IncomingMessage, body: Buffer, action: RestAction, pathParams: Record<string, string>, url: URL, defs: Record<string, Schema>, retcodes: readonly Retcode[]): Promise<Record<string, unknown>> {
  const props = ((action.paramsSchema ? resolveSchema(action.paramsSchema, defs) : {})['properties'] ?? {}) as Record<string, Schema>;
  const params: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(pathParams)) params[k] = coerce(v, props[k], defs);
  for (const k of action.query) {
    const v = url.searchParams.get(k);
    if (v !== null) params[k] = coerce(v, props[k], defs);
  }
  const bad = (message: string) => new QqFailure(400, codeOf(retcodes, 'INVALID_FORM_BODY'), message);
  if (body.length > 0 && action.body === 'json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw bad('the body is not JSON');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw bad('the body is not a JSON object');
    Object.assign(params, parsed);
  } else if (body.length > 0 && action.body === 'multipart') {
    // The platform's own multipart parser stands in: undici's Response.formData.
    const form = await new Response(body, { headers: { 'content-type': String(req.headers['content-type']) } }).formData().catch(() => {
      throw bad('form-data 内容异常');
    });
    for (const [k, v] of form) {
      if (typeof v === 'string') params[k] = props[k] && resolveSchema(props[k]!, defs)['type'] !== 'string' && /^[[{]/.test(v) ? JSON.parse(v) : coerce(v, props[k], defs);
      else params[k] = new Uint8Array(await v.arrayBuffer());
    }
  }
  const issues = action.check?.(params);
  if (issues?.length) throw bad(issues.map((i) => `${i.path || '/'}: ${i.message}`).join('; '));
  return params;
}

export function sampleResult(action: RestAction, defs: Record<string, Schema>): unknown {
  return action.resultSchema ? sample(action.resultSchema, defs) : undefined;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  if (body === undefined) {
    res.writeHead(status === 200 ? 204 : status, headers);
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
