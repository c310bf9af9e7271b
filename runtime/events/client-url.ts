/** The URL and headers a client-side receiver (SSE, WebSocket) connects with. */
import type { ProtocolDescriptor } from '../transport.js';
import type { StreamAuthOptions } from './stream-auth.js';

/** `base` with `path` when the caller gave no path of their own, plus the token when it goes in the query. */
export function streamUrl(base: string, path: string | undefined, protocol: ProtocolDescriptor, auth: StreamAuthOptions): URL {
  const url = new URL(base);
  if (path && (url.pathname === '/' || url.pathname === '')) url.pathname = path;
  const query = protocol.transport.events?.authQuery ?? protocol.auth.query;
  if (auth.accessToken && auth.tokenInQuery) {
    if (!query) throw new TypeError(`${protocol.name} has no query parameter for the token`);
    url.searchParams.set(query, auth.accessToken);
  }
  return url;
}

export function streamHeaders(protocol: ProtocolDescriptor, auth: StreamAuthOptions): Record<string, string> {
  if (!auth.accessToken || auth.tokenInQuery) return {};
  const scheme = protocol.auth.scheme;
  return { [protocol.auth.header ?? 'Authorization']: scheme ? `${scheme} ${auth.accessToken}` : auth.accessToken };
}

/** `scheme://host` only: what an error may show of a URL (its query may hold the token). */
export function safeHost(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}
