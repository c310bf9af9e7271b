/**
 * Webhook / HTTP POST event receiver: the implementation POSTs each event to qqwire (Milky WebHook,
 * OneBot 11 HTTP POST, OneBot 12 HTTP Webhook). What is checked and answered comes from the schema's
 * `transport.events.webhook`:
 * - `auth: bearer`: `Authorization: <scheme> <token>` (or the token query parameter) must match → else 401;
 * - `signature`: `<header>: <prefix><hex HMAC(secret, raw body)>`, compared in constant time →
 *   `missing-status` (401) without it, `mismatch-status` (403) when wrong;
 * - `reply`: the handler's return value becomes the answer (`object`: a quick operation, `action-list`:
 *   an array of action requests) as 200 JSON; nothing to say → 204.
 * A body that is not JSON (or MessagePack where allowed) is answered 400 and reported with its raw text.
 *
 *   const receiver = createWebhookReceiver({ protocol, port: 8080, secret, sink: hub }); await receiver.start();
 *   // or inside an existing server: http.createServer(webhookHandler({ protocol, secret, sink: hub }))
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ProtocolError, QQWireError } from '../errors.js';
import { isObject } from '../is-object.js';
import { parseJson, stringifyJson } from '../json.js';
import { readBody } from '../read-body.js';
import { codecFor } from '../ws-channel.js';
import type { ProtocolDescriptor, WebhookInfo } from '../transport.js';
import { badPayload, deliver, report } from './deliver.js';
import type { EventDeliveryInfo, EventReceiver, EventSink } from './receiver.js';

export interface WebhookHandlerOptions {
  protocol: ProtocolDescriptor;
  sink: EventSink;
  /** The token the implementation sends (`auth: bearer` protocols). None: not checked. */
  accessToken?: string | undefined;
  /** The HMAC secret (`signature` protocols). None: not checked. */
  secret?: string | undefined;
  /** Accept POSTs on this path only (404 elsewhere). Default: any path. */
  path?: string | undefined;
  /** Largest body accepted (413 beyond). Default 16 MiB. */
  maxBodyBytes?: number | undefined;
}

/** The part of a `node:http` request the handler reads (declared so the published types need no `@types/node`). */
export interface WebhookRequestLike {
  method?: string | undefined;
  url?: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  on(event: string, listener: (...args: any[]) => void): unknown;
  resume(): unknown;
}

/** The part of a `node:http` response the handler writes. */
export interface WebhookResponseLike {
  readonly headersSent: boolean;
  writeHead(status: number, headers?: Record<string, string>): { end(body?: string): unknown };
}

export interface WebhookReceiverOptions extends WebhookHandlerOptions {
  /** Port to listen on (0: any free port; see `address`). */
  port: number;
  host?: string | undefined;
}

export interface WebhookReceiver extends EventReceiver {
  /** The port listened on, once started. */
  readonly port: number | undefined;
}

