/**
 * The contract between the client core and a transport (HTTP, forward WS, reverse WS, REST). The core
 * owns validation, envelopes, int64 and timeouts; a transport only moves one request and its answer.
 */
import type { Plan, PlanDefs } from './decode.js';
import type { Validator } from './validator.js';

/** The part of `AbortSignal` qqwire uses, so its types need neither DOM nor Node globals. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export interface RestBinding {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  /** Params that go into the query string instead of the body. */
  query?: readonly string[];
  /**
   * How the remaining params travel: `json` (the default for POST/PUT/PATCH; on DELETE it sends a body,
   * which DELETE otherwise lacks) or `multipart` (multipart/form-data).
   */
  body?: 'json' | 'multipart';
}

export interface TransportRequest {
  /** Wire action name. */
  action: string;
  /** Params ready for the wire (int64 values may be bigint; serialize with `stringifyJson`). */
  params: Record<string, unknown> | undefined;
  /** For REST protocols: how this action maps to HTTP. */
  rest?: RestBinding | undefined;
  /** Aborted on timeout, on the caller's signal, or on close. */
  signal: AbortSignalLike;
}

export interface TransportResponse {
  /** HTTP status when the transport is HTTP. */
  status?: number | undefined;
  /** Response headers, lower-cased names. */
  headers?: Readonly<Record<string, string>> | undefined;
  /** The body parsed with `parseJson` (undefined when empty or not JSON). */
  body: unknown;
  /** The body text, kept so errors can carry exactly what arrived. */
  raw: string;
}

export interface Transport {
  /** A short name for messages: `http`, `ws`, `reverse-ws`. */
  readonly kind: string;
  request(request: TransportRequest): Promise<TransportResponse>;
  close(): Promise<void>;
}

export interface AuthInfo {
  /** Header that carries the token (`Authorization`). */
  header?: string | undefined;
  /** Scheme word before the token (`Bearer`, `QQBot`). */
  scheme?: string | undefined;
  /** Query parameter accepted instead of the header (`access_token`). */
  query?: string | undefined;
  /** Scheme words a server side accepts (case-insensitive); default `[scheme]`. */
  acceptedSchemes?: readonly string[] | undefined;
  /** QQ official: app access token endpoint, the app id header, default lifetime and refresh window. */
  appToken?: { url: string; appIdHeader?: string | undefined; lifetimeSeconds?: number | undefined; refreshWindowSeconds?: number | undefined } | undefined;
}

export interface EnvelopeInfo {
  kind: 'retcode' | 'none';
  statusField?: string | undefined;
  okStatus?: readonly string[] | undefined;
  retcodeField?: string | undefined;
  okRetcodes?: readonly number[] | undefined;
  dataField?: string | undefined;
  messageFields?: readonly string[] | undefined;
  echoField?: string | undefined;
  /** kind `none`: field names of an error body (`code`, `message`, `err_code`, `trace_id`). */
  errorFields?: Readonly<Record<string, string>> | undefined;
  /** kind `none`: response header with a trace id. */
  traceHeader?: string | undefined;
  /** kind `none`: business codes meaning "accepted, pending" (QQ official audit). */
  pendingCodes?: readonly number[] | undefined;
  /** kind `none`: dotted path of the pending id in the body. */
  pendingIdField?: string | undefined;
}

export interface CodeInfo {
  name: string;
  description?: string | undefined;
}

export interface ActionInfo {
  params?: Validator<unknown> | undefined;
  result?: Validator<unknown> | undefined;
  paramsPlan?: Plan | undefined;
  resultPlan?: Plan | undefined;
  /** The action returns no data; the call resolves to undefined. */
  noResult?: boolean | undefined;
  rest?: RestBinding | undefined;
  /** A passive reply (`msg_id` + `msg_seq`) is accepted this long after the original message. */
  replyWindowMs?: number | undefined;
}

export interface TransportInfo {
  http?: { path: string; body: 'params' | 'frame'; method?: 'POST' | 'GET' | undefined } | undefined;
  ws?: { frame: 'action-echo'; path?: string | undefined; subprotocol?: string | undefined } | undefined;
  /** `multiBot`: one connection carries several bots, named in each event's `self` (OneBot 12). */
  reverseWs?: { selfIdHeader?: string | undefined; roleHeader?: string | undefined; subprotocolPrefix?: string | undefined; multiBot?: boolean | undefined } | undefined;
  rest?: boolean | undefined;
  events?: EventsInfo | undefined;
}

