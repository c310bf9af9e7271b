/**
 * QQ official WebSocket gateway receiver.
 *
 *   const { auth } = qqOfficialOptions({ protocol, appId, clientSecret });
 *   const client = createQqOfficialClient({ ...qqOfficialOptions(…) });
 *   const gateway = createQqGateway({ protocol, auth, client, intents: ['GROUP_AND_C2C_EVENT'], sink });
 *   await gateway.start();   // resolves at READY
 *   await gateway.close();   // no socket, no timer left
 *
 * Every fact (opcodes, intent bits, close codes, READY / RESUMED names, the URL action) comes from the
 * descriptor's `transport.events.gateway`. The conversation, per connection:
 * Hello `{heartbeat_interval}` → Identify `{token: "QQBot <app token>", intents, shard, properties}`
 * (or Resume `{token, session_id, seq}` when a session is known) → READY (or the missed dispatches and
 * RESUMED). A heartbeat `{op, d: last seq}` goes out every interval; a heartbeat not acknowledged by the
 * next one means a dead connection, which is dropped and resumed.
 * - Reconnect (op 7) and a dropped socket: reconnect and Resume. Dispatches the server replays with a
 *   seq already delivered are skipped, so after a resume no event is lost or delivered twice.
 * - Invalid Session (op 9) and the schema's `reidentify` close codes: forget the session, Identify
 *   again; after op 9 with a fresh token (the rejected one is not reused).
 * - The schema's `fatal` close codes stop the receiver (`onError`, and `start()` rejects if pending).
 * - Reconnects use `backoffDelay` (full jitter), growing while connections fail before READY/RESUMED.
 * - Each dispatch goes to `sink.onEvent(frame, {delivery: 'gateway', selfId})` in arrival order, the
 *   frame (`{op, s, t, id, d}`) parsed losslessly. The token never appears in an error.
 */
import type WebSocket from 'ws';
import { closeSocket, loadWebSocket } from '../ws-lifecycle.js';
import { NetworkError, ProtocolError, redactError } from '../errors.js';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../http-transport.js';
import { isObject } from '../is-object.js';
import { parseJson, stringifyJson } from '../json.js';
import type { CodeSpan, GatewayEventsInfo, ProtocolDescriptor } from '../transport.js';
import { backoffDelay, type BackoffOptions } from '../ws-transport.js';
import type { EventReceiver, EventSink } from './receiver.js';

/** What the gateway needs of the app-access-token provider (`appAccessTokenAuth`, `qqOfficialOptions().auth`). */
export interface GatewayTokenSource {
  /** The current token; with `rejected`, a token other than that one. */
  accessToken(rejected?: string): Promise<string>;
  /** Strings to keep out of errors. */
  secrets(): string[];
}

export interface QqGatewayOptions extends BackoffOptions {
  /** The generated descriptor: `import { protocol } from 'qqwire/qq-official'`. */
  protocol: ProtocolDescriptor;
  auth: GatewayTokenSource;
  sink: EventSink;
  /** Intent names from the schema (`GROUP_AND_C2C_EVENT`, …) or the bitmask itself. */
  intents: readonly string[] | number;
  /** `[shard id, shard count]`. Default `[0, 1]`. */
  shard?: readonly [number, number] | undefined;
  /** The gateway URL. Default: asked of `client` with the schema's `urlAction` at every connect. */
  url?: string | undefined;
  /** A client of the protocol (`createQqOfficialClient(…)`) to ask for the URL. */
  client?: { call(action: string, params?: unknown): Promise<unknown> } | undefined;
  /** Identify `properties`. Default `{}`. */
  properties?: Record<string, unknown> | undefined;
  /** Opening handshake timeout. Default 10 000 ms. */
  handshakeTimeoutMs?: number | undefined;
  /** Largest frame accepted. Default 16 MiB. */
  maxPayloadBytes?: number | undefined;
  /** Random source for the backoff jitter (tests). Default `Math.random`. */
  random?: (() => number) | undefined;
}

export type GatewayState = 'idle' | 'connecting' | 'identifying' | 'resuming' | 'ready' | 'reconnecting' | 'closed';

export interface QqGateway extends EventReceiver {
  readonly kind: 'gateway';
  readonly state: GatewayState;
  /** The session to resume (from READY), if any. */
  readonly sessionId: string | undefined;
  /** The last dispatch seq delivered. */
  readonly seq: number | undefined;
}

/** The intents bitmask of intent names; an unknown name is a TypeError listing the known ones. */
export function gatewayIntents(facts: GatewayEventsInfo, intents: readonly string[] | number): number {
  if (typeof intents === 'number') return intents;
  let mask = 0;
  for (const name of intents) {
    const bit = facts.intents[name];
    if (bit === undefined) throw new TypeError(`unknown intent ${name} (known: ${Object.keys(facts.intents).join(', ')})`);
    // `|` would turn bit 31 negative; the sum of distinct powers of two does not.
    if (Math.floor(mask / 2 ** bit) % 2 === 0) mask += 2 ** bit;
  }
  return mask;
}

