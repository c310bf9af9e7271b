/**
 * QQ official bot API v2 support for the one client factory: an app-access-token `AuthProvider`, the
 * production / sandbox base URLs, automatic `msg_seq` for passive replies, and `qqOfficialOptions`, which
 * bundles them into the `ClientOptions` that `createQqOfficialClient` (or `createClient`) takes.
 *
 * @example
 * import { createQqOfficialClient, protocol } from 'qqwire/qq-official';
 * import { AuditPendingError, qqOfficialOptions } from 'qqwire/runtime';
 *
 * const client = createQqOfficialClient({
 *   ...qqOfficialOptions({ protocol, appId: process.env.QQ_APP_ID!, clientSecret: process.env.QQ_SECRET!, sandbox: true }),
 *   timeoutMs: 10_000,
 * });
 * // A passive reply: msg_seq is assigned per msg_id (1, 2, 3 …) unless you pass one.
 * const sent = await client.sendGroupMessage({ group_openid, msg_id: event.id, msg_type: 0, content: 'hi' });
 * try {
 *   await client.sendChannelMessage({ channel_id, content: 'hello' });
 * } catch (error) {
 *   if (error instanceof AuditPendingError) console.log('held for review', error.auditId);
 *   else throw error;
 * }
 * await client.close();
 *
 * Token rules (protocols.md §5.2): `POST {appToken.url}` with `{appId, clientSecret}` returns
 * `{access_token, expires_in}` (`expires_in` a number or a string, 7200 s). Calls do not extend a token;
 * a token asked for in its last 60 s is a new one while the old one stays valid for those 60 s. The
 * provider fetches lazily (no timers), ahead of expiry by `refreshMarginMs`, single-flight, retries a
 * failed fetch with exponential backoff, and never caches a failure.
 */
import { request } from 'undici';
import type { AuthProvider } from './auth.js';
import type { ClientOptions } from './client.js';
import { AuthError, redact, redactError, type ErrorContext } from './errors.js';
import { parseRetryAfter } from './retry-after.js';
import { runtimeHasUndici, type FetchLike } from './http-transport.js';
import type { AbortSignalLike, AuthInfo, ProtocolDescriptor } from './transport.js';
import { isObject } from './is-object.js';

// ------------------------------------------------------------------------------------------ base URLs

/**
 * Production REST base (schemas/qq-official/protocol.yaml `x-base-url`). The runtime descriptor does not
 * carry the `x-` keys yet, so the values live here; a test checks them against generated protocol.json.
 */
export const QQ_OFFICIAL_BASE_URL = 'https://api.sgroup.qq.com';
/** Sandbox REST base (protocol.yaml `x-sandbox-base-url`). */
export const QQ_OFFICIAL_SANDBOX_BASE_URL = 'https://sandbox.api.sgroup.qq.com';

/** Descriptor keys a future generator may emit (`baseUrls`); read when present. */
interface DescriptorExtras {
  baseUrls?: { production?: string | undefined; sandbox?: string | undefined } | undefined;
}

/** The REST base URL: `baseUrl` if given, else sandbox or production. */
export function qqOfficialBaseUrl(options: { protocol?: ProtocolDescriptor | undefined; sandbox?: boolean | undefined; baseUrl?: string | undefined } = {}): string {
  if (options.baseUrl) return options.baseUrl;
  const urls = (options.protocol as (ProtocolDescriptor & DescriptorExtras) | undefined)?.baseUrls;
  return options.sandbox ? (urls?.sandbox ?? QQ_OFFICIAL_SANDBOX_BASE_URL) : (urls?.production ?? QQ_OFFICIAL_BASE_URL);
}

// ------------------------------------------------------------------------------------------ app access token

export interface AppAccessTokenOptions {
  appId: string;
  clientSecret: string;
  /** The descriptor's auth section (`protocol.auth`): token URL, header name, scheme, app id header. */
  auth: AuthInfo;
  /** Token endpoint; default `auth.appToken.url`. */
  url?: string | undefined;
  /** Name used in error messages. Default `qq-official`. */
  protocolName?: string | undefined;
  /**
   * Fetch a new token this long before the current one expires. Default 60 000 ms (the window in which
   * the endpoint hands out a new token). Tokens that live less than twice the margin refresh at half-life.
   */
  refreshMarginMs?: number | undefined;
  /** Requests per token fetch before giving up (first try included). Default 3. */
  maxAttempts?: number | undefined;
  /** First backoff delay; doubles per attempt. Default 500 ms. */
  retryDelayMs?: number | undefined;
  /** Backoff cap. Default 8 000 ms. */
  maxRetryDelayMs?: number | undefined;
  /** Timeout of one token request. Default 10 000 ms. */
  timeoutMs?: number | undefined;
  /** Use this instead of undici's `request`. */
  fetch?: FetchLike | undefined;
  /** Clock, for tests. Default `Date.now`. */
  now?: (() => number) | undefined;
}