/** `transport.events` of the schema (FORMAT.md, "Event delivery"): the facts every event receiver reads. */
export interface EventsInfo {
  /** The schema's root tagged union of the events (`transport.events.type`); the generator reads it, the runtime does not need it. */
  type?: string | undefined;
  name: { parts: readonly (readonly string[])[]; refine?: readonly { when: string; field: string }[] | undefined };
  authQuery?: string | undefined;
  sse?: { path: string; event: string } | undefined;
  /** `binary`: the encoding of binary frames (text frames are JSON). */
  ws?: { path: string; universalPath?: string | undefined; binary?: 'msgpack' | undefined } | undefined;
  reverseWs?: boolean | undefined;
  webhook?: WebhookInfo | undefined;
  poll?: { action: string; timeoutParam?: string | undefined; limitParam?: string | undefined } | undefined;
  gateway?: GatewayEventsInfo | undefined;
  callback?: CallbackEventsInfo | undefined;
}

export interface WebhookInfo {
  auth?: 'bearer' | undefined;
  signature?: { header: string; algorithm: 'sha1' | 'sha256'; prefix: string; missingStatus?: number | undefined; mismatchStatus?: number | undefined } | undefined;
  selfIdHeader?: string | undefined;
  infoHeaders?: readonly string[] | undefined;
  reply: 'none' | 'object' | 'action-list';
  contentTypes?: readonly string[] | undefined;
}

/** A close code, or an inclusive range `[from, to]` of them. */
export type CodeSpan = number | readonly [number, number];

/** A QQ-official-style WebSocket gateway (Hello → Identify / Resume → dispatches, heartbeat with the last seq). */
export interface GatewayEventsInfo {
  /** The action whose result holds the gateway URL (`get_gateway`). */
  urlAction: string;
  /** Field of that result with the URL. */
  urlField: string;
  opcodes: {
    dispatch: number;
    heartbeat: number;
    identify: number;
    resume: number;
    reconnect: number;
    invalidSession: number;
    hello: number;
    heartbeatAck: number;
  };
  /** Field of Hello `d` with the heartbeat period in ms. */
  heartbeatIntervalField: string;
  /** Field of READY `d` with the session id. */
  sessionIdField: string;
  readyEvent: string;
  resumedEvent: string;
  /** Intent name → bit position. */
  intents: Readonly<Record<string, number>>;
  closeCodes?: { fatal?: readonly CodeSpan[] | undefined; reidentify?: readonly CodeSpan[] | undefined } | undefined;
}

/** A QQ-official-style signed HTTP callback (`transport.events.callback`). */
export interface CallbackEventsInfo {
  /** `ed25519-repeated-secret`: ed25519 over timestamp + raw body, seed = the bot secret repeated to 32 bytes. */
  signature: 'ed25519-repeated-secret';
  signatureHeader: string;
  timestampHeader: string;
  /** Header naming the bot the delivery is for. */
  appIdHeader?: string | undefined;
  opcodes: { dispatch: number; ack: number; validation: number };
  /** Callback URL validation: names of the token, timestamp (in `d`) and signature (in the answer) fields. */
  validationFields: { token: string; timestamp: string; signature: string };
}

/** Everything the runtime knows about a protocol; generated/<protocol>/client.js builds one from the schema. */
export interface ProtocolDescriptor {
  name: string;
  title: string;
  version: string;
  transport: TransportInfo;
  auth: AuthInfo;
  envelope: EnvelopeInfo;
  retcodes: Readonly<Record<string, CodeInfo>>;
  /** Ranges of retcodes with one meaning; an exact `retcodes` entry wins. */
  retcodeRanges?: readonly (CodeInfo & { from: number; to: number })[] | undefined;
  httpStatus: Readonly<Record<string, CodeInfo>>;
  actions: Readonly<Record<string, ActionInfo>>;
  plans: PlanDefs;
  /** CQ-code protocols: per segment type, the `data` fields a CQ value converts to (generated from the schema). */
  cqKinds?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>> | undefined;
  /** REST protocols: the default base URLs (`base-urls` in the schema). */
  baseUrls?: { production: string; sandbox?: string | undefined } | undefined;
}
