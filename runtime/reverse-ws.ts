/**
 * Reverse WebSocket: qqwire listens, OneBot implementations connect to it (go-cqhttp / OneBot 11 /
 * OpenShamrock "reverse WS", OneBot 12 "WebSocket reverse"). Several bots at once, addressed by
 * self id:
 *
 *   import { protocol, createOnebot11Client } from 'qqwire/onebot11';
 *   const server = createReverseWsServer({ protocol, port: 8080, accessToken });   // or { server: httpServer, path: '/onebot' }
 *   server.on('connect', ({ selfId, role }) => console.log('bot', selfId, role));
 *   server.on('event', ({ selfId, event }) => console.log(selfId, event));
 *   const bot = createOnebot11Client({ transport: server.bot('10001') });          // calls go to bot 10001
 *   await server.waitForBot('10001', { timeoutMs: 30_000 });                         // optional
 *   await bot.sendPrivateMsg({ user_id: 10002, message: 'hi' });
 *   await server.close();
 *
 * Handshake: the token is checked before the upgrade (`Authorization: <scheme> <t>` with a scheme the
 * schema's `auth.accepted-schemes` lists, e.g. go-cqhttp's `Token`, or `?access_token=`); anything else gets HTTP 401. The self id comes
 * from `X-Self-ID` and the role (API / Event / Universal; default Universal) from `X-Client-Role`
 * (header names from the protocol descriptor). OneBot 12 peers offer `Sec-WebSocket-Protocol:
 * 12.<impl>`, which is echoed back; a `multi-bot` protocol's peers need not send a self id: bots are then learned from the
 * `self` of their events (and `status_update`), and calls to them carry that `self`.
 *
 * `server.bot(selfId)` is a stable transport for that bot across its reconnections. Calls go to the
 * bot's newest API/Universal connection, with the forward transport's contract: matched by echo,
 * `DisconnectedError` the moment that connection closes, pending entries removed on timeout/abort.
 * While the bot is not connected a call waits, bounded by its own timeout (`whileDisconnected:
 * 'wait'`, default) or fails at once (`'fail'`). A new connection with the same self id and role
 * replaces the old one. `bot.close()` (a client's close) drops that bot's connections; `server.close()`
 * drops everything and leaves no timers or sockets.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { keepAlive } from './ws-lifecycle.js';
import { DisconnectedError, NetworkError, TimeoutError, redact } from './errors.js';
import { DEFAULT_MAX_RESPONSE_BYTES } from './http-transport.js';
import type { AbortSignalLike, ProtocolDescriptor, Transport, TransportRequest, TransportResponse } from './transport.js';
import { Emitter, WsChannel, codecFor, newEchoPrefix, type BotSelf, type WsEncoding } from './ws-channel.js';
import type { EventSourceLike } from './ws-transport.js';
import { isObject } from './is-object.js';

export type BotRole = 'API' | 'Event' | 'Universal';

export interface BotSource {
  /** The bot's self id (X-Self-ID, or a OneBot 12 event's `self.user_id`); undefined if not known. */
  selfId: string | undefined;
  role: BotRole;
  /** OneBot 12: the `<impl>` of `Sec-WebSocket-Protocol: 12.<impl>`. */
  impl: string | undefined;
}

export interface BotConnectInfo extends BotSource {
  selfId: string;
  remoteAddress: string | undefined;
  /** The bot's stable transport (same as `server.bot(selfId)`). */
  transport: BotTransport;
}

export interface ReverseWsServerEvents {
  [key: string]: unknown;
  connect: BotConnectInfo;
  disconnect: BotSource & { selfId: string; code: number; reason: string };
  event: BotSource & { event: unknown };
  error: Error;
}

export interface ReverseWsServerOptions {
  /** The generated client's protocol descriptor (`import { protocol } from 'qqwire/onebot11'`). */
  protocol: ProtocolDescriptor;
  /** Listen on this port (0: any free port; see `ready()`). Ignored when `server` is given. */
  port?: number | undefined;
  /** Listen address. Default: all interfaces. */
  host?: string | undefined;
  /** Attach to an existing HTTP(S) server instead of listening (it is not closed by `close()`). */
  server?: HttpServerLike | undefined;
  /** Accept upgrades only on this path (e.g. `/onebot/v11/ws`). Default: any path. */
  path?: string | undefined;
  /** The token implementations must present; none: every connection is accepted. */
  accessToken?: string | undefined;
  /** Encoding of the requests qqwire sends (`msgpack`: binary frames, OneBot 12). Default `json`. */
  encoding?: WsEncoding | undefined;
  /** What a call to a bot that is not connected does. Default `wait` (bounded by the call's timeout). */
  whileDisconnected?: 'wait' | 'fail' | undefined;
  /** Ping each connection this often; one that has not answered by the next ping is dropped. Default 30 000; 0 = off. */
  pingIntervalMs?: number | undefined;
  /** Largest frame accepted from a bot; a bigger one closes its connection (1009). Default 16 MiB. */
  maxPayloadBytes?: number | undefined;
  /** Shortcut for `on('event', …)`. */
  onEvent?: ((event: unknown, source: BotSource) => void) | undefined;
  /** Shortcut for `on('error', …)`. */
  onError?: ((error: Error) => void) | undefined;
}