export interface AppAccessTokenAuth extends AuthProvider {
  /** The current access token, fetching one if needed (e.g. for the gateway's Identify `QQBot {token}`). */
  accessToken(): Promise<string>;
  /** Token requests made so far (each attempt counts). */
  readonly fetchCount: number;
}

interface TokenState {
  token: string;
  /** Increments with every token obtained; a 401 names the generation it rejected. */
  gen: number;
  refreshAt: number;
  expiresAt: number;
}

class TokenFailure extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly init: { status?: number | undefined; retcode?: number | undefined; serverMessage?: string | undefined } = {},
    readonly original?: unknown,
    /** The endpoint's `Retry-After`, honoured instead of the backoff delay. */
    readonly retryAfterMs?: number | undefined,
  ) {
    super(message);
  }
}

const RECENT_TOKENS = 4;


async function undiciPost(
  url: string,
  init: { headers: Record<string, string>; body: string; signal: AbortSignal },
): Promise<{ status: number; text: string; retryAfter: string | undefined }> {
  const res = await request(url, { method: 'POST', headers: init.headers, body: init.body, signal: init.signal });
  const h = res.headers['retry-after'];
  return { status: res.statusCode, text: await res.body.text(), retryAfter: Array.isArray(h) ? h[0] : h };
}

/**
 * An `AuthProvider` for the QQ official app access token. Headers: `Authorization: QQBot <token>` and
 * `X-Union-Appid: <appId>` (names from the descriptor). `secrets()` lists the client secret and the
 * recent tokens, so the client core redacts them from every error.
 *
 * 401 handling: `refresh()` resolves true; the transport's retry asks `headers(signal)` again for the
 * same call, and that second ask knows which token the rejected attempt carried. Only a rejection of the
 * *current* token fetches a new one, and concurrent rejections share that fetch — so a burst of 401s
 * costs one token request, and 401s for a token that was already replaced cost none.
 */
