/** `qqwire/runtime/reverse-ws`: the reverse WebSocket server (bots connect to qqwire) and its event receiver. */
export * from './reverse-ws.js';
export { createReverseWsReceiver, type ReverseWsReceiver, type ReverseWsReceiverOptions } from './events/reverse-ws.js';
