/**
 * One typed API for every event delivery: receivers feed the hub (it is their `EventSink`), the hub
 * names each event by the schema's rule, validates it per policy and dispatches it.
 *
 *   const hub = createMilkyEventHub();              // generated: protocol and validators bound
 *   const hub = createEventHub<MilkyEvents>({ protocol, validators });
 *   hub.on('message_receive', (e) => …);            // e narrowed by the name
 *   hub.on('*', (e, info, name) => …);
 *   for await (const e of hub.events('message_receive')) …
 *   const receiver = createSseReceiver({ protocol, url, sink: hub }); await receiver.start();
 *
 * A handler that throws (or rejects) is reported through `onError`; it never reaches the receiver and
 * never stops the other handlers. The first value a handler returns is the delivery's answer (OneBot 11
 * quick operation, OneBot 12 webhook action list).
 */
import type { ValidationPolicy } from '../client.js';
import { QQWireError, formatIssues, type Issue } from '../errors.js';
import { applyPlan, findBigint, Int64Overflow, type Int64Mode, type Plan, type PlanDefs } from '../decode.js';
import type { AbortSignalLike, ProtocolDescriptor } from '../transport.js';
import { eventName } from './name.js';
import type { EventDeliveryInfo, EventSink } from './receiver.js';

/** An event that does not match its schema. `payload` is the event as delivered. */
export class EventValidationError extends QQWireError {
  readonly event: string;
  readonly issues: readonly Issue[];
  readonly payload: unknown;
  constructor(protocol: string, event: string, issues: readonly Issue[], payload: unknown) {
    super({ protocol }, `invalid event ${event}: ${formatIssues(issues)}`);
    this.event = event;
    this.issues = issues;
    this.payload = payload;
  }
}