export function appAccessTokenAuth(options: AppAccessTokenOptions): AppAccessTokenAuth {
  const url = options.url ?? options.auth.appToken?.url;
  if (!url) throw new TypeError('appAccessTokenAuth: no token URL (the descriptor has no auth.appToken.url)');
  if (!options.appId || !options.clientSecret) throw new TypeError('appAccessTokenAuth: appId and clientSecret are required');
  const headerName = options.auth.header ?? 'Authorization';
  const scheme = options.auth.scheme ?? 'QQBot';
  const appIdHeader = options.auth.appToken?.appIdHeader;
  const ctx: ErrorContext = { protocol: options.protocolName ?? 'qq-official', action: 'getAppAccessToken' };
  const marginMs = options.refreshMarginMs ?? 60_000;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3);
  const baseDelay = options.retryDelayMs ?? 500;
  const maxDelay = options.maxRetryDelayMs ?? 8_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const now = options.now ?? Date.now;
  const requestBody = JSON.stringify({ appId: options.appId, clientSecret: options.clientSecret });
  // As the HTTP transport: undici only where it is the runtime's own HTTP stack, else global fetch.
  const fetchFn: FetchLike | undefined = options.fetch ?? (runtimeHasUndici() ? undefined : (globalThis.fetch as unknown as FetchLike));

  let current: TokenState | undefined;
  let inflight: Promise<TokenState> | undefined;
  let generation = 0;
  let fetchCount = 0;
  /** Generation the last `refresh()` saw; for callers that pass no signal. */
  let refreshedGen: number | undefined;
  /** Which token generation each call's last attempt carried (keyed by the call's signal). */
  const used = new WeakMap<object, number>();
  const recent: string[] = [];

  const secrets = (): string[] => [options.clientSecret, ...recent];

  /** After `close()`: no request, no timer; every waiting caller gets an AuthError. */
  let closed = false;
  /** Cancels the running attempt or backoff wait (set while one runs). */
  const cancels = new Set<() => void>();
  const closedError = () => new AuthError(ctx, 'the client was closed before an app access token was obtained', { attempts: fetchCount });

  /** Waits `ms`, or rejects at once when the provider closes. */
  function sleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const cancel = () => {
        clearTimeout(timer);
        cancels.delete(cancel);
        reject(closedError());
      };
      const timer = setTimeout(() => {
        cancels.delete(cancel);
        resolve();
      }, ms);
      cancels.add(cancel);
    });
  }

  async function attempt(): Promise<{ token: string; lifetimeMs: number }> {
    if (closed) throw closedError();
    fetchCount++;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const cancel = () => controller.abort();
    cancels.add(cancel);
    let status: number;
    let text: string;
    let retryAfter: string | undefined;
    try {
      const headers = { 'content-type': 'application/json', accept: 'application/json' };
      if (fetchFn) {
        const res = await fetchFn(url!, { method: 'POST', headers, body: requestBody, signal: controller.signal });
        status = res.status;
        res.headers.forEach((v, k) => {
          if (k.toLowerCase() === 'retry-after') retryAfter = v;
        });
        text = await res.text();
      } else {
        ({ status, text, retryAfter } = await undiciPost(url!, { headers, body: requestBody, signal: controller.signal }));
      }
    } catch (error) {
      if (closed) throw closedError();
      const detail = controller.signal.aborted
        ? `no response within ${timeoutMs} ms`
        : error instanceof Error
          ? `${error.name}: ${error.message}`
          : String(error);
      throw new TokenFailure(`cannot reach ${url}: ${detail}`, true, {}, error);
    } finally {
      clearTimeout(timer);
      cancels.delete(cancel);
    }
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    const token = isObject(body) ? body['access_token'] : undefined;
    if (status >= 200 && status < 300 && typeof token === 'string' && token.length > 0) {
      const seconds = Number(isObject(body) ? body['expires_in'] : undefined);
      if (!Number.isFinite(seconds) || seconds <= 0) {
        recent.unshift(token); // redact it from this very error too
        recent.length = Math.min(recent.length, RECENT_TOKENS);
        throw new TokenFailure('the token response has no valid expires_in', false);
      }
      return { token, lifetimeMs: seconds * 1000 };
    }
    // An error: a non-2xx status, or (seen in the wild) HTTP 200 with an error body.
    const code = isObject(body) ? Number(body['code'] ?? body['err_code']) : NaN;
    const message = isObject(body) ? (body['message'] ?? body['msg']) : undefined;
    const init = {
      status,
      retcode: Number.isFinite(code) ? code : undefined,
      serverMessage: typeof message === 'string' && message ? redact(message, secrets()) : undefined,
    };
    const retryable = status >= 500 || status === 429 || status === 408 || (status < 300 && init.retcode === undefined);
    const what = init.serverMessage ? `: ${init.serverMessage}` : body === undefined ? ': the body is not JSON' : ': no access_token';
    const wait = status === 429 || status === 503 ? parseRetryAfter(retryAfter) : undefined;
    throw new TokenFailure(`HTTP ${status}${init.retcode !== undefined ? ` code ${init.retcode}` : ''}${what}`, retryable, init, undefined, wait);
  }

  async function fetchToken(): Promise<TokenState> {
    for (let n = 1; ; n++) {
      try {
        const { token, lifetimeMs } = await attempt();
        const obtained = now();
        const early = lifetimeMs > 2 * marginMs ? lifetimeMs - marginMs : lifetimeMs / 2;
        const state: TokenState = { token, gen: ++generation, refreshAt: obtained + early, expiresAt: obtained + lifetimeMs };
        if (!recent.includes(token)) recent.unshift(token);
        recent.length = Math.min(recent.length, RECENT_TOKENS);
        current = state;
        return state;
      } catch (error) {
        if (error instanceof AuthError) throw error; // closed
        const failure = error instanceof TokenFailure ? error : new TokenFailure(String(error), false);
        if (!failure.retryable || n >= maxAttempts) {
          const message = `cannot get an app access token after ${n} attempt${n === 1 ? '' : 's'}: ${failure.message}`;
          const cause = failure.original !== undefined ? { cause: failure.original } : undefined;
          throw redactError(new AuthError(ctx, message, { ...failure.init, attempts: n }, cause), secrets());
        }
        // The endpoint's Retry-After wins over the backoff (it says when a new request may succeed).
        await sleep(failure.retryAfterMs ?? Math.min(maxDelay, baseDelay * 2 ** (n - 1)));
      }
    }
  }

  /** The token to send; `rejectedGen` is the generation a 401 rejected (refetch only if still current). */
  function token(rejectedGen?: number): TokenState | Promise<TokenState> {
    const cur = current;
    const rejected = cur !== undefined && rejectedGen === cur.gen;
    const t = now();
    if (cur && !rejected && t < cur.refreshAt) return cur;
    if (!inflight) {
      inflight = fetchToken();
      const clear = () => {
        inflight = undefined;
      };
      inflight.then(clear, clear);
    }
    // Inside the refresh margin the old token is still valid: if the refresh fails, keep using it.
    if (cur && !rejected && t < cur.expiresAt) return inflight.catch(() => cur);
    return inflight;
  }

  return {
    async headers(signal?: AbortSignalLike) {
      const key = signal as object | undefined;
      // A second ask for the same call is the transport's retry after a 401 and names the token it rejected.
      const rejectedGen = key !== undefined ? used.get(key) : refreshedGen;
      const state = await token(rejectedGen);
      if (key !== undefined) used.set(key, state.gen);
      const headers: Record<string, string> = { [headerName]: scheme ? `${scheme} ${state.token}` : state.token };
      if (appIdHeader) headers[appIdHeader] = options.appId;
      return headers;
    },
    query: () => ({}),
    async refresh() {
      // Signal-less callers have no per-call record: remember the generation a 401 was seen with.
      refreshedGen = current?.gen;
      return true;
    },
    secrets,
    close() {
      closed = true;
      for (const cancel of [...cancels]) cancel();
    },
    async accessToken() {
      return (await token()).token;
    },
    get fetchCount() {
      return fetchCount;
    },
  };
}

