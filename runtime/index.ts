export * from './errors.js';
export * from './json.js';
export * from './decode.js';
export * from './validator.js';
export * from './transport.js';
export * from './auth.js';
export { createHttpTransport, type FetchLike, type HttpTransportOptions } from './http-transport.js';
export * from './client.js';
export * from './cq-code.js';
export * from './pending.js';
export * from './qq-official.js';
export { createWsTransport, onEvents, backoffDelay, type WsTransport, type WsTransportOptions, type WsTransportEvents, type BackoffOptions, type ConnectionState, type EventSourceLike, type BotSelf, type WsEncoding } from './ws-transport.js';
export { createReverseWsServer, type ReverseWsServer, type ReverseWsServerOptions, type ReverseWsServerEvents, type BotTransport, type BotSource, type BotConnectInfo, type BotRole } from './reverse-ws.js';

// ---- Events (issue 12): receivers behind runtime/events/receiver.ts and the typed hub ----
export type { EventDeliveryInfo, EventSink, EventReceiver } from './events/receiver.js';
export { createEventHub, EventValidationError, EventHandlerError, type EventHub, type EventHubOptions, type EventProtocol, type EventValidator, type EventPlans, type EventMap, type EventHandler, type AnyEventHandler, type EventIteratorOptions } from './events/hub.js';
export { eventName, type EventNameRule } from './events/name.js';
export { SseParser, type SseMessage } from './events/sse-parser.js';
export { createSseReceiver, type SseReceiverOptions } from './events/sse.js';
export { createWsEventReceiver, createTransportEventReceiver, type WsEventReceiverOptions, type TransportEventReceiverOptions } from './events/ws.js';
export { createReverseWsReceiver, type ReverseWsReceiver, type ReverseWsReceiverOptions } from './events/reverse-ws.js';
export { createWebhookReceiver, webhookHandler, WebhookAuthError, type WebhookReceiver, type WebhookReceiverOptions, type WebhookHandlerOptions, type WebhookRequestLike, type WebhookResponseLike } from './events/webhook.js';
export type { StreamAuthOptions } from './events/stream-auth.js';
export { createPollReceiver, type PollReceiverOptions, type PollClient } from './events/poll.js';
// ---- end events ----
// ---- event receivers: QQ official (runtime/events/qq-*.ts) ----
export { createQqGateway, gatewayIntents, type QqGateway, type QqGatewayOptions, type GatewayState, type GatewayTokenSource } from './events/qq-gateway.js';
export { createQqWebhookReceiver, qqWebhookSigner, type QqWebhookOptions, type QqWebhookReceiver, type QqWebhookSigner } from './events/qq-webhook.js';
export { SignatureError } from './events/signature-error.js';