export interface BotTransport extends Transport, EventSourceLike {
  readonly kind: 'reverse-ws';
  readonly selfId: string;
  /** True while the bot has a connection that accepts API calls (API or Universal role). */
  readonly connected: boolean;
  /** Calls of this transport in flight plus calls waiting for the bot to connect. */
  readonly pendingCount: number;
  /** Rejects this transport's calls and closes the bot's connections (the bot may connect again later). */
  close(): Promise<void>;
}

/**
 * The part of a Node `http.Server` the reverse WebSocket server uses (declared here so the published
 * types need no `@types/node`); a `node:http` or `node:https` server is one.
 */
export interface HttpServerLike {
  on(event: 'upgrade', listener: (...args: any[]) => void): unknown;
  off(event: 'upgrade', listener: (...args: any[]) => void): unknown;
  address(): unknown;
}

export interface ReverseWsServer {
  /** The port listened on, once listening (undefined when attached to a server that is not listening). */
  readonly port: number | undefined;
  /** Resolves once listening. */
  ready(): Promise<{ port: number }>;
  /** The stable transport for a bot, whether or not it is connected yet. */
  bot(selfId: string | number | bigint): BotTransport;
  /** Resolves with the bot's transport once it has an API-capable connection. */
  waitForBot(selfId: string | number | bigint, options?: { timeoutMs?: number | undefined; signal?: AbortSignalLike | undefined }): Promise<BotTransport>;
  /** Self ids of the bots connected now. */
  bots(): string[];
  on<K extends keyof ReverseWsServerEvents & string>(type: K, listener: (value: ReverseWsServerEvents[K]) => void): () => void;
  close(): Promise<void>;
}

interface Connection {
  id: number;
  ws: WebSocket;
  channel: WsChannel;
  role: BotRole;
  impl: string | undefined;
  remoteAddress: string | undefined;
  /** Self ids carried by this connection, with the `self` to stamp on frames (OneBot 12 learned bots). */
  bots: Map<string, BotSelf | undefined>;
  closed: boolean;
}

interface Queued {
  request: TransportRequest;
  resolve: (response: TransportResponse) => void;
  reject: (error: unknown) => void;
  onAbort: () => void;
}

interface BotEntry {
  selfId: string;
  /** Newest last. */
  connections: Connection[];
  handle: BotHandle | undefined;
  waiters: Set<{ resolve: (t: BotTransport) => void; reject: (e: unknown) => void }>;
}

interface BotHandle extends BotTransport {
  flush(): void;
  failAll(error: (action: string) => Error): void;
  emitEvent(event: unknown): void;
}

const ROLES: Record<string, BotRole> = { api: 'API', event: 'Event', universal: 'Universal' };

function canCall(c: Connection): boolean {
  return !c.closed && c.role !== 'Event' && c.channel.isOpen;
}


