/**
 * One WebSocket carrying OneBot-style RPC: requests go out as `{action, params, echo[, self]}` frames,
 * answers are matched back by `echo`, every other frame is an event. Shared by the forward WebSocket
 * transport (ws-transport.ts) and the reverse WebSocket server (reverse-ws.ts); neither reconnects
 * here, a channel lives and dies with its socket.
 *
 * Settle contract: every call made on a channel settles exactly once — with the answer, with the
 * signal's reason when the core aborts it (timeout, caller's signal), or with `DisconnectedError`
 * the moment the socket closes (the pending entry is removed in every case).
 */
/**
 * The part of a `ws` WebSocket a channel uses, declared here so the published types need neither
 * `@types/ws` nor `@types/node`.
 */
export interface WsSocketLike {
  readonly readyState: number;
  send(data: string | Uint8Array): void;
  on(event: string, listener: (...args: any[]) => void): unknown;
}

/** Frame bytes as text (a Buffer decodes without a copy). */
function utf8(data: Uint8Array): string {
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
}
import { DisconnectedError, ProtocolError, redact } from './errors.js';
import { parseJson, stringifyJson } from './json.js';
import type { AbortSignalLike, TransportRequest, TransportResponse } from './transport.js';
import { isObject } from './is-object.js';

/** OneBot 12 `self`: which bot of a multi-bot connection an action is for. */
export interface BotSelf {
  platform: string;
  user_id: string;
}

/** `json`: text frames (default). `msgpack`: requests as binary MessagePack frames (OneBot 12). */
export type WsEncoding = 'json' | 'msgpack';

export type Listener<T> = (value: T) => void;

/** A minimal typed emitter: `on` returns the function that unsubscribes. */
export class Emitter<Events extends Record<string, unknown>> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();
  constructor(private readonly onListenerError: (error: unknown) => void) {}

  on<K extends keyof Events>(type: K, listener: Listener<Events[K]>): () => void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => {
      set.delete(listener as Listener<never>);
    };
  }

  has(type: keyof Events): boolean {
    return (this.listeners.get(type)?.size ?? 0) > 0;
  }

  emit<K extends keyof Events>(type: K, value: Events[K]): void {
    const set = this.listeners.get(type);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<Events[K]>)(value);
      } catch (error) {
        // A throwing listener must never break frame routing (and with it, pending calls).
        if (type === 'error') console.error(error);
        else this.onListenerError(error);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}

export interface Codec {
  readonly encoding: WsEncoding;
  encode(frame: Record<string, unknown>): string | Uint8Array;
  /** Decodes one frame. `raw` is the text that arrived, or for MessagePack the frame re-written as JSON. */
  decode(data: Uint8Array, isBinary: boolean): { body: unknown; raw: string };
  /** Loads what the codec needs (MessagePack is imported on first use); await before encode/decode. */
  ready?(): Promise<void>;
}


/** msgpack int64/uint64 arrive as bigint; keep only the unsafe ones as bigint, like `parseJson`. */
function normalizeInts(value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = normalizeInts(value[i]);
  } else if (isObject(value) && !(value instanceof Uint8Array)) {
    for (const key of Object.keys(value)) value[key] = normalizeInts(value[key]);
  }
  return value;
}

function decodeText(data: Uint8Array): { body: unknown; raw: string } {
  const raw = utf8(data);
  return { body: parseJson(raw), raw };
}

const jsonCodec: Codec = {
  encoding: 'json',
  encode: (frame) => stringifyJson(frame),
  // Text frames are JSON; a binary frame from a JSON peer is JSON too (UTF-8).
  decode: (data) => decodeText(data),
};

let msgpackCodec: Codec | undefined;
let msgpack: typeof import('@msgpack/msgpack') | undefined;
let msgpackLoading: Promise<void> | undefined;

function createMsgpackCodec(): Codec {
  // Plain MessagePack. `useBigInt64`: a bigint goes out as int64/uint64 and every 64-bit integer comes
  // back as bigint, never a rounded number; normalizeInts turns the safe ones back into numbers.
  // Safe integers beyond 32 bits are written as int64/uint64 too, so typed peers (Go, Kotlin) read ints.
  const options = { useBigInt64: true, ignoreUndefined: true } as const;
  return {
    encoding: 'msgpack',
    ready: () => (msgpackLoading ??= import('@msgpack/msgpack').then((m) => void (msgpack = m))),
    encode: (frame) => msgpack!.encode(frame, options),
    decode(data, isBinary) {
      // OneBot 12: a text frame is JSON, a binary frame MessagePack; events are always JSON text.
      if (!isBinary) return decodeText(data);
      const body = normalizeInts(msgpack!.decode(data, options));
      return { body, raw: stringifyJson(body) ?? '' };
    },
  };
}

