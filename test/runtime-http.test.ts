import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { inspect } from 'node:util';
import { createMilkyClient } from 'qqwire/milky';
import { createOnebot11Client } from 'qqwire/onebot11';
import { AbortError, ApiError, HttpError, Int64PrecisionError, NetworkError, ProtocolError, QQWireError, ResponseValidationError, TimeoutError, ValidationError } from '../runtime/errors.js';
import { ok, startServer, type Reply, type TestServer } from './helpers/http-server.js';

const TOKEN = 'TOKEN-SENTINEL-7f3a9c';
const BIG = '9007199254740993'; // 2^53 + 1: JSON.parse would round it to ...992

const friend = { user_id: 123456, nickname: 'a', sex: 'male', qid: '', remark: '', category: { category_id: 0, category_name: 'x' } };
const messageJson = (seq: string) =>
  `{"message_scene":"friend","peer_id":123456,"message_seq":${seq},"sender_id":123456,"time":1700000000,` +
  `"segments":[{"type":"text","data":{"text":"x"}},{"type":"poke_v2","data":{"strength":3}}],"friend":${JSON.stringify(friend)}}`;

const routes: Record<string, (body: string) => Reply> = {
  '/api/send_private_message': () => ok({ message_seq: 23333, time: 1234567890 }),
  '/api/send_group_message': (body) => ({ body: `{"status":"ok","retcode":0,"data":{"message_seq":${JSON.parse(body).message[0].data.text === 'big' ? BIG : 1},"time":1}}` }),
  '/api/get_message': () => ({ body: `{"status":"ok","retcode":0,"data":{"message":${messageJson(BIG)}}}` }),
  '/api/get_resource_temp_url': () => ok({ url: 42 }),
  '/api/recall_group_message': () => ({ body: '{"status":"failed","retcode":-403,"message":"未处于登录状态"}' }),
  '/api/recall_private_message': () => ({ body: `{"status":"failed","retcode":-500,"message":"bad token ${TOKEN}"}` }),
  '/api/mark_message_as_read': () => ({ status: 401, body: `unauthorized: ${TOKEN}` }),
  '/api/get_forwarded_messages': () => ({ body: '<html>not json</html>' }),
  '/api/get_history_messages': () => ({ hang: true }),
};

let server: TestServer;
before(async () => {
  server = await startServer((req) => routes[req.url]?.(req.body) ?? { status: 404, body: 'no route' });
});
after(() => server.close());

function client(options: Parameters<typeof createMilkyClient>[0] = {}) {
  return createMilkyClient({ baseUrl: server.url, accessToken: TOKEN, ...options });
}

function assertNoToken(error: unknown): void {
  assert.ok(error instanceof Error);
  for (const text of [error.message, String(error), error.stack ?? '', inspect(error, { depth: 5 })]) {
    assert.ok(!text.includes(TOKEN), `token leaked into: ${text.slice(0, 200)}`);
  }
}