// ------------------------------------------------------------------------------------------ msg_seq

/**
 * Actions whose body pairs `msg_id` with `msg_seq`, and their passive-reply windows (protocols.md §5.4:
 * C2C replies are valid for 60 min, group replies for 5 min). Isolated here until the schema can say it
 * per action (see the report: `x-passive-reply`).
 */
export const PASSIVE_REPLY_WINDOWS_MS: Readonly<Record<string, number>> = {
  send_c2c_message: 60 * 60_000,
  send_group_message: 5 * 60_000,
};

export interface MsgSeqOptions {
  /** Action → reply window in ms. Default `PASSIVE_REPLY_WINDOWS_MS`. */
  windows?: Readonly<Record<string, number>> | undefined;
  /** Hard cap on tracked msg_ids (oldest dropped first). Default 100 000. */
  maxEntries?: number | undefined;
  /** Clock, for tests. Default `Date.now`. */
  now?: (() => number) | undefined;
}

export interface MsgSeqAllocator {
  /** The next unused seq for `msgId` (1, 2, 3 …, skipping any taken explicitly). */
  next(msgId: string, windowMs?: number): number;
  /** Records a seq chosen by the caller, so automatic ones never repeat it. */
  reserve(msgId: string, seq: number, windowMs?: number): void;
  /** msg_ids tracked right now (expired ones are dropped as calls come in). */
  readonly size: number;
  /** The client's `onRequest` hook: fills `msg_seq` for passive replies that have `msg_id` and no `msg_seq`. */
  onRequest(call: { action: string; params: Record<string, unknown> | undefined }): Record<string, unknown> | undefined;
}

interface SeqEntry {
  next: number;
  taken: Set<number>;
  expiresAt: number;
  windowMs: number;
}

/**
 * Per-`msg_id` reply sequence numbers, collision-free within the process. An entry lives for its reply
 * window from first use (the window starts at the original message, which is earlier, so an entry never
 * expires while a reply could still be accepted). Entries sit in one insertion-ordered queue per window
 * length, so the expired ones are always at the front: each call drops them in amortised O(1) and memory
 * stays bounded by the traffic of one window (and by `maxEntries`).
 */
