/**
 * Forward WebSocket transport: qqwire connects to the implementation (OneBot 11 / go-cqhttp /
 * OpenShamrock on `ws://host:6700`, OneBot 12 on `ws://host:port/`) and sends `{action, params, echo}`
 * frames (plus `self` for OneBot 12 multi-bot connections) over one connection.
 *
 *   const client = createOnebot11Client({ baseUrl: 'ws://127.0.0.1:6700', accessToken });
 *   const off = onEvents(client, (event) => console.log(event));   // events share the socket
 *   await client.sendPrivateMsg({ user_id: 10001, message: 'hi' });
 *   await client.close();                                          // no timers, no sockets left
 *
 * or, with every option: `createOnebot11Client({ transport: (ctx) => createWsTransport({ ...ctx, url, onEvent }) })`.
 *
 * Reliability contract:
 * - Every call settles: with its answer (matched by a unique string `echo`), with the core's
 *   `TimeoutError`/`AbortError` (the pending entry is removed on abort), or with `DisconnectedError`
 *   the moment the socket closes while the call is in flight. A sent call is never re-sent.
 * - A call made while disconnected (first connect, or between reconnect attempts) is, by default
 *   (`whileDisconnected: 'wait'`), queued unsent and sent whole once the socket opens, bounded by the
 *   call's own timeout; with `whileDisconnected: 'fail'` it fails at once with `DisconnectedError`.
 *   A rejected handshake (HTTP 401/403) fails the queued calls at once with `AuthError`.
 * - Reconnects forever by default, with exponential backoff and full jitter
 *   (`delay = random() × min(maxDelayMs, initialDelayMs × factor^(attempt−1))`); `maxAttempts` bounds it.
 * - `close()` stops reconnecting, rejects pending and queued calls with `DisconnectedError` and
 *   resolves once the socket is gone; nothing is left behind (timers, sockets).
 * - Frames without an echo of ours are events: `onEvent` / `on('event')`; they never settle a call.
 *   A late answer (its call timed out) is dropped. Events are parsed losslessly (unsafe integers → bigint).
 * - No access token appears in any error (close reasons and handshake errors are redacted).
 */
import type WebSocket from 'ws';
import { closeSocket, keepAlive } from './ws-lifecycle.js';
import type { AuthProvider } from './auth.js';
import { AuthError, DisconnectedError, NetworkError, redact, redactError } from './errors.js';
import { DEFAULT_MAX_RESPONSE_BYTES } from './http-transport.js';
import type { ProtocolDescriptor, Transport, TransportRequest, TransportResponse } from './transport.js';
import { Emitter, WsChannel, codecFor, newEchoPrefix, type BotSelf, type Codec, type WsEncoding } from './ws-channel.js';

export type { BotSelf, WsEncoding } from './ws-channel.js';

export interface BackoffOptions {
  /** First delay cap in ms. Default 500. */
  initialDelayMs?: number | undefined;
  /** Largest delay in ms. Default 30 000. */
  maxDelayMs?: number | undefined;
  /** Growth per attempt. Default 2. */
  factor?: number | undefined;
}

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface WsTransportEvents {
  [key: string]: unknown;
  /** A frame that is not an answer to one of our calls (OneBot events, lifecycle/heartbeat meta events). */
  event: unknown;
  open: { attempt: number };
  /** The socket closed (pending calls have been rejected). */
  close: { code: number; reason: string };
  /** The next connection attempt is scheduled. */
  reconnect: { attempt: number; delayMs: number };
  /** Non-fatal problems: failed connection attempts, undecodable frames, throwing listeners. */
  error: Error;
}

