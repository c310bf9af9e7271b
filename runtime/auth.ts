/**
 * How a transport authenticates. A static token (Milky, OneBot) or a refreshing app token (QQ
 * official) both look the same to a transport: headers, query, an optional refresh on 401, and the
 * list of secrets that must never reach an error message or a log line.
 */
import type { AbortSignalLike, AuthInfo } from './transport.js';

export interface AuthProvider {
  headers(signal?: AbortSignalLike): Record<string, string> | Promise<Record<string, string>>;
  query(): Record<string, string>;
  /** Called once when the server answers 401; resolve true to retry the call once. */
  refresh?(): Promise<boolean>;
  /** Every secret this provider knows (tokens, client secrets), for redaction. */
  secrets(): string[];
  /** Stops every timer and request of the provider; pending callers settle. `client.close()` calls it. */
  close?(): Promise<void> | void;
}

export interface StaticTokenOptions {
  /** Send the token as `?access_token=` instead of a header (for servers that cannot read headers). */
  inQuery?: boolean | undefined;
}

export function staticTokenAuth(info: AuthInfo, token: string | undefined, options: StaticTokenOptions = {}): AuthProvider {
  const headerName = info.header ?? 'Authorization';
  const useQuery = options.inQuery === true && info.query !== undefined;
  const headers: Record<string, string> = {};
  const query: Record<string, string> = {};
  if (token) {
    if (useQuery) query[info.query!] = token;
    else headers[headerName] = info.scheme ? `${info.scheme} ${token}` : token;
  }
  return {
    headers: () => headers,
    query: () => query,
    secrets: () => (token ? [token] : []),
  };
}