function headerValue(req: IncomingMessage, name: string | undefined): string | undefined {
  if (!name) return undefined;
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function refuse(socket: Duplex, status: number, text: string): void {
  const body = `${text}\n`;
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export function createReverseWsServer(options: ReverseWsServerOptions): ReverseWsServer {
  const protocol = options.protocol;
  const ctx = { protocol: protocol.name };
  const info = protocol.transport.reverseWs ?? {};
  const selfIdHeader = info.selfIdHeader ?? 'X-Self-ID';
  const roleHeader = info.roleHeader ?? 'X-Client-Role';
  const subprotocolPrefix = info.subprotocolPrefix;
  // A multi-bot connection (OneBot 12) names its bots in events; otherwise the handshake names the one bot.
  const multiBot = info.multiBot === true;
  const selfIdRequired = !multiBot;
  const authHeader = protocol.auth.header ?? 'Authorization';
  const authQuery = protocol.auth.query;
  const schemes = (protocol.auth.acceptedSchemes ?? (protocol.auth.scheme ? [protocol.auth.scheme] : [])).map((s) => s.toLowerCase());
  const token = options.accessToken || undefined;
  const secrets = () => (token ? [token] : []);
  const codec = codecFor(options.encoding);
  // MessagePack (only for that encoding) is imported now; upgrades wait for it.
  const codecReady = codec.ready?.();
  codecReady?.catch(() => undefined);
  const echoField = protocol.envelope.echoField ?? 'echo';
  const whileDisconnected = options.whileDisconnected ?? 'wait';
  const pingIntervalMs =
    typeof options.pingIntervalMs === 'number' && Number.isFinite(options.pingIntervalMs) && options.pingIntervalMs >= 0 ? options.pingIntervalMs : 30_000;

  const emitter = new Emitter<ReverseWsServerEvents>((error) => emitter.emit('error', error instanceof Error ? error : new Error(String(error))));
  if (options.onEvent) {
    const onEvent = options.onEvent;
    emitter.on('event', ({ event, ...source }) => onEvent(event, source));
  }
  if (options.onError) emitter.on('error', options.onError);

  const entries = new Map<string, BotEntry>();
  const connections = new Set<Connection>();
  let nextConnectionId = 0;
  let closing: Promise<void> | undefined;

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayloadBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    perMessageDeflate: false,
    clientTracking: false,
    handleProtocols: (offered: Set<string>) => {
      const list = [...offered];
      // Echo the OneBot 12 `12.<impl>` back; otherwise accept whatever the implementation offers first.
      return (subprotocolPrefix ? list.find((p) => p.startsWith(subprotocolPrefix)) : undefined) ?? list[0] ?? false;
    },
  });

  const ownServer = options.server ? undefined : createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
    res.end('Upgrade Required\n');
  });
  const httpServer = (options.server as Server | undefined) ?? ownServer!;
  const listening: Promise<{ port: number }> = ownServer
    ? new Promise((resolve, reject) => {
        ownServer.once('error', reject);
        ownServer.listen(options.port ?? 0, options.host, () => {
          ownServer.off('error', reject);
          resolve({ port: (ownServer.address() as AddressInfo).port });
        });
      })
    : Promise.resolve().then(() => {
        const a = httpServer.address();
        return { port: a && typeof a === 'object' ? a.port : 0 };
      });
  listening.catch(() => undefined);

  function entryFor(selfId: string): BotEntry {
    let e = entries.get(selfId);
    if (!e) entries.set(selfId, (e = { selfId, connections: [], handle: undefined, waiters: new Set() }));
    return e;
  }

  function apiConnection(e: BotEntry): Connection | undefined {
    for (let i = e.connections.length - 1; i >= 0; i--) if (canCall(e.connections[i]!)) return e.connections[i];
    return undefined;
  }

  function authorize(req: IncomingMessage): boolean {
    if (!token) return true;
    const header = headerValue(req, authHeader);
    if (header !== undefined) {
      const m = /^(\S+)\s+(\S+)$/.exec(header.trim());
      return m !== null && schemes.includes(m[1]!.toLowerCase()) && sameSecret(m[2]!, token);
    }
    if (authQuery) {
      const q = new URL(req.url ?? '/', 'http://x').searchParams.get(authQuery);
      if (q !== null) return sameSecret(q, token);
    }
    return false;
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    if (options.path && pathname !== options.path) {
      // On a shared server another upgrade handler may own this path.
      if (ownServer) refuse(socket, 404, 'Not Found');
      return;
    }
    socket.on('error', () => undefined);
    if (closing) return refuse(socket, 503, 'Service Unavailable');
    if (!authorize(req)) return refuse(socket, 401, 'Unauthorized');
    const selfId = headerValue(req, selfIdHeader)?.trim() || undefined;
    if (selfIdRequired && !selfId) return refuse(socket, 400, 'Bad Request');
    const roleText = headerValue(req, roleHeader)?.trim();
    const role = roleText ? ROLES[roleText.toLowerCase()] : 'Universal';
    if (!role) return refuse(socket, 400, 'Bad Request');
    const upgrade = () => wss.handleUpgrade(req, socket, head, (ws) => accept(ws, req, selfId, role));
    if (!codecReady) return upgrade();
    codecReady.then(upgrade, () => refuse(socket, 500, 'Internal Server Error'));
  }

  function accept(ws: WebSocket, req: IncomingMessage, selfId: string | undefined, role: BotRole): void {
    if (closing) {
      ws.terminate();
      return;
    }
    const impl = subprotocolPrefix && ws.protocol.startsWith(subprotocolPrefix) ? ws.protocol.slice(subprotocolPrefix.length) : undefined;
    const conn: Connection = {
      id: ++nextConnectionId,
      ws,
      role,
      impl,
      remoteAddress: req.socket.remoteAddress,
      bots: new Map(),
      closed: false,
      channel: undefined as unknown as WsChannel,
    };
    conn.channel = new WsChannel(ws, {
      protocol: protocol.name,
      codec,
      echoField,
      echoPrefix: newEchoPrefix(),
      secrets,
      onEvent: (event) => onConnectionEvent(conn, event),
      onError: (error) => emitter.emit('error', error),
      onClose: (code, reason) => onConnectionClose(conn, code, reason),
    });
    ws.on('error', (error: Error) => emitter.emit('error', new NetworkError(ctx, redact(`bot connection error: ${error.message}`, secrets()))));
    connections.add(conn);
    startPing(conn);
    if (selfId) register(conn, selfId, undefined);
  }

  function register(conn: Connection, selfId: string, self: BotSelf | undefined): void {
    if (conn.bots.has(selfId) || conn.closed) return;
    conn.bots.set(selfId, self);
    const e = entryFor(selfId);
    // A new connection of the same bot and role replaces the old one.
    for (const old of e.connections) {
      if (old !== conn && old.role === conn.role) {
        old.bots.delete(selfId);
        if (old.bots.size === 0) old.ws.close(1000, 'replaced by a new connection');
      }
    }
    e.connections = e.connections.filter((c) => c.bots.has(selfId));
    e.connections.push(conn);
    const handle = handleFor(selfId);
    emitter.emit('connect', { selfId, role: conn.role, impl: conn.impl, remoteAddress: conn.remoteAddress, transport: handle });
    if (canCall(conn)) {
      for (const w of [...e.waiters]) w.resolve(handle);
      e.waiters.clear();
      handle.flush();
    }
  }

  function learnSelves(conn: Connection, event: Record<string, unknown>): void {
    const learn = (self: unknown) => {
      if (isObject(self) && typeof self['user_id'] === 'string' && typeof self['platform'] === 'string' && self['user_id']) {
        register(conn, self['user_id'], { platform: self['platform'], user_id: self['user_id'] });
      }
    };
    learn(event['self']);
    const status = event['status'];
    if (isObject(status) && Array.isArray(status['bots'])) for (const b of status['bots']) if (isObject(b)) learn(b['self']);
  }

  function onConnectionEvent(conn: Connection, event: unknown): void {
    let selfId: string | undefined;
    if (isObject(event)) {
      if (multiBot) learnSelves(conn, event);
      const self = event['self'];
      if (isObject(self) && typeof self['user_id'] === 'string') selfId = self['user_id'];
      else if (conn.bots.size === 1) selfId = conn.bots.keys().next().value;
      else if (event['self_id'] !== undefined && event['self_id'] !== null) selfId = String(event['self_id']);
    } else if (conn.bots.size === 1) {
      selfId = conn.bots.keys().next().value;
    }
    emitter.emit('event', { selfId, role: conn.role, impl: conn.impl, event });
    if (selfId) entries.get(selfId)?.handle?.emitEvent(event);
  }

  function onConnectionClose(conn: Connection, code: number, reason: string): void {
    conn.closed = true;
    connections.delete(conn);
    for (const selfId of conn.bots.keys()) {
      const e = entries.get(selfId);
      if (e) e.connections = e.connections.filter((c) => c !== conn);
      emitter.emit('disconnect', { selfId, role: conn.role, impl: conn.impl, code, reason });
    }
  }

  function startPing(conn: Connection): void {
    keepAlive(conn.ws, pingIntervalMs);
  }


  function closeSockets(list: Connection[], code: number, why: string): Promise<void> {
    return Promise.all(
      list.map(
        (c) =>
          new Promise<void>((resolve) => {
            c.channel.dispose(why);
            if (c.ws.readyState === WebSocket.CLOSED) return resolve();
            const timer = setTimeout(() => c.ws.terminate(), 1000);
            c.ws.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
            c.ws.close(code, why);
          }),
      ),
    ).then(() => undefined);
  }

  function handleFor(selfId: string): BotHandle {
    const e = entryFor(selfId);
    if (e.handle) return e.handle;
    const queue = new Set<Queued>();
    const events = new Emitter<{ event: unknown }>((error) => emitter.emit('error', error instanceof Error ? error : new Error(String(error))));
    let inflight = 0;
    let closed = false;

    function send(conn: Connection, req: TransportRequest): Promise<TransportResponse> {
      inflight++;
      const p = conn.channel.call(req, conn.bots.get(selfId));
      p.then(
        () => inflight--,
        () => inflight--,
      );
      return p;
    }

    const handle: BotHandle = {
      kind: 'reverse-ws',
      selfId,
      get connected() {
        return apiConnection(e) !== undefined;
      },
      get pendingCount() {
        return inflight + queue.size;
      },
      request(req) {
        if (req.signal.aborted) return Promise.reject(req.signal.reason);
        if (closed || closing) return Promise.reject(new DisconnectedError({ ...ctx, action: req.action }, 'transport closed'));
        const conn = apiConnection(e);
        if (conn) return send(conn, req);
        if (whileDisconnected === 'fail') {
          return Promise.reject(new DisconnectedError({ ...ctx, action: req.action }, `bot ${selfId} is not connected`));
        }
        return new Promise<TransportResponse>((resolve, reject) => {
          const q: Queued = {
            request: req,
            resolve,
            reject,
            onAbort: () => {
              if (queue.delete(q)) reject(req.signal.reason);
            },
          };
          req.signal.addEventListener('abort', q.onAbort, { once: true });
          queue.add(q);
        });
      },
      onEvent: (listener) => events.on('event', listener),
      flush() {
        for (const q of [...queue]) {
          const conn = apiConnection(e);
          if (!conn) return;
          queue.delete(q);
          q.request.signal.removeEventListener('abort', q.onAbort);
          send(conn, q.request).then(q.resolve, q.reject);
        }
      },
      failAll(error) {
        const list = [...queue];
        queue.clear();
        for (const q of list) {
          q.request.signal.removeEventListener('abort', q.onAbort);
          q.reject(error(q.request.action));
        }
      },
      emitEvent: (event) => events.emit('event', event),
      async close() {
        if (closed) return;
        closed = true;
        if (e.handle === handle) e.handle = undefined;
        handle.failAll((action) => new DisconnectedError({ ...ctx, action }, 'transport closed'));
        events.clear();
        // Connections that carry only this bot are closed; shared OneBot 12 connections stay.
        const own = e.connections.filter((c) => c.bots.size === 1);
        for (const c of e.connections) if (c.bots.size > 1) c.bots.delete(selfId);
        e.connections = [];
        await closeSockets(own, 1000, 'client closing');
      },
    };
    e.handle = handle;
    return handle;
  }

  httpServer.on('upgrade', onUpgrade);

  return {
    get port() {
      const a = httpServer.address();
      return a && typeof a === 'object' ? a.port : undefined;
    },
    ready: () => listening,
    bot: (selfId) => handleFor(String(selfId)),
    waitForBot(selfIdIn, waitOptions = {}) {
      const selfId = String(selfIdIn);
      if (closing) return Promise.reject(new DisconnectedError(ctx, 'server closed'));
      const e = entryFor(selfId);
      if (apiConnection(e)) return Promise.resolve(handleFor(selfId));
      const { timeoutMs, signal } = waitOptions;
      if (signal?.aborted) return Promise.reject(signal.reason);
      return new Promise<BotTransport>((resolve, reject) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const onAbort = () => finish(() => reject(signal!.reason));
        const finish = (fn: () => void) => {
          if (!e.waiters.delete(waiter)) return;
          if (timer) clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          fn();
        };
        const waiter = {
          resolve: (t: BotTransport) => {
            if (timer) clearTimeout(timer);
            signal?.removeEventListener('abort', onAbort);
            resolve(t);
          },
          reject: (err: unknown) => {
            if (timer) clearTimeout(timer);
            signal?.removeEventListener('abort', onAbort);
            reject(err);
          },
        };
        e.waiters.add(waiter);
        if (timeoutMs !== undefined && Number.isFinite(timeoutMs)) {
          timer = setTimeout(() => finish(() => reject(new TimeoutError({ ...ctx, action: `waitForBot(${selfId})` }, timeoutMs))), timeoutMs);
        }
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    bots: () => [...entries.values()].filter((e) => e.connections.length > 0).map((e) => e.selfId),
    on: (type, listener) => emitter.on(type, listener),
    close() {
      if (closing) return closing;
      httpServer.off('upgrade', onUpgrade);
      const all = [...connections];
      for (const e of entries.values()) {
        e.handle?.failAll((action) => new DisconnectedError({ ...ctx, action }, 'server closed'));
        for (const w of [...e.waiters]) w.reject(new DisconnectedError(ctx, 'server closed'));
        e.waiters.clear();
      }
      closing = (async () => {
        await closeSockets(all, 1001, 'server closing');
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        if (ownServer) {
          await listening.catch(() => undefined);
          await new Promise<void>((resolve) => {
            ownServer.close(() => resolve());
            ownServer.closeAllConnections();
          });
        }
      })();
      return closing;
    },
  };
}
