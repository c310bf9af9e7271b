/**
 * HTTP transport for RPC protocols (`POST {base}/api/{action}`, `POST {base}/` with a frame) and REST
 * protocols (method + path template per action). On Node it uses an undici Pool with keep-alive; pass
 * `fetch` to run anywhere else.
 */
import { nativeSignal } from './call-signal.js';
import type { Pool } from 'undici';
import type { AuthProvider } from './auth.js';
import { NetworkError, ResponseTooLargeError, redactError } from './errors.js';
import { parseJson, stringifyJson } from './json.js';
import { encodeMultipart } from './multipart.js';
import { codecFor, type BotSelf, type WsEncoding } from './ws-channel.js';
import type { AbortSignalLike, RestBinding, Transport, TransportInfo, TransportRequest, TransportResponse } from './transport.js';

/**
 * The runtime's own `AbortSignal` type when its lib declares one (DOM or @types/node), so a real
 * `fetch` is assignable to `FetchLike`; `AbortSignalLike` otherwise.
 */
type NativeAbortSignal = typeof globalThis extends { AbortSignal: { prototype: infer S } } ? S : AbortSignalLike;

/** A streamed response body (`Response.body`): read chunk by chunk so a size cap holds while reading. */
export interface BodyStreamLike {
  getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array | undefined }>; cancel(reason?: unknown): Promise<void> };
}

/** The subset of WHATWG fetch the transport needs; `globalThis.fetch` is one. */
export type FetchLike = (
  url: string,
  // No `| undefined` on the optional keys: `fetch` must stay assignable under exactOptionalPropertyTypes.
  init: { method: string; headers: Record<string, string>; body?: string | Uint8Array<ArrayBuffer>; signal?: NativeAbortSignal },
) => Promise<{
  status: number;
  headers: { forEach(cb: (value: string, key: string) => void): void };
  text(): Promise<string>;
  /** Needed only with `encoding: 'msgpack'` when there is no `body` stream. */
  arrayBuffer?(): Promise<ArrayBuffer>;
  /** When present, the body is read as a stream and `maxResponseBytes` is enforced while reading. */
  body?: BodyStreamLike | null | undefined;
}>;

/** Default `maxResponseBytes`: 16 MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/**
 * Whether the runtime's own HTTP stack is undici (Node reports `process.versions.undici`). Elsewhere the
 * undici package may load but not work (no Node sockets), so the transport uses global `fetch` instead.
 */
export function runtimeHasUndici(versions: Readonly<Record<string, string | undefined>> | undefined = globalThis.process?.versions): boolean {
  return typeof versions?.['undici'] === 'string';
}

export interface HttpTransportOptions {
  protocol: string;
  baseUrl: string;
  info: TransportInfo;
  auth: AuthProvider;
  /** Extra headers on every request. */
  headers?: Record<string, string> | undefined;
  /** Use this instead of undici (browsers, Deno, tests). Default: undici on Node, global `fetch` elsewhere. */
  fetch?: FetchLike | undefined;
  /** Keep-alive connections per origin (undici only). Default 16. */
  connections?: number | undefined;
  /** Frame bodies (`body: frame`): the `self` every frame carries (OneBot 12 multi-bot servers). */
  self?: BotSelf | undefined;
  /** `msgpack`: request and response bodies are MessagePack (`application/msgpack`). Default `json`. */
  encoding?: WsEncoding | undefined;
  /** Largest response body read; past it the call fails with `ResponseTooLargeError`. Default 16 MiB. */
  maxResponseBytes?: number | undefined;
}

interface WireRequest {
  method: string;
  path: string;
  /** The JSON-shaped body; encoded by the transport's codec, or as multipart/form-data. */
  body: Record<string, unknown> | undefined;
  multipart?: boolean;
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
  const hasBody = binding.body !== undefined || (binding.method !== 'GET' && binding.method !== 'DELETE');
  return { method: binding.method, path: path + queryString(query), body: hasBody ? rest : undefined, multipart: binding.body === 'multipart' };
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
  const fetchFn: FetchLike | undefined = options.fetch ?? (runtimeHasUndici() ? undefined : (globalThis.fetch as unknown as FetchLike));
  // undici is imported on the first request, so importing a client costs nothing until it is used.
  let pool: Promise<Pool> | undefined;
  const getPool = () => (pool ??= import('undici').then((u) => new u.Pool(base.origin, { connections: options.connections ?? 16, pipelining: 1 })));
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const ctx = { protocol: options.protocol };