/** A handler failed; `event` is the event's name (undefined when it has none). */
export class EventHandlerError extends QQWireError {
  readonly event: string | undefined;
  constructor(protocol: string, event: string | undefined, cause: unknown) {
    super({ protocol }, `handler for ${event ?? 'an unnamed event'} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.event = event;
  }
}

/** The default map (any name, unknown payload); a generated `EventMap` interface narrows it. */
export type EventMap = Record<string, unknown>;
export type EventHandler<E> = (event: E, info: EventDeliveryInfo) => unknown;
export type AnyEventHandler = (event: unknown, info: EventDeliveryInfo, name: string | undefined) => unknown;

/** What the hub reads of a protocol: its name and `transport.events` (a generated descriptor has both). */
export interface EventProtocol {
  name: string;
  transport: Pick<ProtocolDescriptor['transport'], 'events'>;
}

/** A generated validator, as the hub uses it. */
export interface EventValidator {
  check(value: unknown, options?: { int64?: Int64Mode | undefined }): readonly Issue[] | undefined;
}

/** Decode plans per event name, and the named plans they refer to. */
export interface EventPlans {
  defs: PlanDefs;
  events: Readonly<Record<string, Plan>>;
}

export interface EventHubOptions {
  /** The generated protocol descriptor; its `transport.events.name` names the events. */
  protocol: EventProtocol;
  /**
   * The generated validator of each event name (`eventValidators` of `qqwire/<protocol>`; the
   * protocol's `create…EventHub()` binds them). A name without one (a newer server's event) is not validated.
   */
  validators?: Readonly<Record<string, EventValidator>> | undefined;
  /** Checks an event against its schema; returns the issues, or undefined when it is valid or unknown. Used when `validators` has no entry. */
  validate?: ((name: string, payload: unknown) => readonly Issue[] | undefined) | undefined;
  /**
   * The generated decode plans of the events (bound by `create…EventHub()`): int64 fields become the
   * `int64` representation and unknown variants inside an event (a newer segment type) are kept or
   * dropped as they are in results. Without them the event is delivered as parsed.
   */
  plans?: EventPlans | undefined;
  /** How int64 fields are delivered, as the client's option: `number` (default), `bigint` or `string`. */
  int64?: Int64Mode | undefined;
  /** `throw`: an invalid event is reported and not dispatched; `warn`: reported and dispatched; `off`. Default `warn`. */
  validation?: ValidationPolicy | undefined;
  /** Delivery problems, invalid events and handler failures. Default: `console.error`. */
  onError?: ((error: Error) => void) | undefined;
  /** Events an unconsumed `events()` iterator holds before it drops (and reports) the oldest. Default 10 000. */
  maxBuffered?: number | undefined;
}

export interface EventIteratorOptions {
  signal?: AbortSignalLike | undefined;
}

export interface EventHub<E extends { [K in keyof E]: unknown } = EventMap> extends EventSink {
  on<K extends keyof E & string>(name: K, handler: EventHandler<E[K]>): () => void;
  on(name: '*', handler: AnyEventHandler): () => void;
  once<K extends keyof E & string>(name: K, handler: EventHandler<E[K]>): () => void;
  once(name: '*', handler: AnyEventHandler): () => void;
  off(name: string, handler: (...args: never[]) => unknown): void;
  /** The events of one name (or all, `'*'`), in arrival order, until `close()`, `break` or the signal. */
  events<K extends keyof E & string>(name: K, options?: EventIteratorOptions): AsyncIterableIterator<E[K]>;
  events(name?: '*', options?: EventIteratorOptions): AsyncIterableIterator<unknown>;
  /** The schema-rule name of a payload. */
  nameOf(payload: unknown): string | undefined;
  /** Ends every iterator; handlers stay registered. */
  close(): void;
}

type Stored = AnyEventHandler;

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

export function createEventHub<E extends { [K in keyof E]: unknown } = EventMap>(options: EventHubOptions): EventHub<E> {
  const protocol = options.protocol;
  const rule = protocol.transport.events?.name;
  if (!rule) throw new TypeError(`${protocol.name} declares no events (transport.events)`);
  const policy = options.validation ?? 'warn';
  const maxBuffered = options.maxBuffered ?? 10_000;
  const handlers = new Map<string, Set<Stored>>();
  const closers = new Set<() => void>();
  // `off(name, original)` must find a `once` wrapper.
  const wrappers = new WeakMap<object, Stored>();
  const reportError = (error: Error): void => (options.onError ?? console.error)(error);

  function add(name: string, handler: Stored): () => void {
    let set = handlers.get(name);
    if (!set) handlers.set(name, (set = new Set()));
    set.add(handler);
    return () => remove(name, handler);
  }

  function remove(name: string, handler: Stored): void {
    const set = handlers.get(name);
    if (!set) return;
    set.delete(wrappers.get(handler) ?? handler);
    if (set.size === 0) handlers.delete(name);
  }

  function call(handler: Stored, payload: unknown, info: EventDeliveryInfo, name: string | undefined): unknown {
    const fail = (error: unknown): undefined => {
      reportError(new EventHandlerError(protocol.name, name, error));
      return undefined;
    };
    try {
      const value = handler(payload, info, name);
      return isThenable(value) ? Promise.resolve(value).catch(fail) : value;
    } catch (error) {
      return fail(error);
    }
  }

  const validators = options.validators;
  const mode: Int64Mode = options.int64 ?? 'number';
  const plans = options.plans;
  function validate(name: string, payload: unknown): readonly Issue[] | undefined {
    if (validators && Object.hasOwn(validators, name)) return validators[name]!.check(payload, { int64: mode });
    return options.validate?.(name, payload);
  }

  /** The event as the handlers get it (decoded like a result), and what stands in the way of that. */
  function prepare(name: string, payload: unknown): { event: unknown; issues: Issue[] } {
    const plan = plans && Object.hasOwn(plans.events, name) ? plans.events[name] : undefined;
    try {
      const event = plan ? applyPlan(plan, plans!.defs, payload, mode, 'decode') : payload;
      // A receiver parses losslessly: an int64 beyond 2^53 is a bigint, which `number` mode cannot deliver
      // (checked, as for results, when the hub decodes; a hub without plans delivers what was parsed).
      const big = plans && mode === 'number' ? findBigint(event) : undefined;
      return { event, issues: big ? [{ path: big.path, message: `int64 ${big.value} is beyond 2^53: use the int64 option 'bigint' or 'string'` }] : [] };
    } catch (error) {
      if (!(error instanceof Int64Overflow)) throw error;
      return { event: payload, issues: [{ path: error.path, message: `int64 ${error.value} is beyond 2^53: use the int64 option 'bigint' or 'string'` }] };
    }
  }

  function dispatch(payload: unknown, info: EventDeliveryInfo): unknown {
    const name = eventName(rule!, payload);
    let event = payload;
    if (name !== undefined) {
      const prepared = prepare(name, payload);
      event = prepared.event;
      const issues = policy === 'off' ? [] : [...prepared.issues, ...(prepared.issues.length ? [] : (validate(name, event) ?? []))];
      if (issues.length) {
        // The payload as delivered, never rounded: a decode that failed leaves it as parsed.
        reportError(new EventValidationError(protocol.name, name, issues, payload));
        if (policy === 'throw') return undefined;
      }
    }
    const targets = [...(name !== undefined ? (handlers.get(name) ?? []) : []), ...(handlers.get('*') ?? [])];
    const results = targets.map((h) => call(h, event, info, name));
    if (!results.some(isThenable)) return results.find((r) => r !== undefined);
    return Promise.all(results).then((values) => values.find((r) => r !== undefined));
  }

  function iterate(name: string, iteratorOptions: EventIteratorOptions = {}): AsyncIterableIterator<unknown> {
    const buffer: unknown[] = [];
    let waiting: ((r: IteratorResult<unknown>) => void) | undefined;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      off();
      closers.delete(finish);
      iteratorOptions.signal?.removeEventListener('abort', finish);
      buffer.length = 0;
      waiting?.({ value: undefined, done: true });
      waiting = undefined;
    };
    const off = add(name, (event) => {
      if (waiting) {
        const w = waiting;
        waiting = undefined;
        w({ value: event, done: false });
        return;
      }
      if (buffer.length >= maxBuffered) {
        buffer.shift();
        reportError(new QQWireError({ protocol: protocol.name }, `events('${name}') iterator is not consumed: dropped its oldest buffered event (maxBuffered ${maxBuffered})`));
      }
      buffer.push(event);
    });
    closers.add(finish);
    if (iteratorOptions.signal?.aborted) finish();
    else iteratorOptions.signal?.addEventListener('abort', finish, { once: true });
    return {
      next() {
        if (buffer.length) return Promise.resolve({ value: buffer.shift(), done: false });
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (waiting = resolve));
      },
      return() {
        finish();
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  const hub = {
    onEvent: (payload: unknown, info: EventDeliveryInfo) => dispatch(payload, info),
    onError: reportError,
    on: (name: string, handler: Stored) => add(name, handler),
    once(name: string, handler: Stored) {
      const wrapper: Stored = (event, info, n) => {
        remove(name, wrapper);
        return handler(event, info, n);
      };
      wrappers.set(handler, wrapper);
      return add(name, wrapper);
    },
    off: (name: string, handler: Stored) => remove(name, handler),
    events: (name = '*', o?: EventIteratorOptions) => iterate(name, o),
    nameOf: (payload: unknown) => eventName(rule, payload),
    close() {
      for (const c of [...closers]) c();
    },
  };
  return hub as unknown as EventHub<E>;
}
