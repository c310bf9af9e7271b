/**
 * Issue 8: data comes back exactly as sent, secrets never leave in any form, every bad input is a
 * typed error — across every protocol, transport and int64 mode. Most cases use an injected fetch
 * (the HTTP transport's other engine) so each protocol's full client path runs without a server.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { WebSocketServer } from 'ws';
import * as gocqhttp from 'qqwire/gocqhttp';
import * as milky from 'qqwire/milky';
import * as onebot11 from 'qqwire/onebot11';
import * as onebot12 from 'qqwire/onebot12';
import * as qqOfficial from 'qqwire/qq-official';
import * as shamrock from 'qqwire/shamrock';
import { staticTokenAuth } from '../runtime/auth.js';
import { type ClientOptions } from '../runtime/client.js';
import { type Int64Mode } from '../runtime/decode.js';
import { ApiError, AuthError, DisconnectedError, HttpError, Int64PrecisionError, NetworkError, ProtocolError, RateLimitError, ResponseTooLargeError, ResponseValidationError, UnknownActionError, ValidationError } from '../runtime/errors.js';
import { type FetchLike } from '../runtime/http-transport.js';
import { mayHoldUnsafeNumber, parseJson } from '../runtime/json.js';
import fc from 'fast-check';
import { qqOfficialOptions } from '../runtime/qq-official.js';
import { type ProtocolDescriptor } from '../runtime/transport.js';
import { type Validator } from '../runtime/validator.js';
import { createWsTransport } from '../runtime/ws-transport.js';
import { MAX_NESTING } from '../runtime/decode.js';
import { runtimeHasUndici } from '../runtime/http-transport.js';

interface Mod {
  createClient(options?: ClientOptions<Int64Mode>): { call(action: string, params?: unknown): Promise<unknown>; close(): Promise<void> };
  protocol: ProtocolDescriptor;
  validators: Record<string, Validator<unknown>>;
}
const mods = { milky, onebot11, gocqhttp, shamrock, onebot12, 'qq-official': qqOfficial } as unknown as Record<string, Mod>;

interface Answer {
  status?: number;
  body?: string;
  headers?: Record<string, string>;
}

/** A fetch that answers every request from `answer` and records the URLs it was asked for. */
function fakeFetch(answer: (url: string, body: string | undefined) => Answer | Promise<Answer>): FetchLike & { urls: string[] } {
  const urls: string[] = [];
  const f = async (url: string, init: { body?: string | Uint8Array<ArrayBuffer> }) => {
    urls.push(url);
    const a = await answer(url, typeof init.body === 'string' ? init.body : undefined);
    const headers = Object.entries(a.headers ?? {});
    return {
      status: a.status ?? 200,
      headers: { forEach: (cb: (v: string, k: string) => void) => headers.forEach(([k, v]) => cb(v, k)) },
      text: async () => a.body ?? '',
    };
  };
  return Object.assign(f as FetchLike, { urls });
}

const QQ_TOKEN_URL = 'https://bots.qq.com/app/getAppAccessToken';

/** One representative call per protocol, the envelope that wraps its data, and its client. */
const CASES: Record<string, { action: string; params: Record<string, unknown>; wrap: (data: unknown) => string }> = {
  milky: { action: 'send_private_message', params: { user_id: 10001, message: [{ type: 'text', data: { text: 'x' } }] }, wrap: (d) => JSON.stringify({ status: 'ok', retcode: 0, data: d }) },
  onebot11: { action: 'send_private_msg', params: { user_id: 10001, message: 'x' }, wrap: (d) => JSON.stringify({ status: 'ok', retcode: 0, data: d }) },
  gocqhttp: { action: 'send_private_msg', params: { user_id: 10001, message: 'x' }, wrap: (d) => JSON.stringify({ status: 'ok', retcode: 0, data: d }) },
  shamrock: { action: 'send_private_msg', params: { user_id: 10001, message: 'x' }, wrap: (d) => JSON.stringify({ status: 'ok', retcode: 0, data: d }) },
  onebot12: {
    action: 'send_message',
    params: { detail_type: 'private', user_id: '10001', message: [{ type: 'text', data: { text: 'x' } }] },
    wrap: (d) => JSON.stringify({ status: 'ok', retcode: 0, data: d, message: '' }),
  },
  'qq-official': { action: 'send_group_message', params: { group_openid: 'g', msg_type: 0, content: 'x' }, wrap: (d) => JSON.stringify(d) },
};

