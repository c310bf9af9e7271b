/**
 * QQ official webhook receiver: qqwire is the HTTP server the platform calls back.
 *
 *   const hook = createQqWebhookReceiver({ protocol, clientSecret, port: 8443, sink: { onEvent: (e) => … } });
 *   await hook.start();            // or mount `hook.handle` in an existing server (middleware mode)
 *   await hook.close();            // server closed, every connection ended
 *
 * Every fact (header names, opcodes, signature scheme, validation field names) comes from the descriptor's
 * `transport.events.callback`. Per delivery:
 * - The signature header (hex ed25519) over `timestamp header + raw body` is verified with the public key
 *   of the seed derived from the bot secret (repeated to 32 bytes). Missing or wrong → 401, `onError`
 *   with a `SignatureError`, never delivered.
 * - Callback URL validation (`op` validation) is answered `{plain_token, signature}` where the signature
 *   covers `event_ts + plain_token`. The platform's validation request may come unsigned; answering it
 *   signs caller-chosen text with the bot's key, so an unsigned one is only answered when that text
 *   (digits + token without `{`) cannot also be a `timestamp + JSON body` that would verify as a delivery.
 * - A dispatch is handed to the sink and answered with the `op` ack once the sink has taken it. A
 *   repeated event `id` (the platform retries) within the last `dedupeSize` ids is acknowledged and not
 *   delivered again; a sink that throws gets a 500 and its id is forgotten, so the retry is delivered.
 */
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ProtocolError, redact } from '../errors.js';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../http-transport.js';
import { isObject } from '../is-object.js';
import { parseJson } from '../json.js';
import { readBody } from '../read-body.js';
import type { ProtocolDescriptor, CallbackEventsInfo } from '../transport.js';
import type { EventReceiver, EventSink } from './receiver.js';
import { RecentIds } from './recent-ids.js';
import { SignatureError } from './signature-error.js';

export interface QqWebhookOptions {
  /** The generated descriptor: `import { protocol } from 'qqwire/qq-official'`. */
  protocol: ProtocolDescriptor;
  /** The bot secret (AppSecret); the signing key is derived from it. Never logged. */
  clientSecret: string;
  sink: EventSink;
  /** Port for `start()`. Default 0 (any free port; see `address()`). */
  port?: number | undefined;
  /** Interface for `start()`. Default: all. */
  host?: string | undefined;
  /** Only this path is served. Default: any path. */
  path?: string | undefined;
  /** Event ids remembered for de-duplication. Default 10 000. */
  dedupeSize?: number | undefined;
  /** Largest request body accepted (413 beyond). Default 16 MiB. */
  maxBodyBytes?: number | undefined;
}

export interface QqWebhookReceiver extends EventReceiver {
  readonly kind: 'webhook';
  /**
   * A `node:http` request listener `(req, res)` for an existing server or framework (middleware mode);
   * `start()` is then not needed. Typed loosely so the published types need no `@types/node`.
   */
  handle(req: any, res: any): void;
  /** Where `start()` listens (undefined before). */
  address(): { address: string; port: number } | undefined;
}

/** PKCS #8 DER header of an Ed25519 private key; the 32-byte seed follows it. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SEED_BYTES = 32;

/** Ed25519 signing with a QQ bot secret's key (types free of `@types/node`). */
export interface QqWebhookSigner {
  /** The raw 32-byte public key. */
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

/** The ed25519 key of a QQ bot secret: the seed is the secret repeated until 32 bytes, then cut. */
export function qqWebhookSigner(secret: string): QqWebhookSigner {
  const bytes = Buffer.from(secret, 'utf8');
  if (bytes.length === 0) throw new TypeError('the bot secret is empty');
  const seed = Buffer.alloc(SEED_BYTES);
  for (let i = 0; i < SEED_BYTES; i++) seed[i] = bytes[i % bytes.length]!;
  const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const publicKey = createPublicKey(privateKey);
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return {
    publicKey: new Uint8Array(spki.subarray(spki.length - SEED_BYTES)),
    sign: (message) => new Uint8Array(sign(null, message, privateKey)),
    verify: (message, signature) => verify(null, message, publicKey, signature),
  };
}

/** The header's value once (a repeated header counts as absent: it cannot be trusted). */
function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return typeof v === 'string' ? v : undefined;
}


function reply(res: ServerResponse, status: number, body?: unknown): void {
  if (res.headersSent) return;
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
  res.end(text);
}