export function createMsgSeqAllocator(options: MsgSeqOptions = {}): MsgSeqAllocator {
  const windows = options.windows ?? PASSIVE_REPLY_WINDOWS_MS;
  const defaultWindow = Math.max(0, ...Object.values(windows), 60_000);
  const maxEntries = options.maxEntries ?? 100_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, SeqEntry>();
  const queues = new Map<number, Map<string, SeqEntry>>();

  function drop(msgId: string, e: SeqEntry): void {
    queues.get(e.windowMs)?.delete(msgId);
    if (entries.get(msgId) === e) entries.delete(msgId);
  }

  function entry(msgId: string, windowMs: number): SeqEntry {
    const t = now();
    for (const queue of queues.values()) {
      for (const [id, e] of queue) {
        if (e.expiresAt > t) break;
        drop(id, e);
      }
    }
    let e = entries.get(msgId);
    if (!e) {
      while (entries.size >= maxEntries) {
        const [oldId, oldest] = entries.entries().next().value!;
        drop(oldId, oldest);
      }
      e = { next: 1, taken: new Set(), expiresAt: t + windowMs, windowMs };
      entries.set(msgId, e);
      let queue = queues.get(windowMs);
      if (!queue) queues.set(windowMs, (queue = new Map()));
      queue.set(msgId, e);
    }
    return e;
  }

  const allocator: MsgSeqAllocator = {
    next(msgId, windowMs = defaultWindow) {
      const e = entry(msgId, windowMs);
      while (e.taken.has(e.next)) e.next++;
      const seq = e.next++;
      e.taken.add(seq);
      return seq;
    },
    reserve(msgId, seq, windowMs = defaultWindow) {
      entry(msgId, windowMs).taken.add(seq);
    },
    get size() {
      return entries.size;
    },
    onRequest({ action, params }) {
      const windowMs = windows[action];
      if (windowMs === undefined || !params) return params;
      const msgId = params['msg_id'];
      if (typeof msgId !== 'string' || msgId === '') return params;
      const given = params['msg_seq'];
      if (given !== undefined && given !== null) {
        if (typeof given === 'number') allocator.reserve(msgId, given, windowMs);
        return params;
      }
      return { ...params, msg_seq: allocator.next(msgId, windowMs) };
    },
  };
  return allocator;
}

// ------------------------------------------------------------------------------------------ convenience

export interface QqOfficialOptions {
  /** The generated descriptor: `import { protocol } from 'qqwire/qq-official'`. */
  protocol: ProtocolDescriptor;
  appId: string;
  clientSecret: string;
  /** Use the sandbox base URL. */
  sandbox?: boolean | undefined;
  /** A custom REST base URL (wins over `sandbox`). */
  baseUrl?: string | undefined;
  /** A custom token endpoint (default: the descriptor's `auth.appToken.url`). */
  tokenUrl?: string | undefined;
  /** Used for both the token endpoint and REST calls instead of undici. */
  fetch?: FetchLike | undefined;
  /** Token options: margin, retries, timeout, clock. */
  token?: Omit<AppAccessTokenOptions, 'appId' | 'clientSecret' | 'auth' | 'url' | 'fetch' | 'protocolName'> | undefined;
  /** `false` turns automatic msg_seq off; an object tunes it; an allocator shares one between clients. */
  msgSeq?: false | MsgSeqOptions | MsgSeqAllocator | undefined;
}

export interface QqOfficialClientOptions extends ClientOptions {
  baseUrl: string;
  auth: AppAccessTokenAuth;
  /** The msg_seq allocator behind `onRequest` (undefined when turned off). */
  msgSeq: MsgSeqAllocator | undefined;
}

/**
 * Everything `createQqOfficialClient` needs for the real API: base URL, app-token auth and automatic
 * msg_seq. Spread it to add other client options (`timeoutMs`, `int64`, `validate`, …).
 */
export function qqOfficialOptions(options: QqOfficialOptions): QqOfficialClientOptions {
  const auth = appAccessTokenAuth({
    ...options.token,
    appId: options.appId,
    clientSecret: options.clientSecret,
    auth: options.protocol.auth,
    url: options.tokenUrl,
    fetch: options.fetch,
    protocolName: options.protocol.name,
  });
  const msgSeq =
    options.msgSeq === false
      ? undefined
      : options.msgSeq && 'onRequest' in options.msgSeq
        ? options.msgSeq
        : createMsgSeqAllocator(options.msgSeq || {});
  return {
    baseUrl: qqOfficialBaseUrl(options),
    auth,
    fetch: options.fetch,
    onRequest: msgSeq ? (call) => msgSeq.onRequest(call) : undefined,
    msgSeq,
  };
}
