/**
 * The error classes every qqwire client throws. They are shared by all protocols: code that handles
 * `ApiError` for Milky handles it for OneBot too. Every error names the protocol and (when there is
 * one) the action, and never carries an access token or secret (see `redact`).
 */

export interface ErrorContext {
  protocol: string;
  action?: string | undefined;
}

/** One problem found by a validator: a JSON path (`/message/0/data/text`) and what was expected. */
export interface Issue {
  path: string;
  message: string;
}

export class QQWireError extends Error {
  readonly protocol: string;
  readonly action: string | undefined;

  constructor(context: ErrorContext, message: string, options?: { cause?: unknown }) {
    const where = context.action ? `${context.protocol}.${context.action}` : context.protocol;
    super(`[${where}] ${message}`, options);
    this.name = new.target.name;
    this.protocol = context.protocol;
    this.action = context.action;
  }
}

/** The server answered and said the call failed (a non-OK retcode, or a REST error body). */
export class ApiError extends QQWireError {
  /** The protocol's error code: `retcode` for RPC protocols, `code` for REST bodies. */
  readonly retcode: number | undefined;
  /** The schema's name for the retcode (e.g. `NOT_LOGGED_IN`), when the schema lists it. */
  readonly retcodeName: string | undefined;
  /** The server's message text(s), joined. */
  readonly serverMessage: string | undefined;
  /** HTTP status, when the call went over HTTP. */
  readonly status: number | undefined;
  /** Extra protocol fields (go-cqhttp `msg`/`wording`, QQ `err_code`/`trace_id`, …). */
  readonly details: Readonly<Record<string, unknown>>;
  /** The whole response body as received, so nothing is lost. */
  readonly envelope: unknown;

  constructor(
    context: ErrorContext,
    init: {
      retcode?: number | undefined;
      retcodeName?: string | undefined;
      retcodeDescription?: string | undefined;
      serverMessage?: string | undefined;
      status?: number | undefined;
      details?: Record<string, unknown>;
      envelope: unknown;
    },
  ) {
    const parts = [
      init.retcode !== undefined ? `retcode ${init.retcode}` : undefined,
      init.retcodeName,
      init.status !== undefined ? `HTTP ${init.status}` : undefined,
    ].filter(Boolean);
    const text = init.serverMessage || init.retcodeDescription || 'call failed';
    super(context, `${parts.join(' ')}${parts.length ? ': ' : ''}${text}`);
    this.retcode = init.retcode;
    this.retcodeName = init.retcodeName;
    this.serverMessage = init.serverMessage;
    this.status = init.status;
    this.details = init.details ?? {};
    this.envelope = init.envelope;
  }
}

/** Non-2xx HTTP status that the protocol does not describe as an API error body. */
export class HttpError extends QQWireError {
  readonly status: number;
  readonly statusName: string | undefined;
  readonly body: string;

  constructor(context: ErrorContext, status: number, body: string, statusName?: string, meaning?: string) {
    super(context, `HTTP ${status}${statusName ? ` ${statusName}` : ''}${meaning ? `: ${meaning}` : ''}`);
    this.status = status;
    this.statusName = statusName;
    this.body = body;
  }
}

/** HTTP 429 (or a protocol's rate-limit code): the server asks to slow down. */
export class RateLimitError extends ApiError {
  /** Milliseconds the server asked to wait, when it said (`Retry-After`). */
  readonly retryAfterMs: number | undefined;

  constructor(context: ErrorContext, init: ConstructorParameters<typeof ApiError>[1] & { retryAfterMs?: number | undefined }) {
    super(context, init);
    this.retryAfterMs = init.retryAfterMs;
  }
}

