/**
 * The simulator's public shapes: options, faults, and the interface every protocol front end
 * implements. Front ends map the neutral world (world.ts) to their protocol's forms and transports.
 */
import type { World } from './world.js';

/** Faults a simulator injects; each maps to a typed error or behaviour of the client. */
export interface Faults {
  /** Added before every answer. */
  latencyMs?: number | undefined;
  /** WS answers are sent in reverse order of their requests, per batch of two. */
  reorderWs?: boolean | undefined;
  /** The connection is closed after this many frames sent by the simulator. */
  dropAfterFrames?: number | undefined;
  /** These actions answer a result that violates its schema. */
  invalidResponse?: readonly string[] | undefined;
  /** QQ numbers in OneBot 11 family answers are shifted past 2^53 (sim/big-ids.ts); Milky's Uin is capped at 2^32 by its schema. */
  bigIntegers?: boolean | undefined;
  /** Token lifetime in seconds (after it, the token gets the protocol's 401/403). */
  tokenExpiry?: number | undefined;
  /** Every `every`-th call answers 429 with `Retry-After: retryAfter` seconds. */
  rateLimit?: { every: number; retryAfter: number } | undefined;
  /** Every event is delivered twice. */
  duplicateEvents?: boolean | undefined;
}

export type SimProtocol = 'milky' | 'onebot11' | 'gocqhttp' | 'shamrock' | 'onebot12' | 'qq-official';

export interface SimulatorOptions {
  protocol: SimProtocol;
  /** 0 (default) picks a free port. */
  port?: number | undefined;
  host?: string | undefined;
  /** Access token the bot must present; none by default. */
  token?: string | undefined;
  /** A world to share between simulators, or a world document (see world.schema.json). */
  world?: World | WorldDocument | undefined;
  seed?: number | undefined;
  faults?: Faults | undefined;
  /** OneBot: the HMAC secret of HTTP POST event deliveries (`X-Signature`). */
  secret?: string | undefined;
  /** Where to POST events (webhook / HTTP POST delivery), if any. */
  webhookUrl?: string | undefined;
  /** Reverse WS: the bot's WS server the simulator connects to, if any. */
  reverseWsUrl?: string | undefined;
}

/** Context a front end is started with. */
export interface FrontEndContext {
  world: World;
  options: SimulatorOptions;
}

/** One protocol family's face of the world. */
export interface FrontEnd {
  /** URLs to print and give the client: e.g. { api: 'http://…/api', events: 'ws://…/event' }. */
  readonly urls: Readonly<Record<string, string>>;
  /** Resolves when every event so far was delivered to pushed endpoints (webhook, reverse WS). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export type FrontEndFactory = (ctx: FrontEndContext) => Promise<FrontEnd>;

export interface Simulator {
  readonly protocol: SimProtocol;
  readonly world: World;
  readonly urls: Readonly<Record<string, string>>;
  /** http://host:port, the base a client is given. */
  readonly baseUrl: string;
  readonly token: string | undefined;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** The JSON world format (sim/world.schema.json). */
export interface WorldDocument {
  bot: { id: number; nickname: string };
  users?: { id: number; nickname: string; sex?: 'male' | 'female' | 'unknown'; friend?: boolean }[];
  groups?: { id: number; name: string; members: { id: number; role?: 'owner' | 'admin' | 'member'; card?: string }[] }[];
  /** Seconds since epoch the world's clock starts at (default 1767225600, 2026-01-01). */
  startTime?: number;
}