describe('HTTP transport (Milky)', () => {
  test('sends POST /api/{action} with a Bearer token and JSON params, returns data', async () => {
    const c = client();
    const before = server.requests.length;
    const result = await c.sendPrivateMessage({ user_id: 123456789, message: [{ type: 'text', data: { text: 'Hello, world!' } }] });
    assert.deepEqual(result, { message_seq: 23333, time: 1234567890 });
    const req = server.requests[before]!;
    assert.equal(req.method, 'POST');
    assert.equal(req.url, '/api/send_private_message');
    assert.equal(req.headers['authorization'], `Bearer ${TOKEN}`);
    assert.equal(req.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(req.body), { user_id: 123456789, message: [{ type: 'text', data: { text: 'Hello, world!' } }] });
    await c.close();
  });

  test('invalid params throw ValidationError naming protocol, action and JSON path; nothing is sent', async () => {
    const c = client();
    const before = server.requests.length;
    const error = await c.sendPrivateMessage({ user_id: 123456789, message: [{ type: 'text', data: {} as { text: string } }] }).catch((e: unknown) => e);
    assert.ok(error instanceof ValidationError);
    assert.equal(error.protocol, 'milky');
    assert.equal(error.action, 'send_private_message');
    assert.equal(error.issues[0]?.path, '/message/0/data');
    assert.match(error.message, /\[milky\.send_private_message\] invalid params: \/message\/0\/data missing required property "text"/);
    assert.equal(server.requests.length, before, 'a rejected call must not reach the server');
    await c.close();
  });

  test('a non-OK retcode becomes ApiError with the schema name of the retcode and the raw envelope', async () => {
    const c = client();
    const error = await c.recallGroupMessage({ group_id: 123456, message_seq: 1 }).catch((e: unknown) => e);
    assert.ok(error instanceof ApiError);
    assert.equal(error.retcode, -403);
    assert.equal(error.retcodeName, 'NOT_LOGGED_IN');
    assert.equal(error.serverMessage, '未处于登录状态');
    assert.deepEqual(error.envelope, { status: 'failed', retcode: -403, message: '未处于登录状态' });
    assert.ok(error instanceof QQWireError);
    await c.close();
  });

  test('HTTP 401 becomes HttpError named from the schema', async () => {
    const c = client();
    const error = await c.markMessageAsRead({ message_scene: 'group', peer_id: 123456, message_seq: 1 }).catch((e: unknown) => e);
    assert.ok(error instanceof HttpError);
    assert.equal(error.status, 401);
    assert.equal(error.statusName, 'UNAUTHORIZED');
    assertNoToken(error);
    await c.close();
  });

  test('a body that is not an envelope becomes ProtocolError carrying the raw text', async () => {
    const c = client();
    const error = await c.getForwardedMessages({ forward_id: 'f' }).catch((e: unknown) => e);
    assert.ok(error instanceof ProtocolError);
    assert.equal(error.raw, '<html>not json</html>');
    await c.close();
  });

  test('timeout rejects with TimeoutError and the call settles', async () => {
    const c = client({ timeoutMs: 60_000 });
    const started = Date.now();
    const error = await c.getHistoryMessages({ message_scene: 'group', peer_id: 123456 }, { timeoutMs: 80 }).catch((e: unknown) => e);
    assert.ok(error instanceof TimeoutError);
    assert.equal(error.timeoutMs, 80);
    assert.ok(Date.now() - started < 5_000);
    await c.close();
  });

  test('AbortSignal aborts a pending call with AbortError; an already aborted signal sends nothing', async () => {
    const c = client();
    const controller = new AbortController();
    const pending = c.getHistoryMessages({ message_scene: 'group', peer_id: 123456 }, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user gave up')), 20);
    const error = await pending.catch((e: unknown) => e);
    assert.ok(error instanceof AbortError);
    const before = server.requests.length;
    const again = await c.sendPrivateMessage({ user_id: 123456789, message: [] }, { signal: controller.signal }).catch((e: unknown) => e);
    assert.ok(again instanceof AbortError);
    assert.equal(server.requests.length, before);
    await c.close();
  });

  test('connection refused becomes NetworkError without the token', async () => {
    const probe = await startServer(() => ({}));
    const url = probe.url;
    await probe.close();
    const c = createMilkyClient({ baseUrl: url, accessToken: TOKEN });
    const error = await c.sendPrivateMessage({ user_id: 123456789, message: [] }).catch((e: unknown) => e);
    assert.ok(error instanceof NetworkError);
    assertNoToken(error);
    await c.close();
  });

  test('a server echoing the token never leaks it into an error', async () => {
    const c = client();
    const error = await c.recallPrivateMessage({ user_id: 123456789, message_seq: 1 }).catch((e: unknown) => e);
    assert.ok(error instanceof ApiError);
    assertNoToken(error);
    assert.match(error.message, /bad token \[redacted\]/);
  });

  test('an injected fetch replaces undici', async () => {
    const seen: string[] = [];
    const c = client({
      fetch: async (url, init) => {
        seen.push(`${init.method} ${url}`);
        return fetch(url, init as RequestInit);
      },
    });
    const result = await c.sendPrivateMessage({ user_id: 123456789, message: [] });
    assert.equal(result.message_seq, 23333);
    assert.deepEqual(seen, [`POST ${server.url}/api/send_private_message`]);
  });
});

describe('result validation policy', () => {
  test('throw: ResponseValidationError keeps the decoded data and raw body', async () => {
    const c = client({ validate: { result: 'throw' } });
    const error = await c.getResourceTempUrl({ resource_id: 'r' }).catch((e: unknown) => e);
    assert.ok(error instanceof ResponseValidationError);
    assert.deepEqual(error.data, { url: 42 });
    assert.equal(error.issues[0]?.path, '/url');
    assert.match(error.raw, /"url":42/);
    await c.close();
  });

  test('warn (default): resolves and logs the path; off: silent', async () => {
    const warnings: string[] = [];
    const c = client({ logger: { warn: (m) => warnings.push(m) } });
    assert.deepEqual(await c.getResourceTempUrl({ resource_id: 'r' }), { url: 42 });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /milky\.get_resource_temp_url.*\/url must be string/);
    const quiet: string[] = [];
    const off = client({ validate: { result: 'off' }, logger: { warn: (m) => quiet.push(m) } });
    await off.getResourceTempUrl({ resource_id: 'r' });
    assert.equal(quiet.length, 0);
  });

  test('params policy warn sends an invalid call and logs it', async () => {
    const warnings: string[] = [];
    const c = client({ validate: { params: 'warn' }, logger: { warn: (m) => warnings.push(m) } });
    const before = server.requests.length;
    await c.sendPrivateMessage({ user_id: 5, message: [] });
    assert.equal(server.requests.length, before + 1);
    assert.match(warnings[0]!, /\/user_id must be >= 10001/);
  });
});

