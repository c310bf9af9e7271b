/**
 * `qqwire/runtime`: the public runtime API, chosen name by name. Generated code imports
 * `qqwire/runtime/internal`; CQ code, the reverse WebSocket server and the QQ official helpers are
 * their own entries (`qqwire/runtime/cq-code`, `…/reverse-ws`, `…/qq-official`) so that a bot pays
 * only for what it imports.
 */
export {
  QQWireError,
  ApiError,
  HttpError,
  RateLimitError,
  TimeoutError,
  AbortError,
  NetworkError,
  DisconnectedError,
  ValidationError,
  ResponseValidationError,
  Int64PrecisionError,
  ProtocolError,
  AuditPendingError,
  AuthError,
  UnknownActionError,
  ResponseTooLargeError,
  formatIssues,
  type ErrorContext,
  type Issue,
} from './errors.js';
export { parseJson, stringifyJson } from './json.js';
export type { Int64Mode } from './decode.js';
export type { StandardSchemaV1, Validator, CheckOptions } from './validator.js';
export type { EventDeliveryInfo, EventSink, EventReceiver } from './events/receiver.js';
export type { AbortSignalLike, Transport, TransportRequest, TransportResponse, ProtocolDescriptor, ActionInfo, TransportInfo, RestBinding } from './transport.js';
export { staticTokenAuth, type AuthProvider, type StaticTokenOptions } from './auth.js';
export { createHttpTransport, type FetchLike, type HttpTransportOptions } from './http-transport.js';
export type { ClientOptions, CallOptions, ClientCore, Int64Of, Logger, TransportContext, ValidationPolicy } from './client.js';
export {
  createWsTransport,
  onEvents,
  backoffDelay,
  type WsTransport,
  type WsTransportOptions,
  type WsTransportEvents,
  type BackoffOptions,
  type ConnectionState,
  type EventSourceLike,
  type BotSelf,
  type WsEncoding,
} from './ws-transport.js';
// Events: the typed hub (the receivers are in `qqwire/runtime/events`, `…/reverse-ws`, `…/qq-official`).
export { createEventHub, EventValidationError, EventHandlerError, type EventHub, type EventHubOptions, type EventProtocol, type EventValidator, type EventPlans, type EventMap, type EventHandler, type AnyEventHandler, type EventIteratorOptions } from './events/hub.js';
export { eventName, type EventNameRule } from './events/name.js';
