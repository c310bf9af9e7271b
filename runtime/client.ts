/**
 * The client core every generated client wraps: validate params → send through a transport → unwrap
 * the protocol's envelope → decode int64 / unknown variants → validate the result. All protocol
 * differences come from the generated `ProtocolDescriptor`, never from the protocol's name.
 */
import { staticTokenAuth, type AuthProvider } from './auth.js';
import { CallSignal } from './call-signal.js';
import { applyPlan, findBigint, Int64Overflow, MAX_NESTING, NestingTooDeep, nestedDeeperThan, prunePlan, pruneDefs, type Int64Mode, type Plan, type PlanDefs } from './decode.js';
import {
  AbortError,
  ApiError,
  AuditPendingError,
  DisconnectedError,
  HttpError,
  Int64PrecisionError,
  ProtocolError,
  RateLimitError,
  ResponseValidationError,
  TimeoutError,
  ValidationError,
  UnknownActionError,
  redact,
  redactError,
  type ErrorContext,
  type Issue,
} from './errors.js';
import { createHttpTransport, type FetchLike } from './http-transport.js';
import type { BotSelf, WsEncoding } from './ws-channel.js';
import { createWsTransport } from './ws-transport.js';
import { mayHoldUnsafeNumber } from './json.js';
import { pendingOutcome } from './pending.js';
import { parseRetryAfter } from './retry-after.js';
import type { AbortSignalLike, ActionInfo, ProtocolDescriptor, Transport, TransportResponse } from './transport.js';
import { isObject } from './is-object.js';

export type ValidationPolicy = 'throw' | 'warn' | 'off';

export interface Logger {
  warn(message: string): void;
}

/** The TypeScript type an int64 field has under a client's `int64` option. */
export type Int64Of<M extends Int64Mode> = M extends 'bigint' ? bigint : M extends 'string' ? string : number;

export interface TransportContext {
  protocol: ProtocolDescriptor;
  auth: AuthProvider;
}

export interface ClientOptions<M extends Int64Mode = 'number'> {
  /** `http://host:port[/prefix]` for the HTTP transport (default when no `transport` is given). */
  baseUrl?: string | undefined;
  /** The access token. Sent as the protocol says; never appears in errors or logs. */
  accessToken?: string | undefined;
  /** Send the token in the query (`?access_token=`) where the protocol allows it, instead of the header. */
  tokenInQuery?: boolean | undefined;
  /** A ready transport (WebSocket, reverse WebSocket, test double), or a factory for one. */
  transport?: Transport | ((context: TransportContext) => Transport) | undefined;
  /** Replace the auth provider (e.g. the QQ official app-token provider). */
  auth?: AuthProvider | undefined;
  /** Default per-call timeout. Default 30 000 ms. */
  timeoutMs?: number | undefined;
  /**
   * Validation policy. Defaults: params `throw` (a bad call is never sent), result `warn` (a server
   * that deviates from the schema does not break the bot; the warning names the JSON path).
   */
  validate?: { params?: ValidationPolicy | undefined; result?: ValidationPolicy | undefined } | undefined;
  /**
   * How int64 fields are delivered. `number` (default) fails with `Int64PrecisionError` rather than
   * round a value beyond 2^53; `bigint` and `string` deliver every int64 field losslessly.
   */
  int64?: M | undefined;
  /** HTTP transport: use this fetch (e.g. `globalThis.fetch`) instead of undici. */
  fetch?: FetchLike | undefined;
  /**
   * Largest response body (HTTP) or frame (WebSocket) accepted, in bytes; past it the call fails with
   * `ResponseTooLargeError` (HTTP) or the connection is closed (WebSocket). Default 16 MiB.
   */
  maxResponseBytes?: number | undefined;
  /** OneBot 12: the bot every request frame addresses (`self`), for servers that carry several bots. */
  self?: BotSelf | undefined;
  /** OneBot 12: `msgpack` sends MessagePack (HTTP `application/msgpack`, WebSocket binary frames). Default `json`. */
  encoding?: WsEncoding | undefined;
  /** HTTP transport: extra headers. */
  headers?: Record<string, string> | undefined;
  /** Where `warn` goes. Default `console.warn`. */
  logger?: Logger | undefined;
  /**
   * Runs after params validation, before sending: may return changed params (e.g. QQ official
   * `msg_seq` assignment). Must not throw for valid params.
   */
  onRequest?: ((call: { action: string; params: Record<string, unknown> | undefined }) => Record<string, unknown> | undefined) | undefined;
}

export interface CallOptions {
  /** Overrides the client's `timeoutMs` for this call. */
  timeoutMs?: number | undefined;
  signal?: AbortSignalLike | undefined;
}