function client(id: string, secret: string, fetch: FetchLike, extra: ClientOptions<Int64Mode> = {}) {
  const mod = mods[id]!;
  const quiet = { warn: () => undefined };
  if (id === 'qq-official') {
    return mod.createClient({ ...qqOfficialOptions({ protocol: mod.protocol, appId: '1', clientSecret: secret, fetch, baseUrl: 'http://api.test', msgSeq: false }), logger: quiet, ...extra });
  }
  return mod.createClient({ baseUrl: 'http://api.test', accessToken: secret, fetch, logger: quiet, ...extra });
}

/** A fetch for `id` that answers the QQ token endpoint and otherwise `answer`. */
function serve(answer: (url: string, body: string | undefined) => Answer): FetchLike & { urls: string[] } {
  return fakeFetch((url, body) => (url === QQ_TOKEN_URL ? { body: JSON.stringify({ access_token: 'app-token-1', expires_in: 7200 }) } : answer(url, body)));
}

// ------------------------------------------------------------------------------------------ data exactly

describe('redaction never touches data that is parsed or returned', () => {
  const cases: [string, string, unknown][] = [
    ['milky', '123456', { message_seq: 1234567, time: 1 }],
    ['milky', '2', { message_seq: 23, time: 1234567890 }],
    ['onebot11', 'ok', { message_id: 1 }],
    ['gocqhttp', 'ok', { message_id: 1 }],
    ['shamrock', 'ok', { message_id: 1 }],
    ['onebot12', '123456', { message_id: 'id-123456-x', time: 1 }],
    ['qq-official', 's', { id: 'msg-s-1', timestamp: 'timestamp s' }],
  ];
  for (const [id, secret, data] of cases) {
    test(`${id}: secret ${JSON.stringify(secret)} inside the answer comes back untouched`, async () => {
      const c = client(id, secret, serve(() => ({ body: CASES[id]!.wrap(data) })));
      assert.deepEqual(await c.call(CASES[id]!.action, CASES[id]!.params), data);
      await c.close();
    });
  }
});

describe('a success status whose body is not the protocol JSON is a ProtocolError carrying the raw text', () => {
  for (const id of Object.keys(CASES)) {
    for (const body of ['<html>502 Bad Gateway</html>', '{"status":"ok","retcode":0,"da', '']) {
      test(`${id}: ${JSON.stringify(body.slice(0, 20))}`, async () => {
        const c = client(id, 'tok', serve(() => ({ body })));
        const error = await c.call(CASES[id]!.action, CASES[id]!.params).catch((e: unknown) => e);
        assert.ok(error instanceof ProtocolError, String(error));
        assert.equal(error.raw, body);
        assert.equal(error.action, CASES[id]!.action);
        await c.close();
      });
    }
  }

  test('onebot12 over HTTP with MessagePack: a garbage MessagePack body is a ProtocolError, not a NetworkError', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/msgpack' });
      res.end(Buffer.from([0xc1, 0xc1, 0xc1]));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const c = onebot12.createClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, encoding: 'msgpack' });
    try {
      const error = await c.call('delete_message', { message_id: 'm' }).catch((e: unknown) => e);
      assert.ok(error instanceof ProtocolError, String(error));
    } finally {
      await c.close();
      server.close();
    }
  });
});

// ------------------------------------------------------------------------------------------ int64