  function wire(req: TransportRequest): WireRequest {
    if (req.rest) return restRequest(req.rest, req.params);
    if (!options.info.http) throw new TypeError(`${options.protocol} has no HTTP RPC binding`);
    return rpcRequest(options.info.http, req, options.self);
  }

  const msgpack = options.encoding === 'msgpack' ? codecFor('msgpack') : undefined;
  const contentType = msgpack ? 'application/msgpack' : 'application/json';

  /** Bytes → response. A MessagePack body that does not decode keeps its text as `raw` and no `body`. */
  function decode(status: number, headers: Record<string, string>, bytes: Buffer): TransportResponse {
    if (msgpack && bytes.length && (headers['content-type'] ?? '').includes('msgpack')) {
      try {
        return { status, headers, ...msgpack.decode(bytes, true) };
      } catch {
        return { status, headers, raw: bytes.toString('utf8'), body: undefined };
      }
    }
    const raw = bytes.toString('utf8');
    return { status, headers, raw, body: parseBody(raw) };
  }

  function tooLarge(declared: string | undefined): boolean {
    return declared !== undefined && Number(declared) > maxBytes;
  }

  /** Reads a Node stream up to the cap; past it, stops reading and fails. */
  async function readNode(body: AsyncIterable<Uint8Array> & { destroy(): void }): Promise<Buffer> {
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of body) {
      size += chunk.length;
      if (size > maxBytes) {
        body.destroy();
        throw new ResponseTooLargeError(ctx, maxBytes);
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }

  /** Reads a WHATWG body stream up to the cap; without a stream, reads it whole and checks after. */
  async function readFetch(res: Awaited<ReturnType<FetchLike>>): Promise<Buffer> {
    if (res.body) {
      const reader = res.body.getReader();
      const chunks: Uint8Array[] = [];
      let size = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (!value) continue;
        size += value.length;
        if (size > maxBytes) {
          await reader.cancel().catch(() => undefined);
          throw new ResponseTooLargeError(ctx, maxBytes);
        }
        chunks.push(value);
      }
      return Buffer.concat(chunks);
    }
    const bytes = msgpack && res.arrayBuffer ? Buffer.from(await res.arrayBuffer()) : Buffer.from(await res.text(), 'utf8');
    if (bytes.length > maxBytes) throw new ResponseTooLargeError(ctx, maxBytes);
    return bytes;
  }

  async function send(w: WireRequest, signal: AbortSignalLike): Promise<TransportResponse> {
    const query = options.auth.query();
    // Most providers put nothing in the query: skip building a URLSearchParams per call then.
    let authQuery = '';
    for (const _ in query) {
      authQuery = new URLSearchParams(query).toString();
      break;
    }
    const path = prefix + w.path + (authQuery ? (w.path.includes('?') ? '&' : '?') + authQuery : '');
    const headers: Record<string, string> = {
      accept: contentType,
      ...options.headers,
      ...(await options.auth.headers(signal)),
    };
    if (msgpack) await msgpack.ready?.();
    let body: string | Uint8Array | undefined;
    if (w.body !== undefined && w.multipart) {
      const form = await encodeMultipart(w.body);
      body = form.bytes;
      headers['content-type'] = form.contentType;
    } else if (w.body !== undefined) {
      body = msgpack ? msgpack.encode(w.body) : stringifyJson(w.body);
      headers['content-type'] = contentType;
    }
    try {
      if (!fetchFn) {
        const res = await (await getPool()).request({ method: w.method as 'POST', path, headers, body, signal: signal as never });
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
        if (tooLarge(out['content-length'])) {
          res.body.destroy();
          throw new ResponseTooLargeError(ctx, maxBytes);
        }
        return decode(res.statusCode, out, await readNode(res.body));
      }
      const init: Parameters<FetchLike>[1] = { method: w.method, headers, signal: nativeSignal(signal) as NativeAbortSignal };
      if (body !== undefined) init.body = body as string | Uint8Array<ArrayBuffer>;
      const res = await fetchFn!(base.origin + path, init);
      const out: Record<string, string> = {};
      res.headers.forEach((v, k) => (out[k.toLowerCase()] = v));
      if (tooLarge(out['content-length'])) {
        await res.body?.getReader().cancel().catch(() => undefined);
        throw new ResponseTooLargeError(ctx, maxBytes);
      }
      return decode(res.status, out, await readFetch(res));
    } catch (error) {
      if (signal.aborted || error instanceof ResponseTooLargeError) throw error; // the core reports timeout/abort itself
      const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      // The cause is kept for debugging; redactError strips every secret form from it and its chain.
      throw redactError(new NetworkError(ctx, `cannot reach ${base.origin}: ${detail}`, { cause: error }), options.auth.secrets());
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