export interface ClientCore {
  readonly protocol: ProtocolDescriptor;
  readonly transport: Transport;
  call(action: string, params?: unknown, options?: CallOptions): Promise<unknown>;
  close(): Promise<void>;
}

const TIMEOUT = Symbol('qqwire.timeout');


export function createClientCore<M extends Int64Mode = 'number'>(protocol: ProtocolDescriptor, options: ClientOptions<M> = {}): ClientCore {
  const mode: Int64Mode = options.int64 ?? 'number';
  const paramsPolicy = options.validate?.params ?? 'throw';
  const resultPolicy = options.validate?.result ?? 'warn';
  const defaultTimeout = options.timeoutMs ?? 30_000;
  const logger: Logger = options.logger ?? { warn: (m) => console.warn(m) };
  const auth = options.auth ?? staticTokenAuth(protocol.auth, options.accessToken, { inQuery: options.tokenInQuery });
  const transport = resolveTransport(protocol, options, auth);
  const secrets = (): string[] => auth.secrets();

  // In number mode int64 leaves need no walk: safe values are numbers and unsafe ones are caught below.
  const defs: PlanDefs = mode === 'number' ? pruneDefs(protocol.plans, false) : protocol.plans;
  const planCache = new Map<string, { params: Plan | null; result: Plan | null }>();
  const plansFor = (action: string, info: ActionInfo) => {
    let plans = planCache.get(action);
    if (!plans) {
      plans = {
        params: prunePlan(info.paramsPlan, protocol.plans, mode !== 'number'),
        result: prunePlan(info.resultPlan, protocol.plans, mode !== 'number'),
      };
      planCache.set(action, plans);
    }
    return plans;
  };

  function report(policy: ValidationPolicy, error: Error): void {
    if (policy === 'throw') throw error;
    if (policy === 'warn') logger.warn(redact(error.message, secrets()));
  }

  async function call(action: string, params?: unknown, callOptions: CallOptions = {}): Promise<unknown> {
    try {
      return await callUnredacted(action, params, callOptions);
    } catch (error) {
      // The one place every call's error passes: strip every secret form from every field.
      throw redactError(error, secrets());
    }
  }

  async function callUnredacted(action: string, params: unknown, callOptions: CallOptions): Promise<unknown> {
    const ctx: ErrorContext = { protocol: protocol.name, action: String(action) };
    // Own actions only: `toString`, `constructor`, `__proto__` … are not actions of any protocol.
    const info = typeof action === 'string' && Object.hasOwn(protocol.actions, action) ? protocol.actions[action] : undefined;
    if (!info) throw new UnknownActionError(ctx);
    const plans = plansFor(action, info);

    if (params !== undefined && !isObject(params)) {
      report(paramsPolicy, new ValidationError(ctx, 'params', [{ path: '', message: 'must be an object' }]));
    }
    if (info.params && paramsPolicy !== 'off') {
      const issues = info.params.check(params ?? {}, { int64: mode });
      if (issues) report(paramsPolicy, new ValidationError(ctx, 'params', issues));
    }
    const prepared = options.onRequest ? options.onRequest({ action, params: params as Record<string, unknown> | undefined }) : params;
    let wire = prepared;
    try {
      if (plans.params && prepared !== undefined) wire = applyPlan(plans.params, defs, prepared, mode, 'encode');
    } catch (error) {
      // Only reachable with params validation off or warn: a params value too deep to encode.
      if (error instanceof NestingTooDeep || error instanceof RangeError) throw new ValidationError(ctx, 'params', [{ path: '', message: 'nested too deep to encode' }]);
      throw error;
    }

    const response = await send(ctx, action, info, wire as Record<string, unknown> | undefined, callOptions);
    const data = unwrap(ctx, info, response);
    if (info.noResult) return undefined;
    return decode(ctx, info, plans.result, data, response.raw);
  }

  /**
   * One promise per call: it settles with the transport's answer, or at the deadline or the caller's
   * abort even when a transport ignores its signal (every pending call settles).
   */
  function send(
    ctx: ErrorContext,
    action: string,
    info: ActionInfo,
    params: Record<string, unknown> | undefined,
    callOptions: CallOptions,
  ): Promise<TransportResponse> {
    const userSignal = callOptions.signal;
    if (userSignal?.aborted) return Promise.reject(new AbortError(ctx, userSignal.reason));
    const timeoutMs = callOptions.timeoutMs ?? defaultTimeout;
    const signal = new CallSignal();
    return new Promise<TransportResponse>((resolve, reject) => {
      const onUserAbort = () => signal.abort(userSignal!.reason);
      const timer = setTimeout(() => signal.abort(TIMEOUT), timeoutMs);
      const done = () => {
        clearTimeout(timer);
        userSignal?.removeEventListener('abort', onUserAbort);
      };
      const aborted = () => (signal.reason === TIMEOUT ? new TimeoutError(ctx, timeoutMs) : new AbortError(ctx, signal.reason));
      signal.addEventListener('abort', () => {
        done();
        reject(aborted());
      });
      userSignal?.addEventListener('abort', onUserAbort, { once: true });
      transport.request({ action, params, rest: info.rest, signal }).then(
        (response) => {
          done();
          resolve(response);
        },
        (error: unknown) => {
          done();
          reject(signal.aborted ? aborted() : error);
        },
      );
    });
  }

  function unwrap(ctx: ErrorContext, info: ActionInfo, res: TransportResponse): unknown {
    const env = protocol.envelope;
    const status = res.status;
    const failedHttp = status !== undefined && (status < 200 || status >= 300);
    // Parsed and returned exactly as received; redaction happens only when an error leaves `call`.
    const { body, raw } = res;
    if (status === 429) throw env.kind === 'none' && isObject(body) ? restError(ctx, res, body, raw) : rateLimitError(ctx, res);

    if (env.kind === 'none') {
      if (failedHttp || pendingOutcome(env, body)) throw restError(ctx, res, body, raw);
      // A success status must still carry the protocol's JSON (an HTML page, a cut-off body is not a result).
      if (body === undefined && (raw !== '' || !info.noResult)) {
        throw new ProtocolError(ctx, raw === '' ? 'empty response where a result is required' : `response is not ${protocol.title} JSON`, raw);
      }
      return body;
    }
    const retcodeField = env.retcodeField ?? 'retcode';
    if (!isObject(body) || !(retcodeField in body)) {
      if (failedHttp) throw httpError(ctx, status!, raw);
      throw new ProtocolError(ctx, `response is not a ${protocol.title} envelope`, raw);
    }
    const retcode = body[retcodeField];
    const statusValue = env.statusField ? body[env.statusField] : undefined;
    const okStatus = env.statusField === undefined || (env.okStatus ?? ['ok']).includes(String(statusValue));
    const okRetcode = (env.okRetcodes ?? [0]).includes(Number(retcode));
    if (okStatus && okRetcode && !failedHttp) return body[env.dataField ?? 'data'];

    const code = typeof retcode === 'number' ? retcode : Number(retcode);
    const known = retcodeInfo(protocol, code);
    const messages = (env.messageFields ?? ['message'])
      .map((f) => body[f])
      .filter((m): m is string => typeof m === 'string' && m.length > 0);
    const details: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(body)) {
      if (k !== retcodeField && k !== env.statusField && k !== env.dataField) details[k] = v;
    }
    throw new ApiError(ctx, {
      retcode: Number.isFinite(code) ? code : undefined,
      retcodeName: known?.name,
      retcodeDescription: known?.description,
      serverMessage: [...new Set(messages)].join(' / ') || undefined,
      status: failedHttp ? status : undefined,
      details,
      envelope: body,
    });
  }

  function httpError(ctx: ErrorContext, status: number, raw: string): HttpError {
    const known = protocol.httpStatus[String(status)];
    return new HttpError(ctx, status, raw, known?.name, known?.description);
  }

  /** HTTP 429 on any protocol, whatever the body says (or does not). */
  function rateLimitError(ctx: ErrorContext, res: TransportResponse): RateLimitError {
    const body = res.body;
    const retcodeField = protocol.envelope.kind === 'none' ? (protocol.envelope.errorFields?.['code'] ?? 'code') : (protocol.envelope.retcodeField ?? 'retcode');
    const code = isObject(body) && typeof body[retcodeField] === 'number' ? (body[retcodeField] as number) : undefined;
    const messageField = protocol.envelope.kind === 'none' ? (protocol.envelope.errorFields?.['message'] ?? 'message') : (protocol.envelope.messageFields?.[0] ?? 'message');
    const message = isObject(body) ? body[messageField] : undefined;
    return new RateLimitError(ctx, {
      status: 429,
      retcode: code,
      retcodeName: (code !== undefined ? retcodeInfo(protocol, code)?.name : undefined) ?? protocol.httpStatus['429']?.name,
      serverMessage: typeof message === 'string' && message ? message : undefined,
      envelope: body === undefined ? res.raw : body,
      retryAfterMs: retryAfter(res),
    });
  }

  function restError(ctx: ErrorContext, res: TransportResponse, body: unknown, raw: string): Error {
    const fields = protocol.envelope.errorFields ?? { code: 'code', message: 'message' };
    const status = res.status!;
    if (!isObject(body)) return httpError(ctx, status, raw);
    const details: Record<string, unknown> = {};
    for (const [name, field] of Object.entries(fields)) if (field in body) details[name] = body[field];
    const traceHeader = protocol.envelope.traceHeader?.toLowerCase();
    if (traceHeader && res.headers?.[traceHeader]) details['traceHeader'] = res.headers[traceHeader];
    const code = typeof body[fields['code'] ?? 'code'] === 'number' ? (body[fields['code'] ?? 'code'] as number) : undefined;
    const known = code !== undefined ? protocol.retcodes[String(code)] : undefined;
    const message = body[fields['message'] ?? 'message'];
    const init = {
      retcode: code,
      retcodeName: known?.name ?? protocol.httpStatus[String(status)]?.name,
      retcodeDescription: known?.description,
      serverMessage: typeof message === 'string' ? message : undefined,
      status,
      details,
      envelope: body,
    };
    const pending = pendingOutcome(protocol.envelope, body);
    if (status === 429) return new RateLimitError(ctx, { ...init, retryAfterMs: retryAfter(res) });
    if (pending) return new AuditPendingError(ctx, { ...init, auditId: pending.auditId });
    return new ApiError(ctx, init);
  }

  function decode(ctx: ErrorContext, info: ActionInfo, plan: Plan | null, data: unknown, raw: string): unknown {
    // Too deep to walk or validate safely: a typed error. Only a body this long can nest that deep.
    if (raw.length > 2 * MAX_NESTING && nestedDeeperThan(data, MAX_NESTING)) {
      throw new ProtocolError(ctx, `response nested deeper than ${MAX_NESTING} levels`, raw);
    }
    let value = data;
    try {
      if (plan) value = applyPlan(plan, defs, value, mode, 'decode');
      if (mode === 'number') {
        const big = findBigintIfLong(raw, value);
        if (big) throw new Int64PrecisionError(ctx, big.path, big.value.toString(), raw);
      }
    } catch (error) {
      if (error instanceof Int64Overflow) throw new Int64PrecisionError(ctx, error.path, error.value, raw);
      if (error instanceof NestingTooDeep) throw new ProtocolError(ctx, error.message, raw);
      // A safety net under the explicit limit: a stack that ran out is still a typed error.
      if (error instanceof RangeError) throw new ProtocolError(ctx, `response too deep to decode: ${error.message}`, raw);
      throw error;
    }
    if (info.result && resultPolicy !== 'off') {
      const issues: Issue[] | undefined = info.result.check(value, { int64: mode });
      if (issues) report(resultPolicy, new ResponseValidationError(ctx, issues, value, raw));
    }
    return value;
  }

  return {
    protocol,
    transport,
    call,
    close: async () => {
      await Promise.all([transport.close(), auth.close?.()]);
    },
  };
}

