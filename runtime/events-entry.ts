/**
 * `qqwire/runtime/events`: the event receivers (SSE, forward WebSocket, webhook, polling) and the hub
 * they feed. Their own entry because they bring `node:http`: the public runtime entry stays free of
 * `node:` imports, so an HTTP client with an injected `fetch` bundles for browsers and edge runtimes.
 * The reverse WebSocket receiver is in `qqwire/runtime/reverse-ws`, the QQ official gateway and
 * callback receivers in `qqwire/runtime/qq-official`.
 */
export type { EventDeliveryInfo, EventSink, EventReceiver } from './events/receiver.js';
export { createEventHub, EventValidationError, EventHandlerError, type EventHub, type EventHubOptions, type EventProtocol, type EventValidator, type EventPlans, type EventMap, type EventHandler, type AnyEventHandler, type EventIteratorOptions } from './events/hub.js';
export { eventName, type EventNameRule } from './events/name.js';
export { SseParser, type SseMessage } from './events/sse-parser.js';
export { createSseReceiver, type SseReceiverOptions } from './events/sse.js';
export { createWsEventReceiver, createTransportEventReceiver, type WsEventReceiverOptions, type TransportEventReceiverOptions } from './events/ws.js';
export { createWebhookReceiver, webhookHandler, WebhookAuthError, type WebhookReceiver, type WebhookReceiverOptions, type WebhookHandlerOptions, type WebhookRequestLike, type WebhookResponseLike } from './events/webhook.js';
export type { StreamAuthOptions } from './events/stream-auth.js';
export { createPollReceiver, type PollReceiverOptions, type PollClient } from './events/poll.js';