export interface WsTransportOptions extends BackoffOptions {
  /** The generated client's protocol descriptor (`import { protocol } from 'qqwire/onebot11'`). */
  protocol: ProtocolDescriptor;
  /** `ws://host:port[/path]` or `wss://…`. */
  url: string;
  auth: AuthProvider;
  /** Extra handshake headers. */
  headers?: Record<string, string> | undefined;
  /** Sec-WebSocket-Protocol to offer. Default: `protocol.transport.ws.subprotocol`. */
  subprotocol?: string | undefined;
  /** `msgpack`: requests as binary MessagePack frames (OneBot 12); answers may be either. Default `json`. */
  encoding?: WsEncoding | undefined;
  /** OneBot 12: the `self` every frame of this transport carries (multi-bot connections). */
  self?: BotSelf | undefined;
  /** What a call does while there is no open socket. Default `wait` (bounded by the call's timeout). */
  whileDisconnected?: 'wait' | 'fail' | undefined;
  /** Give up after this many failed attempts in a row (then calls fail with DisconnectedError). Default: never. */
  maxAttempts?: number | undefined;
  /** Opening handshake timeout. Default 10 000 ms. */
  handshakeTimeoutMs?: number | undefined;
  /** Ping the server this often; a socket that has not answered by the next ping is dropped. Default 30 000; 0 = off. */
  pingIntervalMs?: number | undefined;
  /** Shortcut for `on('event', …)`. */
  onEvent?: ((event: unknown) => void) | undefined;
  /** Shortcut for `on('error', …)`. */
  onError?: ((error: Error) => void) | undefined;
  /** Random source for the jitter (tests). Default `Math.random`. */
  random?: (() => number) | undefined;
  /** Largest frame accepted; a bigger one closes the connection (1009). Default 16 MiB. */
  maxPayloadBytes?: number | undefined;
}

export interface EventSourceLike {
  /** Subscribes to events (frames that are not answers). Returns the function that unsubscribes. */
  onEvent(listener: (event: unknown) => void): () => void;
}

export interface WsTransport extends Transport, EventSourceLike {
  readonly kind: 'ws';
  readonly state: ConnectionState;
  /** Calls in flight plus calls queued while disconnected. */
  readonly pendingCount: number;
  /** The last connection error (redacted), if any. */
  readonly lastError: Error | undefined;
  on<K extends keyof WsTransportEvents & string>(type: K, listener: (value: WsTransportEvents[K]) => void): () => void;
  /** Resolves when the socket is open (at once if it is); rejects when the transport is closed or gives up. */
  ready(options?: { timeoutMs?: number | undefined }): Promise<void>;
  /** A transport on the same connection whose frames carry this OneBot 12 `self` (closing it closes nothing). */
  withSelf(self: BotSelf): Transport;
  close(): Promise<void>;
}

/** A connection that lives this long resets the backoff. */
const STABLE_MS = 5000;

const DEFAULTS = { initialDelayMs: 500, maxDelayMs: 30_000, factor: 2 };

function finiteAtLeast(value: number | undefined, min: number, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= min ? value : fallback;
}

