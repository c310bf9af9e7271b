/**
 * HTTP transport for RPC protocols (`POST {base}/api/{action}`, `POST {base}/` with a frame) and REST
 * protocols (method + path template per action). On Node it uses an undici Pool with keep-alive; pass
 * `fetch` to run anywhere else.
 */
import type { Pool } from 'undici';
import type { AuthProvider } from './auth.js';
import { NetworkError, redact } from './errors.js';
import { parseJson, stringifyJson } from './json.js';
import { codecFor, type BotSelf, type WsEncoding } from './ws-channel.js';
import type { AbortSignalLike, RestBinding, Transport, TransportInfo, TransportRequest, TransportResponse } from './transport.js';

/** The subset of WHATWG fetch the transport needs. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string | Uint8Array | undefined; signal?: AbortSignalLike | undefined },
) => Promise<{
  status: number;
  headers: { forEach(cb: (value: string, key: string) => void): void };
  text(): Promise<string>;
  /** Needed only with `encoding: 'msgpack'`. */
  arrayBuffer?(): Promise<ArrayBuffer>;
}>;

export interface HttpTransportOptions {
  protocol: string;
  baseUrl: string;
  info: TransportInfo;
  auth: AuthProvider;
  /** Extra headers on every request. */
  headers?: Record<string, string> | undefined;
  /** Use this instead of undici (browsers, Deno, Bun, tests). */
  fetch?: FetchLike | undefined;
  /** Keep-alive connections per origin (undici only). Default 16. */
  connections?: number | undefined;
  /** Frame bodies (`body: frame`): the `self` every frame carries (OneBot 12 multi-bot servers). */
  self?: BotSelf | undefined;
  /** `msgpack`: request and response bodies are MessagePack (`application/msgpack`). Default `json`. */
  encoding?: WsEncoding | undefined;
}

interface WireRequest {
  method: string;
  path: string;
  /** The JSON-shaped body; encoded by the transport's codec. */
  body: Record<string, unknown> | undefined;
}

function expandPath(template: string, params: Record<string, unknown>, used: Set<string>): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    used.add(name);
    const value = params[name];
    if (value === undefined || value === null) throw new TypeError(`path parameter "${name}" is missing`);
    return encodeURIComponent(String(value));
  });
}

function queryString(entries: Record<string, unknown>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(entries)) if (v !== undefined && v !== null) q.append(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

function restRequest(binding: RestBinding, params: Record<string, unknown> = {}): WireRequest {
  const used = new Set<string>();
  const path = expandPath(binding.path, params, used);
  const query: Record<string, unknown> = {};
  for (const name of binding.query ?? []) {
    used.add(name);
    query[name] = params[name];
  }
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) if (!used.has(k)) rest[k] = v;
  const hasBody = binding.method !== 'GET' && binding.method !== 'DELETE';
  return { method: binding.method, path: path + queryString(query), body: hasBody ? rest : undefined };
}

function rpcRequest(info: NonNullable<TransportInfo['http']>, req: TransportRequest, self: BotSelf | undefined): WireRequest {
  const params = req.params ?? {};
  if (info.body === 'frame') {
    return { method: 'POST', path: info.path, body: self ? { action: req.action, params, self } : { action: req.action, params } };
  }
  // Milky requires `{}` for an action without params; OneBot accepts it.
  return { method: 'POST', path: info.path.replace('{action}', encodeURIComponent(req.action)), body: params };
}

export function createHttpTransport(options: HttpTransportOptions): Transport {
  const base = new URL(options.baseUrl);
  const prefix = base.pathname.replace(/\/$/, '');
  // undici is imported on the first request, so importing a client costs nothing until it is used.
  let pool: Promise<Pool> | undefined;
  const getPool = () => (pool ??= import('undici').then((u) => new u.Pool(base.origin, { connections: options.connections ?? 16, pipelining: 1 })));

  function wire(req: TransportRequest): WireRequest {
    if (req.rest) return restRequest(req.rest, req.params);
    if (!options.info.http) throw new TypeError(`${options.protocol} has no HTTP RPC binding`);
    return rpcRequest(options.info.http, req, options.self);
  }

  const msgpack = options.encoding === 'msgpack' ? codecFor('msgpack') : undefined;
  const contentType = msgpack ? 'application/msgpack' : 'application/json';

  /** `body` is text, or bytes when MessagePack was asked for (the server may still answer JSON). */
  function decode(status: number, headers: Record<string, string>, body: string | Buffer): TransportResponse {
    if (msgpack && typeof body !== 'string' && body.length && (headers['content-type'] ?? '').includes('msgpack')) {
      return { status, headers, ...msgpack.decode(body, true) };
    }
    const raw = typeof body === 'string' ? body : body.toString('utf8');
    return { status, headers, raw, body: parseBody(raw) };
  }

  async function send(w: WireRequest, signal: AbortSignalLike): Promise<TransportResponse> {
    const authQuery = new URLSearchParams(options.auth.query()).toString();
    const path = prefix + w.path + (authQuery ? (w.path.includes('?') ? '&' : '?') + authQuery : '');
    const headers: Record<string, string> = {
      accept: contentType,
      ...options.headers,
      ...(await options.auth.headers(signal)),
    };
    if (msgpack) await msgpack.ready?.();
    const body = w.body === undefined ? undefined : msgpack ? msgpack.encode(w.body) : stringifyJson(w.body);
    if (body !== undefined) headers['content-type'] = contentType;
    try {
      if (!options.fetch) {
        const res = await (await getPool()).request({ method: w.method as 'POST', path, headers, body, signal: signal as never });
        const bytes = msgpack ? Buffer.from(await res.body.arrayBuffer()) : await res.body.text();
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
        return decode(res.statusCode, out, bytes);
      }
      const res = await options.fetch!(base.origin + path, { method: w.method, headers, body, signal });
      const bytes = msgpack && res.arrayBuffer ? Buffer.from(await res.arrayBuffer()) : await res.text();
      const out: Record<string, string> = {};
      res.headers.forEach((v, k) => (out[k.toLowerCase()] = v));
      return decode(res.status, out, bytes);
    } catch (error) {
      if (signal.aborted) throw error; // the core reports timeout/abort itself
      const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new NetworkError({ protocol: options.protocol }, redact(`cannot reach ${base.origin}: ${detail}`, options.auth.secrets()), {
        cause: error,
      });
    }
  }

  return {
    kind: 'http',
    async request(req) {
      const w = wire(req);
      const res = await send(w, req.signal);
      if (res.status === 401 && options.auth.refresh && (await options.auth.refresh())) {
        return send(w, req.signal);
      }
      return res;
    },
    async close() {
      if (pool) await (await pool).close();
    },
  };
}

function parseBody(raw: string): unknown {
  if (!raw) return undefined;
  try {
    return parseJson(raw);
  } catch {
    return undefined;
  }
}