describe('int64 validators: range and one representation per mode', () => {
  const getMessage = milky.protocol.actions['get_message']!.params!;
  const base = { message_scene: 'friend', peer_id: 123456 };

  test('minimum/maximum of an int64 field hold (Milky message_seq minimum 0)', () => {
    assert.match(getMessage.check({ ...base, message_seq: -3 })![0]!.message, /from 0 to 9223372036854775807/);
    assert.equal(getMessage.check({ ...base, message_seq: 0 }), undefined);
  });

  test('beyond signed 64 bits is an issue in every mode', () => {
    assert.ok(getMessage.check({ ...base, message_seq: 2n ** 64n }, { int64: 'bigint' }));
    assert.ok(getMessage.check({ ...base, message_seq: 2n ** 63n }, { int64: 'bigint' }));
    assert.equal(getMessage.check({ ...base, message_seq: 2n ** 63n - 1n }, { int64: 'bigint' }), undefined);
    assert.ok(getMessage.check({ ...base, message_seq: '1'.repeat(30) }, { int64: 'string' }));
    assert.equal(getMessage.check({ ...base, message_seq: '9223372036854775807' }, { int64: 'string' }), undefined);
    const sendGroup = onebot11.protocol.actions['send_group_msg']!.params!;
    assert.ok(sendGroup.check({ group_id: -(2n ** 63n) - 1n, message: 'x' }, { int64: 'bigint' }));
  });

  test('only the representation of the mode passes; validators are mode-agnostic code', () => {
    assert.ok(getMessage.check({ ...base, message_seq: '1' }), 'number mode (default): a decimal string is an issue');
    assert.ok(getMessage.check({ ...base, message_seq: 1n }), 'number mode: a bigint is an issue');
    assert.ok(getMessage.check({ ...base, message_seq: 2 ** 53 }), 'number mode: an unsafe number is an issue');
    assert.ok(getMessage.check({ ...base, message_seq: 1 }, { int64: 'bigint' }));
    assert.ok(getMessage.check({ ...base, message_seq: 1 }, { int64: 'string' }));
    assert.equal(getMessage.check({ ...base, message_seq: 1n }, { int64: 'bigint' }), undefined);
    assert.equal(getMessage.check({ ...base, message_seq: '1' }, { int64: 'string' }), undefined);
    assert.equal(getMessage.is({ ...base, message_seq: '1' }), false, 'is() checks the number mode');
    assert.ok(getMessage['~standard'].validate({ ...base, message_seq: '1' }) instanceof Object);
  });

  test('number mode: a decimal string for an int64 param is a ValidationError and nothing is sent', async () => {
    const f = serve(() => ({ body: CASES['milky']!.wrap({ message_seq: 1, time: 1 }) }));
    const c = client('milky', 'tok', f);
    await assert.rejects(c.call('send_private_message', { user_id: '12345678901234567890', message: [] }), ValidationError);
    assert.deepEqual(f.urls, []);
  });

  test('number mode: a go-cqhttp result delivering an int64 as a string is a validation issue', async () => {
    const msg = { group: true, group_id: '123', message_id: 1, real_id: 1, message_type: 'group', sender: { user_id: 1, nickname: 'n' }, time: 1, message: 'x', raw_message: 'x' };
    const f = serve(() => ({ body: CASES['gocqhttp']!.wrap(msg) }));
    const c = client('gocqhttp', 'tok', f, { validate: { result: 'throw' } });
    const error = await c.call('get_msg', { message_id: 1 }).catch((e: unknown) => e);
    assert.ok(error instanceof ResponseValidationError, String(error));
    assert.equal(error.issues[0]!.path, '/group_id');
  });
});

