/**
 * Webhook receivers (qqwire is the HTTP server): OneBot 11 HTTP POST with `X-Signature: sha1=` HMAC
 * (a known vector, missing → 401, wrong → 403) and the quick-operation reply, Milky WebHook bearer
 * check, OneBot 12 webhook headers, action-list reply, 204 and MessagePack bodies.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { encode as msgpackEncode } from '@msgpack/msgpack';
import { protocol as milky } from 'qqwire/milky';
import { protocol as onebot11 } from 'qqwire/onebot11';
import { protocol as gocqhttp } from 'qqwire/gocqhttp';
import { protocol as onebot12 } from 'qqwire/onebot12';
import { ProtocolError, createEventHub, type EventDeliveryInfo, type ProtocolDescriptor } from '../runtime/index.js';
import { WebhookAuthError, createWebhookReceiver } from '../runtime/events-entry.js';

async function withReceiver(
  protocol: ProtocolDescriptor,
  opts: { secret?: string; accessToken?: string; path?: string },
  setup: (hub: ReturnType<typeof createEventHub>) => void,
  run: (url: string, errors: Error[]) => Promise<void>,
): Promise<void> {
  const errors: Error[] = [];
  const hub = createEventHub({ protocol, onError: (e) => errors.push(e) });
  setup(hub);
  const receiver = createWebhookReceiver({ protocol, port: 0, host: '127.0.0.1', sink: hub, ...opts });
  await receiver.start();
  try {
    await run(`http://127.0.0.1:${receiver.port}`, errors);
  } finally {
    await receiver.close();
  }
}

const post = (url: string, body: string | Uint8Array, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

describe('OneBot 11 HTTP POST: X-Signature HMAC-SHA1 over the raw body', () => {
  // RFC 2104 style known vector (Wikipedia, HMAC): HMAC_SHA1("key", "The quick brown fox jumps over the lazy dog").
  const VECTOR_BODY = 'The quick brown fox jumps over the lazy dog';
  const VECTOR_SIG = 'sha1=de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9';

  it('the known vector passes the signature check (then the non-JSON body is 400 and reported raw)', async () => {
    await withReceiver(onebot11, { secret: 'key' }, () => undefined, async (url, errors) => {
      const res = await post(url, VECTOR_BODY, { 'x-signature': VECTOR_SIG });
      assert.equal(res.status, 400);
      assert.equal((errors[0] as ProtocolError).raw, VECTOR_BODY);
    });
  });

  it('missing signature → 401, wrong (one hex digit off, or truncated) → 403; nothing delivered; the secret never in an error', async () => {
    for (const protocol of [onebot11, gocqhttp]) {
      let delivered = 0;
      await withReceiver(protocol, { secret: 'key' }, (hub) => hub.on('*', () => void delivered++), async (url, errors) => {
        assert.equal((await post(url, VECTOR_BODY)).status, 401);
        assert.equal((await post(url, VECTOR_BODY, { 'x-signature': VECTOR_SIG.slice(0, -1) + '8' })).status, 403);
        assert.equal((await post(url, VECTOR_BODY, { 'x-signature': VECTOR_SIG.slice(0, -2) })).status, 403);
        assert.equal((await post(url, VECTOR_BODY + ' ', { 'x-signature': VECTOR_SIG })).status, 403);
        assert.deepEqual(errors.map((e) => (e as WebhookAuthError).status), [401, 403, 403, 403]);
        assert.ok(errors.every((e) => e instanceof WebhookAuthError && !e.message.includes('key')));
      });
      assert.equal(delivered, 0);
    }
  });

  it("a signed event reaches its handler with X-Self-ID; the handler's return value is the quick-operation reply, else 204", async () => {
    const seen: EventDeliveryInfo[] = [];
    await withReceiver(
      onebot11,
      { secret: 's3cret' },
      (hub) => {
        hub.on('message.group', (e, info) => {
          seen.push(info);
          return (e as { raw_message: string }).raw_message === 'ping' ? { reply: 'pong', at_sender: true } : undefined;
        });
      },
      async (url) => {
        const sign = (b: string) => 'sha1=' + createHmac('sha1', 's3cret').update(b).digest('hex');
        const ping = '{"post_type":"message","message_type":"group","group_id":1,"user_id":12345678901234567890,"raw_message":"ping"}';
        const res = await post(url, ping, { 'x-signature': sign(ping), 'x-self-id': '10001' });
        assert.equal(res.status, 200);
        assert.match(res.headers.get('content-type') ?? '', /application\/json/);
        assert.deepEqual(await res.json(), { reply: 'pong', at_sender: true });
        const other = ping.replace('"ping"', '"hi"');
        const none = await post(url, other, { 'x-signature': sign(other) });
        assert.equal(none.status, 204);
        assert.equal(await none.text(), '');
        assert.equal(seen[0]!.selfId, '10001');
        assert.equal(seen[0]!.delivery, 'webhook');
      },
    );
  });

  it('no secret configured: unsigned events are accepted; GET is 405', async () => {
    let got: unknown;
    await withReceiver(onebot11, {}, (hub) => hub.on('notice.notify.poke', (e) => void (got = e)), async (url) => {
      assert.equal((await post(url, '{"post_type":"notice","notice_type":"notify","sub_type":"poke","target_id":1}')).status, 204);
      assert.equal((await fetch(url)).status, 405);
    });
    assert.deepEqual(got, { post_type: 'notice', notice_type: 'notify', sub_type: 'poke', target_id: 1 });
  });
});

describe('Milky WebHook: Authorization: Bearer', () => {
  it('a wrong or missing token is 401; the right one delivers and answers 204 (no reply in Milky)', async () => {
    const got: unknown[] = [];
    await withReceiver(milky, { accessToken: 'tok', path: '/hook' }, (hub) => hub.on('message_receive', (e) => (got.push(e), { ignored: true })), async (url) => {
      const body = '{"time":1,"self_id":1,"event_type":"message_receive","data":{}}';
      assert.equal((await post(`${url}/hook`, body)).status, 401);
      assert.equal((await post(`${url}/hook`, body, { authorization: 'Bearer tok2' })).status, 401);
      assert.equal((await post(`${url}/hook`, body, { authorization: 'bearer tok' })).status, 401);
      assert.equal((await post(`${url}/other`, body, { authorization: 'Bearer tok' })).status, 404);
      assert.equal((await post(`${url}/hook`, body, { authorization: 'Bearer tok' })).status, 204);
    });
    assert.equal(got.length, 1);
  });
});

describe('OneBot 12 webhook', () => {
  it('hands X-OneBot-Version / X-Impl / X-Platform / X-Self-ID to the handler and answers an action list with 200', async () => {
    let info: EventDeliveryInfo | undefined;
    const actions = [{ action: 'send_message', params: { detail_type: 'private', user_id: 'u', message: [] } }];
    await withReceiver(onebot12, { accessToken: 't' }, (hub) => hub.on("message.private", (_e, i) => ((info ??= i), actions)), async (url) => {
      const body = JSON.stringify({ id: 'e1', time: 1.5, type: 'message', detail_type: 'private', sub_type: '', self: { platform: 'qq', user_id: 'b' } });
      const headers = { authorization: 'Bearer t', 'x-onebot-version': '12', 'x-impl': 'walle', 'x-platform': 'qq', 'x-self-id': 'b' };
      const res = await post(url, body, headers);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), actions);
      assert.equal((await post(url, body)).status, 401);
      assert.equal((await post(`${url}/?access_token=t`, body)).status, 200, 'the query token when there is no header');
    });
    assert.deepEqual(info!.headers, { 'x-onebot-version': '12', 'x-impl': 'walle', 'x-platform': 'qq', 'x-self-id': 'b' });
    assert.equal(info!.selfId, 'b');
  });

  it('a MessagePack body is decoded (64-bit ints exact); nothing returned → 204; a non-list return is reported and answered 204', async () => {
    const got: unknown[] = [];
    await withReceiver(onebot12, {}, (hub) => hub.on('notice.friend_increase', (e) => (got.push(e), got.length === 2 ? { not: 'a list' } : undefined)), async (url, errors) => {
      const event = { id: 'e', type: 'notice', detail_type: 'friend_increase', n: 2n ** 63n - 1n };
      const body = msgpackEncode(event, { useBigInt64: true });
      assert.equal((await post(url, body, { 'content-type': 'application/msgpack' })).status, 204);
      assert.equal((await post(url, body, { 'content-type': 'application/msgpack' })).status, 204);
      assert.equal(errors.length, 1);
      assert.match(errors[0]!.message, /array of action requests/);
    });
    assert.deepEqual(got[0], { id: 'e', type: 'notice', detail_type: 'friend_increase', n: 2n ** 63n - 1n });
  });
});