/** A typo should throw here, not loop forever. */
function checkUrl(url: string): void {
  const u = new URL(url);
  if (u.protocol !== 'ws:' && u.protocol !== 'wss:') throw new TypeError(`not a WebSocket URL: ${u.protocol}//…`);
}

function inSpans(code: number, spans: readonly CodeSpan[] | undefined): boolean {
  return (spans ?? []).some((s) => (typeof s === 'number' ? s === code : code >= s[0] && code <= s[1]));
}

export function createQqGateway(options: QqGatewayOptions): QqGateway {
  const { protocol, sink, auth } = options;
  const facts = protocol.transport.events?.gateway;
  if (!facts) throw new TypeError(`${protocol.name} has no WebSocket gateway (transport.events.gateway)`);
  const op = facts.opcodes;
  const intents = gatewayIntents(facts, options.intents);
  const shard = options.shard ?? [0, 1];
  if (!options.url && !options.client) throw new TypeError('createQqGateway: give `url`, or `client` to ask the gateway URL');
  if (options.url) checkUrl(options.url);
  const scheme = protocol.auth.scheme;
  const ctx = { protocol: protocol.name, action: 'gateway' };
  const random = options.random ?? Math.random;

  let state: GatewayState = 'idle';
  let socket: WebSocket | undefined;
  let sessionId: string | undefined;
  let seq: number | undefined;
  let selfId: string | undefined;
  /** The token the last Identify / Resume carried, and whether the server rejected it (op 9). */
  let sentToken: string | undefined;
  let rejectedToken: string | undefined;
  /** Connections in a row that ended before READY / RESUMED. */
  let failures = 0;
  let heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let ready: { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void; settled: boolean } | undefined;
  let closing: Promise<void> | undefined;

  function report(error: Error): void {
    redactError(error, auth.secrets());
    try {
      sink.onError?.(error);
    } catch {
      // A throwing error handler must not stop the receiver.
    }
  }

  function settleReady(error?: Error): void {
    if (!ready || ready.settled) return;
    ready.settled = true;
    if (error) ready.reject(error);
    else ready.resolve();
  }

  function send(ws: WebSocket, frame: unknown): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  }

  function stopHeartbeat(): void {
    if (heartbeatTimer) clearInterval(heartbeatTimer);
    heartbeatTimer = undefined;
  }

  /** Whether the last heartbeat was acknowledged (a connection that misses one is dead). */
  let acked = true;

  function heartbeat(ws: WebSocket): void {
    send(ws, { op: op.heartbeat, d: seq ?? null });
  }

  function startHeartbeat(ws: WebSocket, intervalMs: number): void {
    stopHeartbeat();
    acked = true;
    heartbeatTimer = setInterval(() => {
      if (!acked) {
        report(new NetworkError(ctx, `no heartbeat ACK within ${intervalMs} ms; dropping the connection to resume`));
        ws.terminate();
        return;
      }
      acked = false;
      heartbeat(ws);
    }, intervalMs);
  }

  async function login(ws: WebSocket): Promise<void> {
    let token: string;
    try {
      token = await auth.accessToken(rejectedToken);
    } catch (error) {
      report(error instanceof Error ? error : new Error(String(error)));
      ws.terminate();
      return;
    }
    if (socket !== ws || state === 'closed') return;
    rejectedToken = undefined;
    sentToken = token;
    const full = scheme ? `${scheme} ${token}` : token;
    if (sessionId !== undefined && seq !== undefined) {
      state = 'resuming';
      send(ws, { op: op.resume, d: { token: full, session_id: sessionId, seq } });
    } else {
      state = 'identifying';
      sessionId = undefined;
      seq = undefined; // a new session numbers its dispatches from 1 again
      send(ws, { op: op.identify, d: { token: full, intents, shard: [...shard], properties: options.properties ?? {} } });
    }
  }

  function deliver(frame: Record<string, unknown>): void {
    try {
      const result = sink.onEvent(frame, { delivery: 'gateway', selfId });
      if (result instanceof Promise) result.catch((error: unknown) => report(handlerError(error)));
    } catch (error) {
      report(handlerError(error));
    }
  }

  function handlerError(error: unknown): Error {
    return new ProtocolError(ctx, `the event handler failed: ${error instanceof Error ? error.message : String(error)}`, '');
  }

  function onDispatch(frame: Record<string, unknown>): void {
    const s = frame['s'];
    if (typeof s === 'number') {
      // A resumed session replays from the seq we sent; anything at or below it was delivered already.
      if (seq !== undefined && s <= seq) return;
      seq = s;
    }
    const t = frame['t'];
    const d = frame['d'];
    if (t === (facts!.readyEvent)) {
      const id = isObject(d) ? d[facts!.sessionIdField] : undefined;
      sessionId = typeof id === 'string' ? id : undefined;
      const user = isObject(d) ? d['user'] : undefined;
      const uid = isObject(user) ? user['id'] : undefined;
      selfId = typeof uid === 'string' || typeof uid === 'bigint' || typeof uid === 'number' ? String(uid) : selfId;
    }
    if (t === (facts!.readyEvent) || t === (facts!.resumedEvent)) {
      state = 'ready';
      failures = 0;
      settleReady();
    }
    deliver(frame);
  }

  function onFrame(ws: WebSocket, data: WebSocket.RawData): void {
    let frame: unknown;
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
    try {
      frame = parseJson(text);
    } catch {
      frame = undefined;
    }
    if (!isObject(frame) || typeof frame['op'] !== 'number') {
      report(new ProtocolError(ctx, 'a gateway frame is not a JSON payload with a numeric op; ignored', text));
      return;
    }
    switch (frame['op']) {
      case op.dispatch:
        return onDispatch(frame);
      case op.hello: {
        const d = frame['d'];
        const interval = isObject(d) ? Number(d[facts!.heartbeatIntervalField]) : NaN;
        if (Number.isFinite(interval) && interval > 0) startHeartbeat(ws, interval);
        else report(new ProtocolError(ctx, 'Hello without a usable heartbeat interval', text));
        void login(ws);
        return;
      }
      case op.heartbeatAck:
        acked = true;
        return;
      case op.heartbeat:
        return heartbeat(ws);
      // Dropped at once (no closing handshake to wait for); onClose reconnects and resumes or identifies.
      case op.reconnect:
        ws.terminate();
        return;
      case op.invalidSession:
        report(new ProtocolError(ctx, 'Invalid Session: identifying again with a fresh token', text));
        sessionId = undefined;
        seq = undefined;
        rejectedToken = sentToken;
        ws.terminate();
        return;
      default:
        report(new ProtocolError(ctx, `unknown op ${String(frame['op'])}; ignored`, text));
    }
  }

  async function gatewayUrl(): Promise<string> {
    if (options.url) return options.url;
    const result = await options.client!.call(facts!.urlAction);
    const url = isObject(result) ? result[facts!.urlField] : undefined;
    if (typeof url !== 'string' || !url) throw new ProtocolError(ctx, `${facts!.urlAction} returned no ${facts!.urlField}`, stringifyJson(result) ?? '');
    return url;
  }

  async function connect(): Promise<void> {
    reconnectTimer = undefined;
    if (state === 'closed') return;
    state = 'connecting';
    let url: string;
    try {
      url = await gatewayUrl();
    } catch (error) {
      failures++;
      report(error instanceof Error ? error : new Error(String(error)));
      scheduleReconnect();
      return;
    }
    const WebSocketImpl = await loadWebSocket();
    if ((state as GatewayState) === 'closed') return;
    let ws: WebSocket;
    try {
      checkUrl(url);
      ws = new WebSocketImpl(url, {
        handshakeTimeout: options.handshakeTimeoutMs ?? 10_000,
        perMessageDeflate: false,
        followRedirects: false,
        maxPayload: options.maxPayloadBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      });
    } catch (error) {
      failures++;
      report(new NetworkError(ctx, `cannot open the gateway connection: ${error instanceof Error ? error.message : String(error)}`, { cause: error }));
      scheduleReconnect();
      return;
    }
    socket = ws;
    ws.on('message', (data) => {
      if (socket === ws) onFrame(ws, data);
    });
    ws.on('error', (error: Error) => report(new NetworkError(ctx, `gateway connection failed: ${error.message}`, { cause: error })));
    ws.on('close', (code: number) => onClose(ws, code));
  }

  function onClose(ws: WebSocket, code: number): void {
    if (socket !== ws) return;
    socket = undefined;
    stopHeartbeat();
    if (state === 'closed') return;
    if (state !== 'ready') failures++;
    if (inSpans(code, facts!.closeCodes?.fatal)) {
      state = 'closed';
      const error = new NetworkError(ctx, `the gateway closed the connection with code ${code}, which forbids reconnecting`);
      report(error);
      settleReady(error);
      return;
    }
    if (inSpans(code, facts!.closeCodes?.reidentify)) {
      sessionId = undefined;
      seq = undefined;
    }
    scheduleReconnect();
  }

  function scheduleReconnect(): void {
    if (state === 'closed' || reconnectTimer) return;
    state = 'reconnecting';
    reconnectTimer = setTimeout(() => void connect(), backoffDelay(failures + 1, options, random));
  }

  return {
    kind: 'gateway',
    get state() {
      return state;
    },
    get sessionId() {
      return sessionId;
    },
    get seq() {
      return seq;
    },
    start() {
      if (state === 'closed') return Promise.reject(new NetworkError(ctx, 'the gateway receiver is closed'));
      if (!ready) {
        let resolve!: () => void;
        let reject!: (e: Error) => void;
        const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
        ready = { promise, resolve, reject, settled: false };
        void connect();
      }
      return ready.promise;
    },
    close() {
      if (closing) return closing;
      state = 'closed';
      if (reconnectTimer) clearTimeout(reconnectTimer);
      reconnectTimer = undefined;
      stopHeartbeat();
      settleReady(new NetworkError(ctx, 'closed before the gateway session was ready'));
      const ws = socket;
      socket = undefined;
      closing = closeSocket(ws, 'receiver closing');
      return closing;
    },
  };
}