/** The schema's name for a retcode: an exact entry, else the range it falls in. */
function retcodeInfo(protocol: ProtocolDescriptor, code: number) {
  return protocol.retcodes[String(code)] ?? protocol.retcodeRanges?.find((r) => code >= r.from && code <= r.to);
}

/** Only a body that may hold an unsafe number token can hold a bigint; skip the scan otherwise. */
function findBigintIfLong(raw: string, value: unknown) {
  return mayHoldUnsafeNumber(raw) ? findBigint(value) : undefined;
}

function retryAfter(res: TransportResponse): number | undefined {
  return parseRetryAfter(res.headers?.['retry-after']);
}

function resolveTransport(protocol: ProtocolDescriptor, options: ClientOptions<Int64Mode>, auth: AuthProvider): Transport {
  const t = options.transport;
  if (typeof t === 'function') return t({ protocol, auth });
  if (t) return t;
  if (!options.baseUrl) {
    return {
      kind: 'none',
      request: () => Promise.reject(new DisconnectedError({ protocol: protocol.name }, 'no baseUrl or transport configured')),
      close: async () => undefined,
    };
  }
  if (/^wss?:\/\//i.test(options.baseUrl)) {
    if (!protocol.transport.ws) throw new TypeError(`${protocol.name} has no WebSocket API binding; use its HTTP baseUrl`);
    const url = new URL(options.baseUrl).href; // a bad URL throws here, at once
    return createWsTransport({ protocol, url, auth, headers: options.headers, self: options.self, encoding: options.encoding, maxPayloadBytes: options.maxResponseBytes });
  }
  return createHttpTransport({
    protocol: protocol.name,
    baseUrl: options.baseUrl,
    info: protocol.transport,
    auth,
    headers: options.headers,
    fetch: options.fetch,
    self: options.self,
    encoding: options.encoding,
    maxResponseBytes: options.maxResponseBytes,
  });
}