export function codecFor(encoding: WsEncoding | undefined): Codec {
  if (encoding === undefined || encoding === 'json') return jsonCodec;
  if (encoding === 'msgpack') return (msgpackCodec ??= createMsgpackCodec());
  throw new TypeError(`unknown WebSocket encoding "${String(encoding)}" (expected "json" or "msgpack")`);
}

/** A process-unique echo prefix, so a late answer for an earlier connection can never match a new call. */
let channelCounter = 0;
const PROCESS_TAG = Math.random().toString(36).slice(2, 8);
export function newEchoPrefix(): string {
  return `qqwire:${PROCESS_TAG}:${(++channelCounter).toString(36)}:`;
}

interface Pending {
  action: string;
  resolve: (response: TransportResponse) => void;
  reject: (error: unknown) => void;
  signal: AbortSignalLike;
  onAbort: () => void;
}

export interface ChannelOptions {
  protocol: string;
  codec: Codec;
  /** The envelope's echo field (`echo`). */
  echoField: string;
  /** Prefix of every echo this side generates; a frame with such an echo is never an event. */
  echoPrefix: string;
  secrets: () => readonly string[];
  onEvent: (event: unknown) => void;
  /** A frame that is neither JSON/MessagePack nor a known answer (for diagnostics). */
  onError: (error: Error) => void;
  /** Called once, after every pending call has been rejected. */
  onClose: (code: number, reason: string) => void;
}

/** RPC over one open socket. Create it once the socket is open. */
export class WsChannel {
  private readonly pending = new Map<string, Pending>();
  private seq = 0;
  private closed = false;

  constructor(
    readonly socket: WsSocketLike,
    private readonly options: ChannelOptions,
  ) {
    socket.on('message', (data: Buffer, isBinary: boolean) => this.onMessage(data, isBinary));
    socket.on('close', (code: number, reason: Buffer) => {
      const text = redact(reason.toString('utf8'), options.secrets());
      this.dispose(`connection closed (code ${code}${text ? `: ${text}` : ''})`);
      options.onClose(code, text);
    });
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  get isOpen(): boolean {
    return !this.closed && this.socket.readyState === 1;
  }

  /** Sends one call. The frame is written whole or, if the socket is not open, not at all. */
  call(request: TransportRequest, self?: BotSelf): Promise<TransportResponse> {
    const { signal, action } = request;
    if (signal.aborted) return Promise.reject(signal.reason);
    if (!this.isOpen) return Promise.reject(this.disconnected(action, 'not connected'));
    const echo = this.options.echoPrefix + (++this.seq).toString(36);
    const frame: Record<string, unknown> = { action, params: request.params ?? {}, [this.options.echoField]: echo };
    if (self) frame['self'] = self;
    // Encode before registering: a frame that cannot be encoded is never half-sent.
    const data = this.options.codec.encode(frame);
    return new Promise<TransportResponse>((resolve, reject) => {
      const onAbort = () => {
        if (this.pending.delete(echo)) reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending.set(echo, { action, resolve, reject, signal, onAbort });
      this.socket.send(data);
    });
  }

  /** Rejects every pending call with `DisconnectedError` now (the socket's own close may come later). */
  dispose(why: string): void {
    if (this.closed) return;
    this.closed = true;
    const entries = [...this.pending.values()];
    this.pending.clear();
    for (const p of entries) {
      p.signal.removeEventListener('abort', p.onAbort);
      p.reject(this.disconnected(p.action, why));
    }
  }

  private disconnected(action: string, why: string): DisconnectedError {
    return new DisconnectedError({ protocol: this.options.protocol, action }, why);
  }

  private onMessage(data: Uint8Array, isBinary: boolean): void {
    let decoded: { body: unknown; raw: string };
    try {
      decoded = this.options.codec.decode(data, isBinary);
    } catch {
      const preview = redact(utf8(data.subarray(0, 200)), this.options.secrets());
      this.options.onError(new ProtocolError({ protocol: this.options.protocol }, 'undecodable WebSocket frame dropped', preview));
      return;
    }
    const { body } = decoded;
    if (isObject(body)) {
      const echo = body[this.options.echoField];
      if (typeof echo === 'string' && echo.startsWith(this.options.echoPrefix)) {
        const p = this.pending.get(echo);
        if (p) {
          this.pending.delete(echo);
          p.signal.removeEventListener('abort', p.onAbort);
          p.resolve({ body, raw: decoded.raw });
        }
        // An answer to a call that already timed out or was aborted: it is not an event either.
        return;
      }
    }
    this.options.onEvent(body);
  }
}
