/**
 * Forward WebSocket event receivers.
 * - `createWsEventReceiver`: its own socket on the schema's events path (Milky `/event`, OneBot 11
 *   `/event`); every frame is an event. Reconnects with the WS transport's backoff.
 * - `createTransportEventReceiver`: the events of a socket that already carries calls (OneBot 11
 *   universal `/`, OneBot 12 `/`): it subscribes through `onEvents`, so there is no second socket.
 */
import type WebSocket from 'ws';
import { AuthError, NetworkError, redact, redactError } from '../errors.js';
import type { ProtocolDescriptor, Transport } from '../transport.js';
import { codecFor } from '../ws-channel.js';
import { onEvents, type BackoffOptions, type EventSourceLike } from '../ws-transport.js';
import { safeHost, streamHeaders, streamUrl } from './client-url.js';
import type { StreamAuthOptions } from './stream-auth.js';
import { badPayload, deliver, report } from './deliver.js';
import type { EventReceiver, EventSink } from './receiver.js';
import { Reconnector } from './reconnect.js';
import { closeSocket, keepAlive, loadWebSocket } from '../ws-lifecycle.js';

export interface WsEventReceiverOptions extends StreamAuthOptions, BackoffOptions {
  protocol: ProtocolDescriptor;
  /** `ws://host:port` (the schema's events path is added) or the full URL. */
  url: string;
  sink: EventSink;
  headers?: Record<string, string> | undefined;
  /** Ping this often; a socket that has not answered by the next ping is dropped (and reconnected). Default 30 000; 0 = off. */
  pingIntervalMs?: number | undefined;
  /** Largest frame accepted. Default 16 MiB. */
  maxPayloadBytes?: number | undefined;
  random?: (() => number) | undefined;
}

export function createWsEventReceiver(options: WsEventReceiverOptions): EventReceiver {
  const { protocol, sink } = options;
  const events = protocol.transport.events;
  if (!events?.ws) throw new TypeError(`${protocol.name} has no WebSocket event stream`);
  // Binary frames in the schema's encoding (`events.ws.binary`: OneBot 12 MessagePack); text frames JSON.
  const codec = codecFor(events.ws.binary ?? 'json');
  const url = streamUrl(options.url, events.ws.path, protocol, options);
  const ctx = { protocol: protocol.name };
  const secrets = options.accessToken ? [options.accessToken] : [];
  const info = { delivery: 'ws' } as const;
  let socket: WebSocket | undefined;
  let stopPing: () => void = () => {};
  const pingIntervalMs = options.pingIntervalMs ?? 30_000;
  let started: { resolve: () => void; reject: (e: unknown) => void } | undefined;
  let startPromise: Promise<void> | undefined;
  const reconnector = new Reconnector(connect, options, options.random);

  const fail = (error: Error): void => report(sink, redactError(error, secrets));

  let closed = false;

  async function connect(): Promise<void> {
    const headers = { ...options.headers, ...streamHeaders(protocol, options) };
    const [WebSocketImpl] = await Promise.all([loadWebSocket(), codec.ready?.()]);
    if (closed) return;
    const ws = new WebSocketImpl(url, { headers, perMessageDeflate: false, followRedirects: false, maxPayload: options.maxPayloadBytes ?? 16 * 1024 * 1024 });
    socket = ws;
    let rejected: number | undefined;
    ws.on('unexpected-response', (_req, res) => {
      rejected = res.statusCode;
      res.resume();
      ws.terminate();
    });
    ws.on('error', (error: Error) => {
      if (rejected === undefined) fail(new NetworkError(ctx, `event socket ${safeHost(url)} failed: ${redact(error.message, secrets)}`));
    });
    ws.on('open', () => {
      started?.resolve();
      started = undefined;
      startPing(ws);
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      reconnector.succeeded();
      let body: unknown;
      try {
        body = codec.decode(data, isBinary).body;
      } catch (error) {
        badPayload(sink, protocol.name, 'ws', isBinary ? data.toString('base64') : data.toString('utf8'), error);
        return;
      }
      void deliver(sink, body, info);
    });
    ws.on('close', () => {
      if (socket === ws) socket = undefined;
      stopPing();
      if (reconnector.stopped) return;
      if (rejected === 401 || rejected === 403) {
        const error = new AuthError(ctx, `event socket rejected: HTTP ${rejected} (check the access token)`, { status: rejected, attempts: 1 });
        reconnector.stop();
        fail(error);
        started?.reject(error);
        started = undefined;
        return;
      }
      const delay = reconnector.schedule();
      if (delay !== undefined) fail(new NetworkError(ctx, `event socket ${safeHost(url)} closed${rejected ? ` (HTTP ${rejected})` : ''}; reconnecting in ${delay} ms`));
    });
  }

  function startPing(ws: WebSocket): void {
    stopPing = keepAlive(ws, pingIntervalMs, () => fail(new NetworkError(ctx, `event socket ${safeHost(url)}: no pong within ${pingIntervalMs} ms; dropping it`)));
  }

  return {
    kind: 'ws',
    start() {
      if (startPromise) return startPromise;
      startPromise = new Promise<void>((resolve, reject) => (started = { resolve, reject }));
      void connect();
      return startPromise;
    },
    async close() {
      closed = true;
      reconnector.stop();
      stopPing();
      started?.reject(new NetworkError(ctx, 'receiver closed'));
      started = undefined;
      const ws = socket;
      socket = undefined;
      await closeSocket(ws, 'receiver closing');
    },
  };
}

type EventTarget = EventSourceLike | Transport | { transport: Transport } | { core: { transport: Transport } };

export interface TransportEventReceiverOptions {
  /** A client (or its transport) on a forward WebSocket: `createOnebot11Client({ baseUrl: 'ws://…' })`. */
  source: EventTarget;
  sink: EventSink;
}

/** Receives the events of a client's WebSocket. `close()` unsubscribes; the client still owns the socket. */
export function createTransportEventReceiver(options: TransportEventReceiverOptions): EventReceiver {
  let off: (() => void) | undefined;
  const info = { delivery: 'ws' } as const;
  return {
    kind: 'ws',
    async start() {
      off ??= onEvents(options.source, (event) => void deliver(options.sink, event, info));
      const t = 'core' in options.source ? options.source.core.transport : 'transport' in options.source ? options.source.transport : options.source;
      const ready = (t as { ready?: () => Promise<void> }).ready;
      if (typeof ready === 'function') await ready.call(t);
    },
    async close() {
      off?.();
      off = undefined;
    },
  };
}
