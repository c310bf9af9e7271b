/** `qqwire/runtime/qq-official`: QQ official helpers (app access token, msg_seq, options) and its event receivers. */
export * from './qq-official.js';
export { createQqGateway, gatewayIntents, type QqGateway, type QqGatewayOptions, type GatewayState, type GatewayTokenSource } from './events/qq-gateway.js';
export { createQqWebhookReceiver, qqWebhookSigner, type QqWebhookOptions, type QqWebhookReceiver, type QqWebhookSigner } from './events/qq-webhook.js';
export { SignatureError } from './events/signature-error.js';
