/**
 * QQ official app-access-token provider: a 429 waits as long as the endpoint's Retry-After says, and
 * after `close()` nothing is pending — no request, no timer, every waiting caller settled with AuthError.
 * Timers are mocked (node:test), so no assertion depends on the wall clock.
 */
import assert from 'node:assert/strict';
import { setImmediate as turn } from 'node:timers/promises';
import { describe, it, type TestContext } from 'node:test';
import { createQqOfficialClient, protocol } from 'qqwire/qq-official';
import { AuthError } from '../runtime/errors.js';
import { type FetchLike } from '../runtime/http-transport.js';
import { appAccessTokenAuth, qqOfficialOptions } from '../runtime/qq-official.js';

function tokenEndpoint(answers: { status: number; body: string; headers?: Record<string, string> }[]): FetchLike & { count: () => number } {
  let n = 0;
  const f: FetchLike = async () => {
    const a = answers[Math.min(n++, answers.length - 1)]!;
    const headers = Object.entries(a.headers ?? {});
    return { status: a.status, headers: { forEach: (cb) => headers.forEach(([k, v]) => cb(v, k)) }, text: async () => a.body };
  };
  return Object.assign(f, { count: () => n });
}

const TOKEN = { status: 200, body: JSON.stringify({ access_token: 'tok', expires_in: 7200 }) };

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await turn();
}

describe('QQ official token endpoint', () => {
  it('a 429 with Retry-After: 5 waits 5 s before the next request (not the 500 ms backoff)', async (t: TestContext) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const f = tokenEndpoint([{ status: 429, body: '{"code":100,"message":"slow"}', headers: { 'Retry-After': '5' } }, TOKEN]);
    const auth = appAccessTokenAuth({ appId: '1', clientSecret: 's', auth: protocol.auth, fetch: f, retryDelayMs: 500 });
    const token = auth.accessToken();
    await settle();
    assert.equal(f.count(), 1);
    t.mock.timers.tick(4_999);
    await settle();
    assert.equal(f.count(), 1, 'not before Retry-After');
    t.mock.timers.tick(1);
    await settle();
    assert.equal(f.count(), 2);
    assert.equal(await token, 'tok');
  });

  it('an HTTP-date Retry-After is honoured too', async (t: TestContext) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: Date.parse('2030-01-01T00:00:00Z') });
    const f = tokenEndpoint([{ status: 429, body: '', headers: { 'retry-after': 'Tue, 01 Jan 2030 00:00:30 GMT' } }, TOKEN]);
    const auth = appAccessTokenAuth({ appId: '1', clientSecret: 's', auth: protocol.auth, fetch: f });
    const token = auth.accessToken();
    await settle();
    t.mock.timers.tick(29_999);
    await settle();
    assert.equal(f.count(), 1);
    t.mock.timers.tick(1);
    await settle();
    assert.equal(await token, 'tok');
  });

  it('client.close() during the retry backoff settles the pending call with AuthError and leaves no timer', async () => {
    const timersBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const f = tokenEndpoint([{ status: 503, body: 'down' }]);
    const client = createQqOfficialClient({
      ...qqOfficialOptions({ protocol, appId: '1', clientSecret: 'secret-9f2', fetch: f, baseUrl: 'http://api.test', token: { retryDelayMs: 60_000, maxAttempts: 10 } }),
      timeoutMs: 600_000,
    });
    let outcome: unknown = 'pending';
    const call = client.sendGroupMessage({ group_openid: 'g', msg_type: 0, content: 'x' }).then(
      () => (outcome = 'resolved'),
      (e: unknown) => (outcome = e),
    );
    await settle();
    assert.equal(f.count(), 1);
    await client.close();
    await settle();
    assert.ok(outcome instanceof AuthError, String(outcome));
    assert.match(outcome.message, /closed/);
    await call;
    assert.equal(f.count(), 1, 'no request after close');
    assert.equal(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length, timersBefore, 'no timer left');
  });

  it('after close(), asking for a token fails at once without a request', async () => {
    const f = tokenEndpoint([TOKEN]);
    const auth = appAccessTokenAuth({ appId: '1', clientSecret: 's', auth: protocol.auth, fetch: f });
    await auth.close?.();
    await assert.rejects(auth.accessToken(), AuthError);
    assert.equal(f.count(), 0);
  });
});
