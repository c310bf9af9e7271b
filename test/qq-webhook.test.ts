/**
 * The QQ official webhook receiver over real HTTP: ed25519 with the docs' known vectors (key derivation
 * from the bot secret, the op 13 answer), signed deliveries acknowledged with op 12, bad signatures
 * rejected with 401 and never delivered, duplicate ids de-duplicated in a bounded window, close().
 */
import { strict as assert } from 'node:assert';
import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { afterEach, describe, it } from 'node:test';
import { protocol } from 'qqwire/qq-official';
import { createQqWebhookReceiver, qqWebhookSigner, SignatureError, type QqWebhookOptions, type QqWebhookReceiver } from '../runtime/qq-official-entry.js';
import type { EventDeliveryInfo } from '../runtime/events/receiver.js';
import { runExitCheck } from './helpers/run-exit-check.js';

// bot-docs dev-prepare/interface-framework/sign.md: this secret's public key, as bytes.
const DOC_SECRET = 'naOC0ocQE3shWLAfffVLB1rhYPG7';
const DOC_PUBLIC = Buffer.from([
  215, 195, 98, 254, 120, 174, 248, 31, 242, 50, 135, 180, 147, 98, 139, 93, 176, 42, 60, 79, 227, 11, 33, 94, 77, 25, 96, 155, 93, 118, 103, 58,
]);

/**
 * The test's own signing key, built independently of the runtime: the seed written out by hand (the
 * secret repeated, first 32 characters) and the public half taken from the docs, as a JWK.
 */
const testKey = createPrivateKey({
  key: { kty: 'OKP', crv: 'Ed25519', d: Buffer.from((DOC_SECRET + DOC_SECRET).slice(0, 32)).toString('base64url'), x: DOC_PUBLIC.toString('base64url') },
  format: 'jwk',
});

function signed(timestamp: string, body: string): Record<string, string> {
  return {
    'x-signature-ed25519': sign(null, Buffer.from(timestamp + body), testKey).toString('hex'),
    'x-signature-timestamp': timestamp,
    'x-bot-appid': '102000001',
    'user-agent': 'QQBot-Callback',
  };
}

class Recorder {
  readonly events: { payload: Record<string, unknown>; info: EventDeliveryInfo }[] = [];
  readonly errors: Error[] = [];
  fail: Error | undefined;
  readonly sink = {
    onEvent: async (payload: unknown, info: EventDeliveryInfo) => {
      if (this.fail) {
        const e = this.fail;
        this.fail = undefined;
        throw e;
      }
      this.events.push({ payload: payload as Record<string, unknown>, info });
    },
    onError: (error: Error) => void this.errors.push(error),
  };
}

let hook: QqWebhookReceiver | undefined;
afterEach(async () => {
  await hook?.close();
  hook = undefined;
});

async function setup(extra: Partial<QqWebhookOptions> = {}) {
  const rec = new Recorder();
  hook = createQqWebhookReceiver({ protocol, clientSecret: DOC_SECRET, sink: rec.sink, host: '127.0.0.1', ...extra });
  await hook.start();
  const base = `http://127.0.0.1:${hook.address()!.port}`;
  const post = async (body: string, headers: Record<string, string>, path = '/qqbot') => {
    const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    return { status: res.status, text: await res.text() };
  };
  return { rec, post };
}

const EVENT = (id: string) =>
  `{"op":0,"id":"${id}","d":{"id":"m-${id}","content":"hi","group_openid":"G1","author":{"member_openid":"M1"},"big":12345678901234567890},"t":"GROUP_AT_MESSAGE_CREATE"}`;

describe('QQ official webhook: keys and URL validation (known vectors)', () => {
  it('derives the docs’ public key from the bot secret (seed = secret repeated to 32 bytes)', () => {
    const signer = qqWebhookSigner(DOC_SECRET);
    assert.deepEqual(Buffer.from(signer.publicKey), DOC_PUBLIC);
    const der = createPublicKey(testKey).export({ format: 'der', type: 'spki' });
    assert.deepEqual(der.subarray(der.length - 32), DOC_PUBLIC, 'the test key is the docs’ key');
    const message = Buffer.from('1725442341{"op":0}');
    assert.deepEqual(Buffer.from(signer.sign(message)), sign(null, message, testKey), 'ed25519 is deterministic: same key, same signature');
    assert.throws(() => qqWebhookSigner(''), /empty/);
  });

  it('answers op 13 exactly as the docs’ example (secret DG5g3B4j9X2KOErG)', async () => {
    const rec = new Recorder();
    hook = createQqWebhookReceiver({ protocol, clientSecret: 'DG5g3B4j9X2KOErG', sink: rec.sink, host: '127.0.0.1' });
    await hook.start();
    const res = await fetch(`http://127.0.0.1:${hook.address()!.port}/`, {
      method: 'POST',
      headers: { 'user-agent': 'QQBot-Callback', 'x-bot-appid': '11111111' },
      body: '{"d":{"plain_token":"Arq0D5A61EgUu4OxUvOp","event_ts":"1725442341"},"op":13}',
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      plain_token: 'Arq0D5A61EgUu4OxUvOp',
      signature: '87befc99c42c651b3aac0278e71ada338433ae26fcb24307bdc5ad38c1adc2d01bcfcadc0842edac85e85205028a1132afe09280305f13aa6909ffc2d652c706',
    });
    assert.equal(rec.events.length, 0, 'a validation is not an event');
  });

  it('a signed op 13 is verified; an unsigned one whose text could sign a delivery is refused', async () => {
    const { rec, post } = await setup();
    const ok = '{"op":13,"d":{"plain_token":"tok","event_ts":"1700000000"}}';
    const res = await post(ok, signed('1700000000', ok));
    assert.equal(res.status, 200);
    assert.equal(JSON.parse(res.text).signature, sign(null, Buffer.from('1700000000tok'), testKey).toString('hex'));
    // A forged "validation" asking us to sign `timestamp + event body` must not get that signature.
    const forged = JSON.stringify({ op: 13, d: { event_ts: '1700000000', plain_token: EVENT('forged') } });
    assert.equal((await post(forged, {})).status, 401);
    const bad = await post(ok, { ...signed('1700000000', ok), 'x-signature-timestamp': '1700000001' });
    assert.equal(bad.status, 401);
    assert.equal(rec.errors.filter((e) => e instanceof SignatureError).length, 2);
  });
});