/** The rejection a bad signature or token gets (reported to `onError`; never holds the secret). */
export class WebhookAuthError extends QQWireError {
  readonly status: number;
  constructor(protocol: string, status: number, message: string) {
    super({ protocol }, message);
    this.status = status;
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  // timingSafeEqual needs equal lengths; comparing y with itself keeps the time independent of a's content.
  return x.length === y.length ? timingSafeEqual(x, y) : (timingSafeEqual(y, y), false);
}

/** The status to reject with, or undefined when the request passes the schema's checks. */
function check(hook: WebhookInfo, protocol: ProtocolDescriptor, options: WebhookHandlerOptions, req: IncomingMessage, body: Buffer): number | undefined {
  if (hook.auth === 'bearer' && options.accessToken) {
    const header = req.headers[(protocol.auth.header ?? 'authorization').toLowerCase()];
    const scheme = protocol.auth.scheme;
    const expected = scheme ? `${scheme} ${options.accessToken}` : options.accessToken;
    const queryName = protocol.transport.events?.authQuery ?? protocol.auth.query;
    const query = queryName ? new URL(req.url ?? '/', 'http://x').searchParams.get(queryName) : null;
    const ok = typeof header === 'string' ? sameText(header, expected) : query !== null && sameText(query, options.accessToken);
    if (!ok) return 401;
  }
  const sig = hook.signature;
  if (sig && options.secret) {
    const header = req.headers[sig.header.toLowerCase()];
    if (typeof header !== 'string') return sig.missingStatus ?? 401;
    const expected = sig.prefix + createHmac(sig.algorithm, options.secret).update(body).digest('hex');
    if (!sameText(header, expected)) return sig.mismatchStatus ?? 403;
  }
  return undefined;
}


function decode(body: Buffer, contentType: string, allowed: readonly string[]): unknown {
  // The WS codec's MessagePack decoding: 64-bit integers stay exact (bigint only when unsafe).
  if (contentType === 'application/msgpack' && allowed.includes(contentType)) return codecFor('msgpack').decode(body, true).body;
  return parseJson(body.toString('utf8'));
}

function answer(res: ServerResponse, status: number, body?: string): void {
  if (body === undefined) res.writeHead(status).end();
  else res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(body);
}

/** A `(req, res)` handler for `node:http` (or a framework's raw request/response). */
export function webhookHandler(options: WebhookHandlerOptions): (req: WebhookRequestLike, res: WebhookResponseLike) => void {
  const { protocol, sink } = options;
  const hook = protocol.transport.events?.webhook;
  if (!hook) throw new TypeError(`${protocol.name} has no webhook event delivery`);
  const limit = options.maxBodyBytes ?? 16 * 1024 * 1024;
  const allowed = hook.contentTypes ?? ['application/json'];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') return void res.writeHead(405, { allow: 'POST' }).end();
    if (options.path && new URL(req.url ?? '/', 'http://x').pathname !== options.path) return answer(res, 404);
    const body = await readBody(req, limit);
    if (!body) {
      report(sink, new ProtocolError({ protocol: protocol.name }, `webhook body larger than ${limit} bytes: rejected with 413`, ''));
      return answer(res, 413);
    }
    const status = check(hook!, protocol, options, req, body);
    if (status !== undefined) {
      report(sink, new WebhookAuthError(protocol.name, status, `webhook request rejected with ${status}: ${status === 401 ? 'credential missing or wrong' : 'signature does not match'}`));
      return answer(res, status);
    }
    const contentType = String(req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim().toLowerCase();
    let payload: unknown;
    try {
      if (contentType === 'application/msgpack') await codecFor('msgpack').ready?.();
      payload = decode(body, contentType, allowed);
    } catch (error) {
      badPayload(sink, protocol.name, 'webhook', body.toString(contentType === 'application/msgpack' ? 'base64' : 'utf8'), error);
      return answer(res, 400);
    }
    const reply = await deliver(sink, payload, deliveryInfo(hook!, req));
    if (reply === undefined || reply === null || hook!.reply === 'none') return answer(res, 204);
    const fits = hook!.reply === 'object' ? isObject(reply) : Array.isArray(reply);
    if (!fits) {
      report(sink, new TypeError(`a handler returned ${Array.isArray(reply) ? 'an array' : typeof reply}; ${protocol.name} webhook replies are ${hook!.reply === 'object' ? 'an object (quick operation)' : 'an array of action requests'}: answered 204`));
      return answer(res, 204);
    }
    answer(res, 200, stringifyJson(reply));
  }

  return (request, response) => {
    const req = request as unknown as IncomingMessage;
    const res = response as unknown as ServerResponse;
    handle(req, res).catch((error: unknown) => {
      report(sink, error instanceof Error ? error : new Error(String(error)));
      if (!res.headersSent) answer(res, 500);
    });
  };
}

function deliveryInfo(hook: WebhookInfo, req: IncomingMessage): EventDeliveryInfo {
  const selfId = hook.selfIdHeader ? req.headers[hook.selfIdHeader.toLowerCase()] : undefined;
  const headers: Record<string, string> = {};
  for (const name of hook.infoHeaders ?? []) {
    const value = req.headers[name.toLowerCase()];
    if (typeof value === 'string') headers[name.toLowerCase()] = value;
  }
  return { delivery: 'webhook', selfId: typeof selfId === 'string' ? selfId : undefined, headers };
}

export function createWebhookReceiver(options: WebhookReceiverOptions): WebhookReceiver {
  const handler = webhookHandler(options);
  let server: Server | undefined;
  let port: number | undefined;
  return {
    kind: 'webhook',
    get port() {
      return port;
    },
    async start() {
      if (server) return;
      const s = createServer(handler);
      server = s;
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(options.port, options.host, () => {
          s.off('error', reject);
          resolve();
        });
      });
      port = (s.address() as { port: number }).port;
    },
    async close() {
      const s = server;
      server = undefined;
      if (!s) return;
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
    },
  };
}
