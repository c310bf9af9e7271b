/**
 * The app access token endpoint's state: `{access_token, expires_in}` with the lifetime and refresh
 * window of the schema's `auth.app-token`. Asking within the last window of the current token issues
 * a new one while the old stays valid until its own expiry; otherwise the same token comes back.
 */
import { randomBytes } from 'node:crypto';

export interface TokenFacts { lifetimeSeconds: number; refreshWindowSeconds: number }

export class TokenStore {
  private readonly valid = new Map<string, number>();
  private current: { token: string; expiresAt: number } | undefined;
  issued = 0;

  constructor(private readonly facts: TokenFacts, private readonly now: () => number) {}

  issue(): { access_token: string; expires_in: string } {
    const t = this.now();
    const cur = this.current;
    if (!cur || t >= cur.expiresAt - this.facts.refreshWindowSeconds * 1000) {
      const token = randomBytes(24).toString('base64url');
      this.current = { token, expiresAt: t + this.facts.lifetimeSeconds * 1000 };
      this.valid.set(token, this.current.expiresAt);
      this.issued++;
    }
    const c = this.current!;
    // The docs send expires_in as a string of seconds.
    return { access_token: c.token, expires_in: String(Math.max(1, Math.round((c.expiresAt - t) / 1000))) };
  }

  check(token: string): 'ok' | 'expired' | 'unknown' {
    const until = this.valid.get(token);
    if (until === undefined) return 'unknown';
    return this.now() < until ? 'ok' : 'expired';
  }

  /** The `tokenExpiry` fault: every token issued so far stops working now. */
  expireAll(): void {
    const t = this.now();
    for (const k of this.valid.keys()) this.valid.set(k, t);
    this.current = undefined;
  }
}
