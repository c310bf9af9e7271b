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

// ---- event receivers: QQ official (runtime/events/qq-*.ts) ----
export { createQqGateway, gatewayIntents, type QqGateway, type QqGatewayOptions, type GatewayState, type GatewayTokenSource } from './events/qq-gateway.js';
export { createQqWebhookReceiver, qqWebhookSigner, type QqWebhookOptions, type QqWebhookReceiver, type QqWebhookSigner } from './events/qq-webhook.js';
export { SignatureError } from './events/signature-error.js';