export class TimeoutError extends QQWireError {
  readonly timeoutMs: number;
  constructor(context: ErrorContext, timeoutMs: number) {
    super(context, `no response within ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
}

export class AbortError extends QQWireError {
  constructor(context: ErrorContext, reason?: unknown) {
    super(context, 'call aborted', { cause: reason });
  }
}

/** The request could not be delivered or its answer could not be read (connection refused, reset, DNS…). */
export class NetworkError extends QQWireError {}

/** The connection closed while the call was pending, or no connection was available. */
export class DisconnectedError extends QQWireError {}

/** The call's params do not match the schema. Thrown before anything is sent. */
export class ValidationError extends QQWireError {
  readonly issues: readonly Issue[];
  constructor(context: ErrorContext, what: string, issues: readonly Issue[]) {
    super(context, `invalid ${what}: ${formatIssues(issues)}`);
    this.issues = issues;
  }
}

/** The server's result does not match the schema. `data` is the decoded result, `raw` the body text. */
export class ResponseValidationError extends QQWireError {
  readonly issues: readonly Issue[];
  readonly data: unknown;
  readonly raw: string;
  constructor(context: ErrorContext, issues: readonly Issue[], data: unknown, raw: string) {
    super(context, `unexpected result: ${formatIssues(issues)}`);
    this.issues = issues;
    this.data = data;
    this.raw = raw;
  }
}

/** An integer beyond ±2^53 where the client was asked to deliver `number`. Carries the raw body. */
export class Int64PrecisionError extends QQWireError {
  readonly path: string;
  readonly value: string;
  readonly raw: string;
  constructor(context: ErrorContext, path: string, value: string, raw: string) {
    super(
      context,
      `integer ${value} at ${path || '/'} does not fit a JavaScript number; use the client option int64: 'bigint' or 'string'`,
    );
    this.path = path;
    this.value = value;
    this.raw = raw;
  }
}

/** The response body is not what the protocol's envelope says (not JSON, wrong shape). */
export class ProtocolError extends QQWireError {
  readonly raw: string;
  constructor(context: ErrorContext, message: string, raw: string) {
    super(context, message);
    this.raw = raw;
  }
}

export function formatIssues(issues: readonly Issue[]): string {
  const shown = issues.slice(0, 3).map((i) => `${i.path || '/'} ${i.message}`);
  if (issues.length > 3) shown.push(`and ${issues.length - 3} more`);
  return shown.join('; ');
}

const REDACTED = '[redacted]';

/**
 * Every form a secret takes on the wire: raw (headers, WebSocket frames), percent-encoded (path and
 * query, upper- and lower-case hex) and form-encoded (`URLSearchParams`: space as `+`). Longest first,
 * so a form that contains another is replaced whole.
 */
export function secretForms(secrets: readonly (string | undefined)[]): string[] {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (!s) continue;
    const percent = encodeURIComponent(s);
    const form = new URLSearchParams({ s }).toString().slice(2);
    for (const f of [s, percent, form, percent.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()), form.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())]) {
      forms.add(f);
    }
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

/**
 * Removes every secret, in every wire form, from a string. Used only where text becomes an error
 * message, an error field or a log line — never on data that is parsed or returned.
 */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const f of secretForms(secrets)) if (out.includes(f)) out = out.split(f).join(REDACTED);
  return out;
}

/** Nesting beyond this is cut from an error field (replaced by a marker) rather than walked. */
const REDACT_DEPTH = 256;

/**
 * A copy of a value with every string (keys included) redacted; unchanged branches are shared.
 * Depth-limited and cycle-safe: it runs on whatever a server sent.
 */
export function redactDeep(value: unknown, secrets: readonly (string | undefined)[]): unknown {
  const forms = secretForms(secrets);
  if (!forms.length) return value;
  const text = (s: string) => (forms.some((f) => s.includes(f)) ? redact(s, secrets) : s);
  const seen = new Set<object>();
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return text(v);
    if (typeof v !== 'object' || v === null || v instanceof Error) return v;
    if (seen.has(v) || depth > REDACT_DEPTH) return '[too deep to redact]';
    seen.add(v);
    try {
      if (Array.isArray(v)) {
        let out: unknown[] | undefined;
        v.forEach((item, i) => {
          const r = walk(item, depth + 1);
          if (r !== item) (out ??= v.slice())[i] = r;
        });
        return out ?? v;
      }
      if (Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) return v;
      let changed = false;
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) {
        const rk = text(k);
        const r = walk(item, depth + 1);
        if (rk !== k || r !== item) changed = true;
        out[rk] = r;
      }
      return changed ? out : v;
    } catch {
      return '[unreadable]';
    } finally {
      seen.delete(v);
    }
  };
  return walk(value, 0);
}

/**
 * The one redaction path for errors, used by every transport and the client core: the message, the
 * stack, every own field (deep: bodies, envelopes, parsed data) and the whole `cause` chain lose every
 * secret form. Mutates and returns the error (its class and identity stay).
 */
export function redactError<E>(error: E, secrets: readonly (string | undefined)[]): E {
  if (!secretForms(secrets).length) return error;
  const seen = new Set<object>();
  const scrub = (e: unknown): unknown => {
    if (typeof e === 'string') return redact(e, secrets);
    if (!(e instanceof Error)) return redactDeep(e, secrets);
    if (seen.has(e)) return e;
    seen.add(e);
    for (const key of Reflect.ownKeys(e)) {
      if (typeof key !== 'string') continue;
      const desc = Object.getOwnPropertyDescriptor(e, key);
      if (!desc) continue;
      if (!('value' in desc)) {
        // V8 may keep `stack` as an accessor: read it once, write the redacted text back.
        if (key === 'stack' && desc.set) desc.set.call(e, redact(String(e.stack), secrets));
        continue;
      }
      const next = key === 'cause' || desc.value instanceof Error ? scrub(desc.value) : redactDeep(desc.value, secrets);
      if (next !== desc.value) {
        try {
          Object.defineProperty(e, key, { ...desc, value: next });
        } catch {
          // a frozen foreign error: nothing we can change in place
        }
      }
    }
    return e;
  };
  scrub(error);
  return error;
}

/**
 * The server accepted a message but holds it for review instead of sending it (QQ official 304023 /
 * 304024, `data.message_audit.audit_id`), possibly with HTTP 200/202. There is no message id yet: the
 * outcome arrives later as a MESSAGE_AUDIT_PASS / MESSAGE_AUDIT_REJECT event carrying the same audit id.
 * It extends `ApiError`, so generic handlers still see a failed call.
 */
export class AuditPendingError extends ApiError {
  /** The audit id to match against the later audit event (undefined when the server sent none). */
  readonly auditId: string | undefined;

  constructor(context: ErrorContext, init: ConstructorParameters<typeof ApiError>[1] & { auditId?: string | undefined }) {
    super(context, init);
    this.auditId = init.auditId;
  }
}

/**
 * No access token could be obtained (e.g. the QQ official app access token endpoint failed or rejected
 * the app id / client secret). Carries what the endpoint said, never the request body or a secret.
 */
export class AuthError extends QQWireError {
  /** HTTP status of the last attempt, when the endpoint answered. */
  readonly status: number | undefined;
  /** The endpoint's error code, when its body carried one. */
  readonly retcode: number | undefined;
  /** The endpoint's error message (redacted), when its body carried one. */
  readonly serverMessage: string | undefined;
  /** How many requests were made before giving up. */
  readonly attempts: number;

  constructor(
    context: ErrorContext,
    message: string,
    init: { status?: number | undefined; retcode?: number | undefined; serverMessage?: string | undefined; attempts: number },
    options?: { cause?: unknown },
  ) {
    super(context, message, options);
    this.status = init.status;
    this.retcode = init.retcode;
    this.serverMessage = init.serverMessage;
    this.attempts = init.attempts;
  }
}

/** `client.call(name)` with a name that is not one of the protocol's own actions. Nothing was sent. */
export class UnknownActionError extends QQWireError {
  constructor(context: ErrorContext) {
    super(context, `unknown action "${context.action}" (not an action of this protocol; nothing was sent)`);
  }
}

/** A response body larger than the client's `maxResponseBytes`; reading stopped at the limit. */
export class ResponseTooLargeError extends QQWireError {
  readonly limitBytes: number;
  constructor(context: ErrorContext, limitBytes: number) {
    super(context, `response body exceeds maxResponseBytes (${limitBytes} bytes); reading stopped`);
    this.limitBytes = limitBytes;
  }
}