describe('lossless JSON: every number token a double cannot hold exactly', () => {
  test('parseJson gives exact bigints for 1e20, 9007199254740993.0 and 9.007199254740993e15', () => {
    assert.deepEqual(parseJson('[1e20, 9007199254740993.0, 9.007199254740993e15, 12345678901234567890, -1E+19]'), [
      10n ** 20n,
      9007199254740993n,
      9007199254740993n,
      12345678901234567890n,
      -(10n ** 19n),
    ]);
  });

  test('any whitespace and nesting around an unsafe token still takes the exact path (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 2n ** 53n, max: 2n ** 70n }),
        fc.boolean(),
        fc.constantFrom('', ' ', '\n', '\t ', '\r\n  '),
        fc.constantFrom('{"a":X}', '[X]', '[1,X]', '{"a":[{"b":X}]}', 'X', '{"s":"12345678901234567890:","n":X}'),
        (big, negative, ws, shape) => {
          const value = negative ? -big : big;
          const text = shape.replace(/([:[,])X|^X/, (m, sep: string | undefined) => `${sep ?? ''}${ws}${value}`);
          const parsed = parseJson(text);
          assert.ok(JSON.stringify(parsed, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)).includes(`"${value}n"`), text);
        },
      ),
    );
  });

  test('long digit runs inside strings (decimal or hex ids) do not take the slow path', () => {
    for (const text of ['{"file_id":"12345678901234567890"}', '{"id":"0123456789abcdef0123456789"}', '{"t":"1e5x"}']) {
      assert.equal(mayHoldUnsafeNumber(text), false, text);
      assert.deepEqual(parseJson(text), JSON.parse(text));
    }
  });

  test('non-integer doubles and safe integers in any notation stay numbers', () => {
    assert.deepEqual(parseJson('[1.5e3, 1e2, 0.1, 9007199254740993.5, 2.5e-3, 1234567890123456.7]'), [1500, 100, 0.1, 9007199254740993.5, 0.0025, 1234567890123456.7]);
  });

  const seqBody = (token: string) => `{"status":"ok","retcode":0,"data":{"message_seq":${token},"time":1}}`;
  for (const token of ['1e20', '9007199254740993.0', '9.007199254740993e15']) {
    test(`${token} in an int64 field: number mode fails typed, bigint and string modes deliver it exactly`, async () => {
      const exact = BigInt(token === '1e20' ? 10n ** 20n : 9007199254740993n);
      const f = serve(() => ({ body: seqBody(token) }));
      const num = client('milky', 'tok', f);
      const error = await num.call('send_private_message', CASES['milky']!.params).catch((e: unknown) => e);
      assert.ok(error instanceof Int64PrecisionError, String(error));
      assert.equal(error.value, exact.toString());
      const big = (await client('milky', 'tok', f, { int64: 'bigint' }).call('send_private_message', CASES['milky']!.params)) as { message_seq: bigint };
      assert.equal(big.message_seq, exact);
      const str = (await client('milky', 'tok', f, { int64: 'string' }).call('send_private_message', CASES['milky']!.params)) as { message_seq: string };
      assert.equal(str.message_seq, exact.toString());
    });
  }
});

// ------------------------------------------------------------------------------------------ schema rules

describe('Milky x-nullish: optional and defaulted fields accept null', () => {
  test('params and segments with null pass; required fields and other protocols still refuse null', () => {
    const history = milky.protocol.actions['get_history_messages']!.params!;
    assert.equal(history.check({ message_scene: 'group', peer_id: 123456, limit: null, start_message_seq: null }), undefined);
    assert.ok(history.check({ message_scene: 'group', peer_id: null }), 'a required field is not nullish');
    const send = milky.protocol.actions['send_group_message']!.params!;
    const face = { type: 'face', data: { face_id: '1', is_large: null } };
    const image = { type: 'image', data: { uri: 'file:///x', sub_type: null } };
    assert.equal(send.check({ group_id: 123456, message: [face, image] }), undefined);
    assert.ok(onebot11.protocol.actions['send_private_msg']!.params!.check({ user_id: 1, message: 'x', auto_escape: null }));
  });
});

