/**
 * The contract every event receiver (SSE, WebSocket, webhook, HTTP POST, gateway, polling) fulfils.
 * A receiver only moves events: it hands each delivered payload, parsed losslessly and unvalidated,
 * to `onEvent`; naming, validation and dispatch happen in one place above it.
 */

/** How an event arrived, for logs and for handlers that answer (quick operations, webhook replies). */
export interface EventDeliveryInfo {
  /** `sse`, `ws`, `reverse-ws`, `webhook`, `http-post`, `gateway`, `poll`. */
  readonly delivery: string;
  /** The bot the event is for, when the delivery says it (`X-Self-ID`, gateway session, `self`). */
  readonly selfId?: string | undefined;
}

export interface EventSink {
  /**
   * Called once per delivered event, in arrival order. The returned value (if any) is the delivery's
   * answer where the protocol has one (OneBot 11 quick operation, OneBot 12 webhook actions).
   */
  onEvent(payload: unknown, info: EventDeliveryInfo): unknown | Promise<unknown>;
  /** A delivery problem that lost no event silently: bad signature, unparseable frame, reconnect. */
  onError?(error: Error): void;
}

export interface EventReceiver {
  /** `http-post`, `sse`, … (as `EventDeliveryInfo.delivery`). */
  readonly kind: string;
  /** Starts listening or connecting; resolves when ready (server bound, first connection open). */
  start(): Promise<void>;
  /** Stops; afterwards no socket, server or timer is left. */
  close(): Promise<void>;
}