describe('QQ official webhook: deliveries', () => {
  it('a signed dispatch reaches the sink losslessly and is answered {"op":12}', async () => {
    const { rec, post } = await setup();
    const res = await post(EVENT('e1'), signed('1725442341', EVENT('e1')));
    assert.deepEqual(res, { status: 200, text: '{"op":12}' });
    assert.equal(rec.events.length, 1);
    assert.deepEqual(rec.events[0]!.payload, {
      op: 0,
      id: 'e1',
      d: { id: 'm-e1', content: 'hi', group_openid: 'G1', author: { member_openid: 'M1' }, big: 12345678901234567890n },
      t: 'GROUP_AT_MESSAGE_CREATE',
    });
    assert.deepEqual(rec.events[0]!.info, { delivery: 'webhook', selfId: '102000001' });
  });

  it('a bad signature is answered 401, reported as SignatureError and never delivered', async () => {
    const { rec, post } = await setup();
    const body = EVENT('e1');
    const headers = signed('1725442341', body);
    const cases: [string, Record<string, string>, string][] = [
      ['body changed after signing', headers, body.replace('"hi"', '"ho"')],
      ['timestamp changed', { ...headers, 'x-signature-timestamp': '1725442342' }, body],
      ['signature missing', { 'x-signature-timestamp': '1725442341' }, body],
      ['no signature headers at all', {}, body],
      ['signature not hex', { ...headers, 'x-signature-ed25519': 'zz'.repeat(64) }, body],
      ['signed by another secret', { ...headers, 'x-signature-ed25519': Buffer.from(qqWebhookSigner('other').sign(Buffer.from('1725442341' + body))).toString('hex') }, body],
    ];
    for (const [why, h, b] of cases) assert.equal((await post(b, h)).status, 401, why);
    assert.equal(rec.events.length, 0);
    assert.equal(rec.errors.length, cases.length);
    for (const e of rec.errors) {
      assert.ok(e instanceof SignatureError && e.status === 401 && e.delivery === 'webhook', String(e));
      assert.ok(!e.message.includes(DOC_SECRET));
    }
  });

  it('a repeated event id is acknowledged but delivered once; the window is bounded', async () => {
    const { rec, post } = await setup({ dedupeSize: 2 });
    const send = (id: string) => post(EVENT(id), signed('1', EVENT(id)));
    for (const id of ['a', 'a', 'b', 'a', 'c', 'a']) assert.deepEqual(await send(id), { status: 200, text: '{"op":12}' });
    // a, b fill the window; c pushes a out, so the last `a` is delivered again.
    assert.deepEqual(rec.events.map((e) => e.payload['id']), ['a', 'b', 'c', 'a']);
  });

  it('a handler that throws gets a 500 and the platform’s retry is delivered', async () => {
    const { rec, post } = await setup();
    rec.fail = new Error('db down');
    assert.equal((await post(EVENT('r'), signed('1', EVENT('r')))).status, 500);
    assert.equal((await post(EVENT('r'), signed('1', EVENT('r')))).status, 200);
    assert.deepEqual(rec.events.map((e) => e.payload['id']), ['r']);
    assert.match(rec.errors[0]!.message, /event handler failed .*db down/);
  });

  it('serves only POST on the given path; a body that is not a payload is 400', async () => {
    const { rec, post } = await setup({ path: '/qqbot' });
    assert.equal((await post(EVENT('x'), signed('1', EVENT('x')), '/other')).status, 404);
    const res = await fetch(`http://127.0.0.1:${hook!.address()!.port}/qqbot`);
    assert.equal(res.status, 405);
    assert.equal((await post('[1]', signed('1', '[1]'))).status, 400);
    assert.equal(rec.events.length, 0);
  });

  it('a body over maxBodyBytes is 413', async () => {
    const { post } = await setup({ maxBodyBytes: 64 });
    assert.equal((await post(EVENT('big'), signed('1', EVENT('big')))).status, 413);
  });

  it('close() leaves no server, socket or timer (keep-alive connection open)', async () => {
    const { code, alive, stderr } = await runExitCheck('qq-webhook');
    assert.equal(stderr, '');
    assert.deepEqual(alive, []);
    assert.equal(code, 0);
  });
});