describe('x-unknown: skip drops an array item of an unknown variant', () => {
  const item = (scene: string, seq: number) => ({
    message_scene: scene,
    peer_id: 123456,
    message_seq: seq,
    sender_id: 123456,
    time: 1,
    segments: [],
    ...(scene === 'friend' ? { friend: { user_id: 123456, nickname: 'a', sex: 'male', qid: '', remark: '', category: { category_id: 0, category_name: 'x' } } } : {}),
  });
  for (const mode of ['number', 'bigint', 'string'] as const) {
    test(`Milky get_history_messages (${mode}): the unknown message_scene item is skipped, the rest delivered`, async () => {
      const warnings: string[] = [];
      const f = serve(() => ({ body: CASES['milky']!.wrap({ messages: [item('friend', 1), item('channel', 2), item('friend', 3)], next_message_seq: 4 }) }));
      const c = client('milky', 'tok', f, { int64: mode, logger: { warn: (m) => warnings.push(m) } });
      const out = (await c.call('get_history_messages', { message_scene: 'friend', peer_id: 123456 })) as { messages: { message_seq: unknown }[] };
      assert.deepEqual(
        out.messages.map((m) => String(m.message_seq)),
        ['1', '3'],
      );
      assert.deepEqual(warnings, []);
    });
  }
});

// ------------------------------------------------------------------------------------------ secrets

const ODD = 'a+b/c=d&e f%'; // travels as a%2Bb%2Fc%3Dd%26e+f%25 (form) or a%2Bb%2Fc%3Dd%26e%20f%25
const FORMS = [ODD, encodeURIComponent(ODD), new URLSearchParams({ t: ODD }).toString().slice(2), encodeURIComponent(ODD).toLowerCase()];

function assertNoSecret(value: unknown, label: string): void {
  const text = typeof value === 'string' ? value : JSON.stringify(value, (_k, v: unknown) => (v instanceof Error ? { message: v.message, stack: v.stack, cause: v.cause } : v));
  for (const form of FORMS) assert.ok(!text?.includes(form), `${label} leaks ${form}: ${text}`);
}

function assertErrorClean(error: unknown): void {
  assert.ok(error instanceof Error);
  const e = error as unknown as Record<string, unknown>;
  for (const key of ['message', 'stack', 'body', 'raw', 'envelope', 'details', 'serverMessage', 'data']) assertNoSecret(e[key], key);
  for (let cause: unknown = error.cause, i = 0; cause && i < 5; cause = (cause as Error).cause, i++) {
    assertNoSecret((cause as Error).message ?? cause, 'cause');
    assertNoSecret((cause as Error).stack ?? '', 'cause stack');
  }
}