describe('int64', () => {
  test('default number mode: a value beyond 2^53 fails with Int64PrecisionError naming the path, never rounds', async () => {
    const c = client();
    const error = await c.getMessage({ message_scene: 'friend', peer_id: 123456, message_seq: 1 }).catch((e: unknown) => e);
    assert.ok(error instanceof Int64PrecisionError);
    assert.equal(error.path, '/message/message_seq');
    assert.equal(error.value, BIG);
    assert.match(error.raw, new RegExp(BIG));
  });

  test('bigint mode delivers every int64 field as an exact bigint', async () => {
    const c = client({ int64: 'bigint' });
    const { message } = await c.getMessage({ message_scene: 'friend', peer_id: 123456, message_seq: 1n });
    assert.equal(message.message_seq, 9007199254740993n);
    assert.equal(message.time, 1700000000n);
    assert.equal(message.peer_id, 123456, 'uin is not int64 and stays a number');
  });

  test('string mode delivers exact decimal strings', async () => {
    const c = client({ int64: 'string' });
    const { message } = await c.getMessage({ message_scene: 'friend', peer_id: 123456, message_seq: '1' });
    assert.equal(message.message_seq, BIG);
    const sent = await c.sendGroupMessage({ group_id: 123456, message: [{ type: 'text', data: { text: 'big' } }] });
    assert.equal(sent.message_seq, BIG);
  });

  test('int64 params given as bigint or string go on the wire as exact JSON numbers', async () => {
    const c = client({ int64: 'bigint' });
    await c.getMessage({ message_scene: 'friend', peer_id: 123456, message_seq: 9007199254740993n });
    assert.match(server.requests.at(-1)!.body, /"message_seq":9007199254740993[,}]/);
    const s = client({ int64: 'string' });
    await s.getMessage({ message_scene: 'friend', peer_id: 123456, message_seq: '9223372036854775807' });
    assert.match(server.requests.at(-1)!.body, /"message_seq":9223372036854775807[,}]/);
  });

  test('an unknown incoming segment is kept as {type: "unknown", raw}', async () => {
    const c = client({ int64: 'bigint' });
    const { message } = await c.getMessage({ message_scene: 'friend', peer_id: 123456, message_seq: 1n });
    assert.deepEqual(message.segments[1], { type: 'unknown', raw: { type: 'poke_v2', data: { strength: 3 } } });
    assert.deepEqual(message.segments[0], { type: 'text', data: { text: 'x' } });
  });
});

describe('auth placement', () => {
  test('OneBot 11 token in the query when asked, never in the header then', async () => {
    const ob = await startServer(() => ok({ message_id: 1 }));
    const c = createOnebot11Client({ baseUrl: ob.url, accessToken: TOKEN, tokenInQuery: true });
    await c.sendPrivateMsg({ user_id: 10001000, message: 'hello' });
    const req = ob.requests[0]!;
    assert.equal(req.url, `/send_private_msg?access_token=${TOKEN}`);
    assert.equal(req.headers['authorization'], undefined);
    await c.close();
    await ob.close();
  });
});
