/** Auth options of the client-side receivers (SSE, WebSocket). */
export interface StreamAuthOptions {
  /** The implementation's access token (sent as `Authorization: <scheme> <token>`). */
  accessToken?: string | undefined;
  /** Send the token as the schema's query parameter instead (`events.auth-query` or `auth.query`). */
  tokenInQuery?: boolean | undefined;
}