describe('tokenInQuery: every wire form of the token is redacted from every error field', () => {
  const echoUrl = (url: string) => url; // a server that echoes the request line
  const answers: [string, (url: string) => Answer, (e: unknown) => boolean][] = [
    ['HttpError.body', (url) => ({ status: 500, body: `upstream error for ${echoUrl(url)}`, headers: { 'content-type': 'text/plain' } }), (e) => e instanceof HttpError],
    ['ProtocolError.raw', (url) => ({ body: `<html>${url}</html>` }), (e) => e instanceof ProtocolError],
    ['ApiError.envelope (parsed, deep)', (url) => ({ body: JSON.stringify({ status: 'failed', retcode: 1400, message: `bad ${url}`, data: { nested: [{ url }] }, wording: url }) }), (e) => e instanceof ApiError],
  ];
  for (const id of ['onebot11', 'gocqhttp', 'shamrock', 'onebot12']) {
    for (const [what, answer, is] of answers) {
      test(`${id}: ${what}`, async () => {
        const f = fakeFetch(answer);
        const c = client(id, ODD, f, { tokenInQuery: true });
        const error = await c.call(CASES[id]!.action, CASES[id]!.params).catch((e: unknown) => e);
        assert.ok(is(error), String(error));
        assert.ok(FORMS.some((form) => f.urls[0]!.includes(form)), 'the token really travels encoded');
        assertErrorClean(error);
      });
    }
  }

  test('HTTP: the fetch error kept as cause is redacted (its message names the URL)', async () => {
    const f: FetchLike = async (url) => {
      throw new TypeError(`fetch failed: ${url}`, { cause: new Error(`connect ECONNREFUSED ${url}`) });
    };
    const c = client('onebot11', ODD, f, { tokenInQuery: true });
    const error = await c.call('send_private_msg', CASES['onebot11']!.params).catch((e: unknown) => e);
    assert.ok(error instanceof NetworkError, String(error));
    assert.ok(error.cause instanceof TypeError, 'the cause is kept');
    assertErrorClean(error);
  });

  test('QQ official: AuthError and its cause never carry the client secret', async () => {
    const f: FetchLike = async (_url, init) => {
      throw new Error(`socket hang up while sending ${String(init.body)}`);
    };
    const c = (qqOfficial as unknown as Mod).createClient(qqOfficialOptions({ protocol: qqOfficial.protocol, appId: '1', clientSecret: ODD, fetch: f, baseUrl: 'http://api.test', token: { maxAttempts: 1 } }));
    const error = await c.call('send_group_message', CASES['qq-official']!.params).catch((e: unknown) => e);
    assert.ok(error instanceof AuthError, String(error));
    assert.ok(error.cause instanceof Error);
    assertErrorClean(error);
    await c.close();
  });

  test('forward WebSocket: close reasons, onError, lastError and the failed call carry no form of the token', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(wss, 'listening');
    wss.on('connection', (ws, req) => {
      const query = (req.url ?? '').split('?')[1] ?? '';
      ws.send(`not json ${query}`);
      ws.once('message', () => ws.close(4000, `bye ${query}`.slice(0, 120)));
    });
    const errors: Error[] = [];
    const closes: string[] = [];
    const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`;
    const transport = createWsTransport({ protocol: onebot11.protocol, url, auth: staticTokenAuth(onebot11.protocol.auth, ODD, { inQuery: true }), onError: (e) => errors.push(e), maxAttempts: 1 });
    transport.on('close', ({ reason }) => closes.push(reason));
    const c = (onebot11 as unknown as Mod).createClient({ transport });
    try {
      const error = await c.call('send_private_msg', CASES['onebot11']!.params).catch((e: unknown) => e);
      assert.ok(error instanceof DisconnectedError, String(error));
      assertErrorClean(error);
      assert.ok(errors.length > 0 && closes.length > 0);
      assert.ok(closes[0]!.includes('[redacted]'));
      for (const e of errors) assertErrorClean(e);
      assertErrorClean(transport.lastError);
    } finally {
      await c.close();
      wss.close();
    }
  });
});

// ------------------------------------------------------------------------------------------ bad input

describe('client.call accepts only the protocol’s own actions', () => {
  for (const id of Object.keys(CASES)) {
    test(`${id}: inherited names are a typed error and nothing is sent`, async () => {
      const f = serve(() => ({ body: CASES[id]!.wrap({}) }));
      const c = client(id, 'tok', f);
      for (const name of ['toString', 'constructor', 'hasOwnProperty', '__proto__', 'valueOf', 'no_such_action']) {
        const error = await c.call(name, {}).catch((e: unknown) => e);
        assert.ok(error instanceof UnknownActionError, `${name}: ${String(error)}`);
        assert.equal(error.action, name);
      }
      assert.deepEqual(f.urls.filter((u) => u !== QQ_TOKEN_URL), []);
    });
  }
});

/** A OneBot 11 forward message nested `levels` forward nodes deep, as JSON text (JSON.stringify would overflow). */
function nestedForwardText(levels: number): string {
  const open = '[{"type":"node","data":{"user_id":1,"nickname":"n","content":';
  return open.repeat(levels) + '[{"type":"text","data":{"text":"leaf"}}]' + '}}]'.repeat(levels);
}
const nestedForward = (levels: number): unknown => JSON.parse(nestedForwardText(levels));

describe('no nesting depth, cycle or getter crashes a call', () => {
  test('validators never throw: 10,000 levels, a cycle, a throwing getter are issues at the root', () => {
    const segment = onebot11.validators['Segment']!;
    const deep = (nestedForward(10_000) as unknown[])[0];
    const cyclic: Record<string, unknown> = { type: 'node', data: { user_id: 1, nickname: 'n' } };
    (cyclic['data'] as Record<string, unknown>)['content'] = [cyclic];
    const getter = { type: 'text', data: Object.defineProperty({}, 'text', { enumerable: true, get: () => { throw new Error('boom'); } }) };
    for (const [label, value] of [['deep', deep], ['cyclic', cyclic], ['getter', getter]] as const) {
      const issues = segment.check(value);
      assert.ok(issues && issues.length > 0, label);
      assert.equal(segment.is(value), false, label);
      assert.ok(segment['~standard'].validate(value) instanceof Object, label);
    }
    assert.ok(milky.protocol.actions['send_group_message']!.params!.check({ group_id: 1, message: (nestedForward(10_000) as unknown[]) }));
  });

  test('params too deep to encode are a ValidationError even with params validation off', async () => {
    const f = serve(() => ({ body: CASES['onebot11']!.wrap({ message_id: 1 }) }));
    const c = client('onebot11', 'tok', f, { validate: { params: 'off' } });
    const error = await c.call('send_private_msg', { user_id: 10001, message: nestedForward(10_000) }).catch((e: unknown) => e);
    assert.ok(error instanceof ValidationError, String(error));
    assert.deepEqual(f.urls, []);
  });

  for (const mode of ['number', 'bigint', 'string'] as const) {
    test(`a 10,000-level response is a ProtocolError (${mode}); up to ${MAX_NESTING} levels of JSON are accepted`, async () => {
      const body = (levels: number) => `{"status":"ok","retcode":0,"data":{"message":${nestedForwardText(levels)}}}`;
      const levels: Record<string, number> = { deep: 10_000, over: 170, ok: 169 };
      const f = serve((_url, sent) => ({ body: body(levels[JSON.parse(sent!).id as string]!) }));
      const c = client('onebot11', 'tok', f, { int64: mode, validate: { result: 'throw' } });
      const error = await c.call('get_forward_msg', { id: 'deep' }).catch((e: unknown) => e);
      assert.ok(error instanceof ProtocolError, String(error));
      assert.match(error.message, /nested deeper than 512 levels/);
      // `data` (1) + 3 per forward node + the leaf's 3: 169 nodes are 511 levels, 170 are 514.
      const over = await c.call('get_forward_msg', { id: 'over' }).catch((e: unknown) => e);
      assert.ok(over instanceof ProtocolError, String(over));
      const ok = (await c.call('get_forward_msg', { id: 'ok' })) as { message: unknown[] };
      assert.equal(ok.message.length, 1);
    });
  }
});

describe('HTTP 429 is RateLimitError on every protocol, whatever the body', () => {
  for (const id of Object.keys(CASES)) {
    for (const body of ['<html>Too Many Requests</html>', '', JSON.stringify({ status: 'failed', retcode: 1, code: 1, message: 'slow down' })]) {
      test(`${id}: ${JSON.stringify(body.slice(0, 16))}`, async () => {
        const future = new Date(Date.now() + 3_600_000).toUTCString();
        for (const [header, check] of [
          ['7', (ms: number | undefined) => ms === 7000],
          [future, (ms: number | undefined) => ms !== undefined && ms > 3_000_000],
          ['Thu, 01 Jan 1970 00:00:00 GMT', (ms: number | undefined) => ms === 0],
        ] as const) {
          const c = client(id, 'tok', serve(() => ({ status: 429, body, headers: { 'retry-after': header } })));
          const error = await c.call(CASES[id]!.action, CASES[id]!.params).catch((e: unknown) => e);
          assert.ok(error instanceof RateLimitError, `${header}: ${String(error)}`);
          assert.equal(error.status, 429);
          assert.ok(check(error.retryAfterMs), `${header} → ${error.retryAfterMs}`);
        }
      });
    }
  }
});

describe('response body size cap', () => {
  async function endless(): Promise<{ url: string; close(): void }> {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"status":"ok","retcode":0,"data":{"x":"');
      const chunk = 'a'.repeat(64 * 1024);
      const timer = setInterval(() => res.write(chunk), 1);
      res.on('close', () => clearInterval(timer));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => {
        server.closeAllConnections();
        server.close();
      },
    };
  }

  for (const engine of ['undici', 'fetch'] as const) {
    test(`${engine}: a body that never ends fails with ResponseTooLargeError at the cap, while streaming`, async () => {
      const srv = await endless();
      const c = (onebot11 as unknown as Mod).createClient({ baseUrl: srv.url, maxResponseBytes: 256 * 1024, timeoutMs: 60_000, ...(engine === 'fetch' ? { fetch: globalThis.fetch } : {}) });
      try {
        const error = await c.call('get_msg', { message_id: 1 }).catch((e: unknown) => e);
        assert.ok(error instanceof ResponseTooLargeError, String(error));
        assert.equal(error.limitBytes, 256 * 1024);
      } finally {
        await c.close();
        srv.close();
      }
    });
  }

  test('the default cap is 16 MiB; a declared Content-Length past it fails before reading', async () => {
    const f = fakeFetch(() => ({ body: '{}', headers: { 'content-length': String(16 * 1024 * 1024 + 1) } }));
    const error = await client('onebot11', 'tok', f).call('get_msg', { message_id: 1 }).catch((e: unknown) => e);
    assert.ok(error instanceof ResponseTooLargeError, String(error));
    assert.equal(error.limitBytes, 16 * 1024 * 1024);
  });
});

describe('HTTP engine: undici only where it is the runtime’s own', () => {
  test('capability check: Node reports its undici; a runtime without it does not', () => {
    assert.equal(runtimeHasUndici(), true);
    assert.equal(runtimeHasUndici({ node: '20.0.0' }), false);
    assert.equal(runtimeHasUndici({ bun: '1.1.0', node: '22.0.0' }), false);
    assert.equal(runtimeHasUndici({}), false);
  });

  test('without the runtime’s undici, the default transport calls global fetch by itself', async () => {
    const saved = Object.getOwnPropertyDescriptor(process, 'versions')!;
    const savedFetch = globalThis.fetch;
    const f = serve(() => ({ body: CASES['onebot11']!.wrap({ message_id: 1 }) }));
    Object.defineProperty(process, 'versions', { ...saved, value: { ...process.versions, undici: undefined } });
    globalThis.fetch = f as unknown as typeof fetch;
    try {
      const c = onebot11.createClient({ baseUrl: 'http://api.test' });
      assert.deepEqual(await c.call('delete_msg', { message_id: 1 }), undefined);
      assert.deepEqual(f.urls, ['http://api.test/delete_msg']);
      await c.close();
      // The QQ official token endpoint follows the same rule.
      const auth = qqOfficialOptions({ protocol: qqOfficial.protocol, appId: '1', clientSecret: 'x', baseUrl: 'http://api.test' }).auth;
      assert.equal(await auth.accessToken(), 'app-token-1');
      assert.equal(f.urls.at(-1), QQ_TOKEN_URL);
    } finally {
      Object.defineProperty(process, 'versions', saved);
      globalThis.fetch = savedFetch;
    }
  });
});