/**
 * The delay before reconnect attempt `attempt` (1-based): full jitter over an exponentially growing
 * cap. Always a finite number in [0, maxDelayMs], whatever the options (bad values fall back to defaults).
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const max = finiteAtLeast(options.maxDelayMs, 0, DEFAULTS.maxDelayMs);
  const initial = Math.min(finiteAtLeast(options.initialDelayMs, 0, DEFAULTS.initialDelayMs), max);
  const factor = finiteAtLeast(options.factor, 1, DEFAULTS.factor);
  const n = Math.max(0, Math.min(Number.isFinite(attempt) ? Math.floor(attempt) - 1 : 0, 1000));
  let cap = initial * Math.pow(factor, n);
  if (!Number.isFinite(cap) || cap > max) cap = max;
  let r = random();
  if (!Number.isFinite(r) || r < 0) r = 0;
  if (r > 1) r = 1;
  return Math.round(cap * r);
}

interface Queued {
  request: TransportRequest;
  self: BotSelf | undefined;
  resolve: (response: TransportResponse) => void;
  reject: (error: unknown) => void;
  onAbort: () => void;
}

function wsUrl(url: string, protocol: ProtocolDescriptor, auth: AuthProvider): URL {
  const u = new URL(url);
  if (u.protocol !== 'ws:' && u.protocol !== 'wss:') throw new TypeError(`not a WebSocket URL: ${u.protocol}//…`);
  const path = protocol.transport.ws?.path;
  if (path && (u.pathname === '/' || u.pathname === '')) u.pathname = path;
  for (const [k, v] of Object.entries(auth.query())) u.searchParams.set(k, v);
  return u;
}

export function createWsTransport(options: WsTransportOptions): WsTransport {
  const protocol = options.protocol;
  const ctx = { protocol: protocol.name };
  if (!protocol.transport.ws) throw new TypeError(`${protocol.name} has no WebSocket binding`);
  // Validate the URL once, up front (a typo should throw here, not loop forever).
  wsUrl(options.url, protocol, options.auth);
  const codec: Codec = codecFor(options.encoding);
  const echoField = protocol.envelope.echoField ?? 'echo';
  const echoPrefix = newEchoPrefix();
  const whileDisconnected = options.whileDisconnected ?? 'wait';
  const maxAttempts = options.maxAttempts !== undefined && Number.isFinite(options.maxAttempts) ? Math.max(1, options.maxAttempts) : Infinity;
  const pingIntervalMs = finiteAtLeast(options.pingIntervalMs, 0, 30_000);
  const handshakeTimeout = finiteAtLeast(options.handshakeTimeoutMs, 1, 10_000);
  const subprotocol = options.subprotocol ?? protocol.transport.ws.subprotocol;
  const random = options.random ?? Math.random;
  const secrets = () => options.auth.secrets();

  const emitter = new Emitter<WsTransportEvents>((error) => emitter.emit('error', asError(error)));
  if (options.onEvent) emitter.on('event', options.onEvent);
  if (options.onError) emitter.on('error', options.onError);

  let state: ConnectionState = 'connecting';
  let socket: WebSocket | undefined;
  let channel: WsChannel | undefined;
  /** Failed connection attempts in a row (for `maxAttempts`). */
  let failures = 0;
  /** Connections in a row that closed within STABLE_MS of opening (they keep the backoff growing). */
  let flaps = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let stopPing: () => void = () => {};
  let lastError: Error | undefined;
  const queue = new Set<Queued>();
  const readyWaiters = new Set<{ resolve: () => void; reject: (e: unknown) => void }>();
  let closePromise: Promise<void> | undefined;

  function asError(error: unknown): Error {
    return error instanceof Error ? error : new Error(String(error));
  }

  function networkError(message: string, cause?: unknown): NetworkError {
    return redactError(new NetworkError(ctx, message, cause !== undefined ? { cause } : undefined), secrets());
  }

  function reportError(error: Error): void {
    // One redaction path for every error this transport surfaces (onError, lastError, cause chains).
    redactError(error, secrets());
    lastError = error;
    emitter.emit('error', error);
  }

  function settleReady(error?: unknown): void {
    for (const w of [...readyWaiters]) (error === undefined ? w.resolve() : w.reject(error));
    readyWaiters.clear();
  }

  function failQueued(error: (action: string) => Error): void {
    const entries = [...queue];
    queue.clear();
    for (const q of entries) {
      q.request.signal.removeEventListener('abort', q.onAbort);
      q.reject(error(q.request.action));
    }
  }

  async function connect(): Promise<void> {
    reconnectTimer = undefined;
    if (state === 'closed') return;
    let headers: Record<string, string>;
    let url: URL;
    try {
      headers = { ...options.headers, ...(await options.auth.headers()) };
      url = wsUrl(options.url, protocol, options.auth);
    } catch (error) {
      reportError(networkError(`cannot prepare the WebSocket handshake: ${asError(error).message}`, error));
      scheduleReconnect();
      return;
    }
    // ws (and MessagePack, when asked for) are imported on the first connect.
    const [{ default: WebSocketImpl }] = await Promise.all([import('ws'), codec.ready?.()]);
    if ((state as ConnectionState) === 'closed') return; // closed while the headers were prepared
    let ws: WebSocket;
    try {
      ws = new WebSocketImpl(url, subprotocol ? [subprotocol] : [], {
        headers,
        handshakeTimeout: handshakeTimeout,
        perMessageDeflate: false,
        followRedirects: false,
        maxPayload: options.maxPayloadBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      });
    } catch (error) {
      // Thrown synchronously, e.g. a header value with a character HTTP does not allow.
      failures++;
      reportError(networkError(`cannot open the WebSocket: ${asError(error).message}`, error));
      scheduleReconnect();
      return;
    }
    socket = ws;
    let opened = false;
    let openedAt = 0;
    let rejectedStatus: number | undefined;

    ws.on('unexpected-response', (_req, res) => {
      rejectedStatus = res.statusCode;
      res.resume();
      const known = protocol.httpStatus[String(res.statusCode)]?.name;
      reportError(networkError(`WebSocket handshake rejected: HTTP ${res.statusCode}${known ? ` ${known}` : ''}`));
      ws.terminate();
    });
    ws.on('error', (error: Error) => {
      if (rejectedStatus !== undefined) return; // already reported
      const host = `${url.protocol}//${url.host}`;
      reportError(networkError(`WebSocket to ${host} failed: ${error.message}`, error));
    });
    ws.on('open', () => {
      if (state === 'closed') {
        ws.terminate();
        return;
      }
      opened = true;
      openedAt = Date.now();
      const attempt = failures + 1;
      failures = 0;
      state = 'open';
      channel = new WsChannel(ws, {
        protocol: protocol.name,
        codec,
        echoField,
        echoPrefix,
        secrets,
        onEvent: (event) => emitter.emit('event', event),
        onError: reportError,
        onClose: () => undefined,
      });
      startPing(ws);
      emitter.emit('open', { attempt });
      settleReady();
      flushQueue();
    });
    ws.on('close', (code: number, reason: Buffer) => {
      if (socket === ws) socket = undefined;
      stopPing();
      const text = redact(reason.toString('utf8'), secrets());
      if (channel?.socket === ws) {
        channel.dispose(`connection closed (code ${code}${text ? `: ${text}` : ''})`);
        channel = undefined;
      }
      if (opened) emitter.emit('close', { code, reason: text });
      if (state === 'closed') return;
      if (rejectedStatus === 401 || rejectedStatus === 403) {
        const status = rejectedStatus;
        const attempts = failures + 1;
        failQueued((action) => new AuthError({ ...ctx, action }, `WebSocket handshake rejected: HTTP ${status} (check the access token)`, { status, attempts }));
      }
      if (!opened) failures++;
      else flaps = Date.now() - openedAt < STABLE_MS ? flaps + 1 : 0;
      scheduleReconnect();
    });
  }

  function scheduleReconnect(): void {
    if (state === 'closed' || reconnectTimer) return;
    if (failures >= maxAttempts) {
      giveUp();
      return;
    }
    state = 'reconnecting';
    const attempt = failures + flaps + 1;
    const delayMs = backoffDelay(attempt, options, random);
    emitter.emit('reconnect', { attempt, delayMs });
    reconnectTimer = setTimeout(() => void connect(), delayMs);
  }

  function giveUp(): void {
    state = 'closed';
    const why = `gave up after ${failures} failed connection attempt${failures === 1 ? '' : 's'}`;
    failQueued((action) => new DisconnectedError({ ...ctx, action }, why));
    settleReady(new DisconnectedError(ctx, why));
  }

  function startPing(ws: WebSocket): void {
    stopPing = keepAlive(ws, pingIntervalMs, () => reportError(networkError(`no pong within ${pingIntervalMs} ms; dropping the connection`)));
  }

  function flushQueue(): void {
    for (const q of [...queue]) {
      if (!channel?.isOpen) return;
      queue.delete(q);
      q.request.signal.removeEventListener('abort', q.onAbort);
      channel.call(q.request, q.self).then(q.resolve, q.reject);
    }
  }

  function request(req: TransportRequest, self: BotSelf | undefined): Promise<TransportResponse> {
    if (req.signal.aborted) return Promise.reject(req.signal.reason);
    if (state === 'closed') {
      return Promise.reject(new DisconnectedError({ ...ctx, action: req.action }, closePromise ? 'transport closed' : 'gave up reconnecting'));
    }
    if (channel?.isOpen) return channel.call(req, self);
    if (whileDisconnected === 'fail') {
      return Promise.reject(new DisconnectedError({ ...ctx, action: req.action }, 'not connected'));
    }
    return new Promise<TransportResponse>((resolve, reject) => {
      const entry: Queued = {
        request: req,
        self,
        resolve,
        reject,
        onAbort: () => {
          if (queue.delete(entry)) reject(req.signal.reason);
        },
      };
      req.signal.addEventListener('abort', entry.onAbort, { once: true });
      queue.add(entry);
    });
  }

  function close(): Promise<void> {
    if (closePromise) return closePromise;
    state = 'closed';
    if (reconnectTimer) clearTimeout(reconnectTimer);
    reconnectTimer = undefined;
    stopPing();
    failQueued((action) => new DisconnectedError({ ...ctx, action }, 'transport closed'));
    settleReady(new DisconnectedError(ctx, 'transport closed'));
    channel?.dispose('transport closed');
    channel = undefined;
    closePromise = closeSocket(socket, 'client closing');
    return closePromise;
  }

  const transport: WsTransport = {
    kind: 'ws',
    get state() {
      return state;
    },
    get pendingCount() {
      return queue.size + (channel?.pendingCount ?? 0);
    },
    get lastError() {
      return lastError;
    },
    request: (req) => request(req, options.self),
    onEvent: (listener) => emitter.on('event', listener),
    on: (type, listener) => emitter.on(type, listener),
    ready(readyOptions = {}) {
      if (state === 'open' && channel?.isOpen) return Promise.resolve();
      if (state === 'closed') return Promise.reject(new DisconnectedError(ctx, closePromise ? 'transport closed' : 'gave up reconnecting'));
      return new Promise<void>((resolve, reject) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const waiter = {
          resolve: () => {
            if (timer) clearTimeout(timer);
            resolve();
          },
          reject: (e: unknown) => {
            if (timer) clearTimeout(timer);
            reject(e);
          },
        };
        readyWaiters.add(waiter);
        const ms = readyOptions.timeoutMs;
        if (ms !== undefined && Number.isFinite(ms)) {
          timer = setTimeout(() => {
            readyWaiters.delete(waiter);
            reject(new DisconnectedError(ctx, `not connected within ${ms} ms${lastError ? ` (${lastError.message})` : ''}`));
          }, ms);
        }
      });
    },
    withSelf(self) {
      return { kind: 'ws', request: (req) => request(req, self), close: async () => undefined };
    },
    close,
  };

  void connect();
  return transport;
}

/**
 * Subscribes to the events of a client's (or a transport's) WebSocket: `onEvents(client, fn)`.
 * Throws a TypeError when the transport carries no events (HTTP).
 */
export function onEvents(
  target: EventSourceLike | Transport | { transport: Transport } | { core: { transport: Transport } },
  listener: (event: unknown) => void,
): () => void {
  const t: unknown =
    'core' in target ? target.core.transport : 'transport' in target ? (target as { transport: Transport }).transport : target;
  if (t && typeof (t as EventSourceLike).onEvent === 'function') return (t as EventSourceLike).onEvent(listener);
  throw new TypeError(`the ${(t as Transport | undefined)?.kind ?? 'given'} transport has no events; use a WebSocket transport`);
}