export function createQqWebhookReceiver(options: QqWebhookOptions): QqWebhookReceiver {
  const { protocol, sink } = options;
  const facts: CallbackEventsInfo | undefined = protocol.transport.events?.callback;
  if (!facts) throw new TypeError(`${protocol.name} has no webhook delivery (transport.events.callback)`);
  if (facts.signature !== 'ed25519-repeated-secret') throw new TypeError(`${protocol.name}: unsupported webhook signature ${String(facts.signature)}`);
  const signer = qqWebhookSigner(options.clientSecret);
  const ctx = { protocol: protocol.name, action: 'webhook' };
  const seen = new RecentIds(options.dedupeSize ?? 10_000);
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const fields = facts.validationFields;
  const secrets = [options.clientSecret];
  let server: Server | undefined;

  function report(error: Error): void {
    try {
      sink.onError?.(error);
    } catch {
      // A throwing error handler must not take the server down.
    }
  }

  function rejectSignature(res: ServerResponse, why: string): void {
    reply(res, 401);
    report(new SignatureError(ctx, why, { status: 401, delivery: 'webhook' }));
  }

  /** `true` / `false` for a signed request, `undefined` when it carries no signature headers at all. */
  function verifySignature(req: IncomingMessage, body: Buffer): boolean | undefined {
    const signature = header(req, facts!.signatureHeader);
    const timestamp = header(req, facts!.timestampHeader);
    if (signature === undefined && timestamp === undefined) return undefined;
    if (signature === undefined || timestamp === undefined || !/^[0-9a-fA-F]{128}$/.test(signature)) return false;
    return signer.verify(Buffer.concat([Buffer.from(timestamp, 'utf8'), body]), Buffer.from(signature, 'hex'));
  }

  function answerValidation(res: ServerResponse, d: unknown, signed: boolean): void {
    const token = isObject(d) ? d[fields.token] : undefined;
    const ts = isObject(d) ? d[fields.timestamp] : undefined;
    if (typeof token !== 'string' || typeof ts !== 'string' || token === '') {
      reply(res, 400);
      report(new ProtocolError(ctx, `callback validation without string ${fields.token} / ${fields.timestamp}`, ''));
      return;
    }
    // Unsigned: refuse text that a forged delivery could reuse as `timestamp + body` (see the header).
    if (!signed && (!/^\d+$/.test(ts) || token.includes('{'))) {
      rejectSignature(res, 'unsigned callback validation with a token that could sign a delivery; refused');
      return;
    }
    const signature = Buffer.from(signer.sign(Buffer.from(ts + token, 'utf8'))).toString('hex');
    reply(res, 200, { [fields.token]: token, [fields.signature]: signature });
  }

  async function dispatch(res: ServerResponse, payload: Record<string, unknown>, selfId: string | undefined): Promise<void> {
    const id = typeof payload['id'] === 'string' ? payload['id'] : undefined;
    if (id !== undefined && !seen.add(id)) {
      reply(res, 200, { op: facts!.opcodes.ack });
      return;
    }
    try {
      await sink.onEvent(payload, { delivery: 'webhook', selfId });
    } catch (error) {
      if (id !== undefined) seen.delete(id);
      reply(res, 500);
      const message = error instanceof Error ? error.message : String(error);
      report(new ProtocolError(ctx, `the event handler failed (answered 500 so the platform retries): ${redact(message, secrets)}`, ''));
      return;
    }
    reply(res, 200, { op: facts!.opcodes.ack });
  }

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (options.path !== undefined && (req.url ?? '/').split('?')[0] !== options.path) return reply(res, 404);
    if (req.method !== 'POST') return reply(res, 405);
    // undefined: over the limit; null: the stream failed.
    const body = await readBody(req, limit).catch(() => null);
    if (!body) {
      reply(res, body === undefined ? 413 : 400);
      report(new ProtocolError(ctx, body === undefined ? `request body over ${limit} bytes` : 'request body could not be read', ''));
      return;
    }
    const signed = verifySignature(req, body);
    if (signed === false) return rejectSignature(res, `${facts!.signatureHeader} does not verify over ${facts!.timestampHeader} + body`);
    const raw = body.toString('utf8');
    let payload: unknown;
    try {
      payload = parseJson(raw);
    } catch {
      payload = undefined;
    }
    if (!isObject(payload) || typeof payload['op'] !== 'number') {
      if (signed === undefined) return rejectSignature(res, `no ${facts!.signatureHeader} / ${facts!.timestampHeader} headers`);
      reply(res, 400);
      report(new ProtocolError(ctx, 'the body is not a JSON payload with a numeric op', raw));
      return;
    }
    const op = payload['op'];
    if (op === facts!.opcodes.validation) return answerValidation(res, payload['d'], signed === true);
    if (signed === undefined) return rejectSignature(res, `no ${facts!.signatureHeader} / ${facts!.timestampHeader} headers`);
    const selfId = facts!.appIdHeader ? header(req, facts!.appIdHeader) : undefined;
    if (op === facts!.opcodes.dispatch) return dispatch(res, payload, selfId);
    // Another op: acknowledged so the platform does not retry, reported so it is not lost silently.
    reply(res, 200, { op: facts!.opcodes.ack });
    report(new ProtocolError(ctx, `op ${op} is not a webhook delivery; acknowledged, not delivered`, raw));
  }

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    handleRequest(req, res).catch((error: unknown) => {
      reply(res, 500);
      report(error instanceof Error ? error : new Error(String(error)));
    });
  };

  return {
    kind: 'webhook',
    handle,
    address: () => {
      const a = server?.address();
      return a && typeof a === 'object' ? { address: a.address, port: a.port } : undefined;
    },
    async start() {
      if (server) return;
      const s = createServer(handle);
      server = s;
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(options.port ?? 0, options.host, () => {
          s.off('error', reject);
          resolve();
        });
      });
    },
    async close() {
      const s = server;
      server = undefined;
      if (!s || !s.listening) return;
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
    },
  };
}
