export * from './errors.js';
export * from './json.js';
export * from './decode.js';
export * from './validator.js';
export * from './transport.js';
export * from './auth.js';
export { createHttpTransport, type FetchLike, type HttpTransportOptions } from './http-transport.js';
export * from './client.js';
