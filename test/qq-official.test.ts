// QQ official bot API v2: app access token, REST actions, passive replies (msg_seq), errors, redaction.
// Everything runs against local node:http servers on 127.0.0.1 (a REST server and a token endpoint).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, it, type TestContext } from 'node:test';
import { inspect } from 'node:util';
import { createQqOfficialClient, protocol, type QqOfficialClient } from 'qqwire/qq-official';
import { ApiError, AuditPendingError, AuthError, HttpError, RateLimitError, ResponseValidationError } from '../runtime/errors.js';
import { type FetchLike } from '../runtime/http-transport.js';
import { pendingOutcome } from '../runtime/pending.js';
import { appAccessTokenAuth, createMsgSeqAllocator, passiveReplyWindows, qqOfficialOptions, type QqOfficialOptions } from '../runtime/qq-official.js';
import { parseMultipart } from './helpers/multipart.js';
import { loadExamples, loadProtocolJson, sample } from './helpers/schema-sample.js';

const APP_ID = '102000001';
const SECRET = 'SENTINEL-client-secret-9c1d';
const TOKEN_PREFIX = 'SENTINEL-token-';
/** An openid whose characters need encoding in a path segment. */
const OPENID = 'a/b c';
const ENC = encodeURIComponent(OPENID); // a%2Fb%20c

// ------------------------------------------------------------------------------------------ servers

interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  raw: string;
  bytes: Buffer;
  body: Record<string, unknown> | undefined;
}
interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  delayMs?: number;
  /** Answer only once this settles (no timing involved). */
  hold?: Promise<void>;
}
type Handler = (req: Recorded) => Reply;

interface Local {
  url: string;
  server: Server;
  requests: Recorded[];
  handler: Handler;
}

async function listen(defaultHandler: Handler): Promise<Local> {
  const local: Local = { url: '', server: undefined as unknown as Server, requests: [], handler: defaultHandler };
  local.server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const bytes = Buffer.concat(chunks);
      const raw = bytes.toString('utf8');
      let body: Record<string, unknown> | undefined;
      try {
        body = raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
      } catch {
        body = undefined;
      }
      const rec: Recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, raw, bytes, body };
      local.requests.push(rec);
      const reply = local.handler(rec);
      const send = () => {
        const text = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
        res.end(text);
      };
      if (reply.hold) void reply.hold.then(send);
      else if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => local.server.listen(0, '127.0.0.1', resolve));
  local.url = `http://127.0.0.1:${(local.server.address() as AddressInfo).port}`;
  return local;
}

async function shut(local: Local): Promise<void> {
  local.server.closeAllConnections();
  await new Promise<void>((resolve) => local.server.close(() => resolve()));
}

/** Every token the token endpoint issued, for the redaction checks. */
let issued = 0;
function nextToken(): string {
  return `${TOKEN_PREFIX}${++issued}`;
}

function tokenOk(expiresIn: number | string = '7200', delayMs = 0): Reply {
  return { body: { access_token: nextToken(), expires_in: expiresIn }, delayMs };
}

const MESSAGE_RESULT = {
  id: 'msg-1',
  channel_id: 'c1',
  guild_id: 'g1',
  content: 'hello',
  timestamp: '2021-05-13T14:45:45+08:00',
  author: { id: '1', username: 'bot', avatar: '', bot: true },
};

/** bot-docs event-emit.md (获得合适的分片数); GET /gateway answers `{url}` alone, extra keys are kept. */
const GATEWAY_BOT_RESULT = {
  url: 'wss://sandbox.api.sgroup.qq.com/websocket',
  shards: 1,
  session_start_limit: { total: 1000, remaining: 1000, reset_after: 86400000, max_concurrency: 1 },
};

/** Answers every generated action the way the real API does on success. */
const restDefault: Handler = (req) => {
  const path = req.url.split('?')[0]!;
  if (req.method === 'DELETE') return path.startsWith('/v2/groups/') || path.startsWith('/dms/') ? { status: 204 } : { status: 200 };
  if (path.endsWith('/files')) return { body: { file_uuid: 'uuid-1', file_info: 'FILEINFO-1', ttl: 3600 } };
  if (path === '/gateway') return { body: GATEWAY_BOT_RESULT };
  if (path === '/gateway/bot') return { body: GATEWAY_BOT_RESULT };
  if (path.startsWith('/v2/')) return { body: { id: `sent-${rest.requests.length}`, timestamp: 1700000000 } };
  return { body: MESSAGE_RESULT };
};

let rest: Local;
let tokens: Local;
const clients: QqOfficialClient[] = [];

function tokenUrl(): string {
  return `${tokens.url}/app/getAppAccessToken`;
}

interface Made {
  client: QqOfficialClient;
  options: ReturnType<typeof qqOfficialOptions>;
  clock: { t: number };
  warnings: string[];
}

function make(extra: Partial<QqOfficialOptions> & { result?: 'throw' | 'warn' } = {}): Made {
  const clock = { t: 1_700_000_000_000 };
  const { result, ...rest_ } = extra;
  const options = qqOfficialOptions({
    protocol,
    appId: APP_ID,
    clientSecret: SECRET,
    baseUrl: rest.url,
    tokenUrl: tokenUrl(),
    ...rest_,
    token: { retryDelayMs: 1, now: () => clock.t, ...rest_.token },
  });
  const warnings: string[] = [];
  const client = createQqOfficialClient({ ...options, logger: { warn: (m) => warnings.push(m) }, validate: { result: result ?? 'warn' } });
  clients.push(client);
  return { client, options, clock, warnings };
}

function tokenOf(req: Recorded): string | undefined {
  const h = req.headers['authorization'];
  return typeof h === 'string' && h.startsWith('QQBot ') ? h.slice('QQBot '.length) : undefined;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected the call to fail');
}

/** Errors collected across the suite, checked for secrets at the end. */
const seenErrors: unknown[] = [];
async function failure<E>(promise: Promise<unknown>, cls: abstract new (...args: never[]) => E): Promise<E> {
  const error = await rejection(promise);
  seenErrors.push(error);
  assert.ok(error instanceof cls, `expected ${cls.name}, got ${inspect(error)}`);
  return error as E;
}

before(async () => {
  rest = await listen(restDefault);
  tokens = await listen(() => tokenOk());
});

afterEach(() => {
  rest.handler = restDefault;
  tokens.handler = () => tokenOk();
  rest.requests.length = 0;
  tokens.requests.length = 0;
});

after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all([shut(rest), shut(tokens)]);
});

// ------------------------------------------------------------------------------------------ base URLs, wiring

describe('qqOfficialOptions', () => {
  it('picks production, sandbox or a custom base URL, all from the descriptor (schema `base-urls`)', () => {
    const json = JSON.parse(readFileSync(new URL('../../generated/qq-official/protocol.json', import.meta.url), 'utf8')) as {
      protocol: Record<string, unknown>;
    };
    assert.deepEqual(json.protocol['base-urls'], { production: 'https://api.sgroup.qq.com', sandbox: 'https://sandbox.api.sgroup.qq.com' });
    assert.deepEqual(protocol.baseUrls, json.protocol['base-urls']);
    const moved = { ...protocol, baseUrls: { production: 'https://prod.example', sandbox: 'https://sandbox.example' } };
    assert.equal(qqOfficialOptions({ protocol: moved, appId: APP_ID, clientSecret: SECRET, sandbox: true }).baseUrl, 'https://sandbox.example');
    assert.throws(() => qqOfficialOptions({ protocol: { ...protocol, baseUrls: undefined }, appId: APP_ID, clientSecret: SECRET }), /declares no production base URL; pass baseUrl/);
    const base = { protocol, appId: APP_ID, clientSecret: SECRET };
    assert.equal(qqOfficialOptions(base).baseUrl, 'https://api.sgroup.qq.com');
    assert.equal(qqOfficialOptions({ ...base, sandbox: true }).baseUrl, 'https://sandbox.api.sgroup.qq.com');
    assert.equal(qqOfficialOptions({ ...base, sandbox: true, baseUrl: 'http://127.0.0.1:1/x' }).baseUrl, 'http://127.0.0.1:1/x');
  });

  it('posts {appId, clientSecret} as JSON to the descriptor token URL (injected fetch)', async () => {
    const seen: { url: string; method: string; headers: Record<string, string>; body: string | undefined }[] = [];
    const fetch: FetchLike = async (url, init) => {
      seen.push({ url, method: init.method, headers: init.headers, body: init.body as string | undefined });
      return { status: 200, headers: { forEach: () => undefined }, text: async () => JSON.stringify({ access_token: 'tok-x', expires_in: 7200 }) };
    };
    const options = qqOfficialOptions({ protocol, appId: APP_ID, clientSecret: SECRET, fetch });
    assert.equal(await options.auth.accessToken(), 'tok-x');
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.url, protocol.auth.appToken!.url);
    assert.equal(seen[0]!.url, 'https://bots.qq.com/app/getAppAccessToken');
    assert.equal(seen[0]!.method, 'POST');
    assert.equal(seen[0]!.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(seen[0]!.body!), { appId: APP_ID, clientSecret: SECRET });
    assert.deepEqual(await options.auth.headers(), { Authorization: 'QQBot tok-x', 'X-Union-Appid': APP_ID });
    assert.deepEqual(options.auth.secrets().sort(), [SECRET, 'tok-x'].sort());
  });
});

// ------------------------------------------------------------------------------------------ every action

/** The generated client's method name of a wire action. */
function camel(action: string): string {
  return action.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}


interface Sample {
  params: Record<string, unknown>;
  method: string;
  /** Expected request target, exactly as it reaches the server. */
  url: string;
  /** Params that travel in the path or query, not in the body. */
  outOfBody: string[];
  /** Expected msg_seq added by the client (undefined: none). */
  seq?: number;
  check?: (result: unknown) => void;
}

const markdownTemplate = {
  custom_template_id: '101993071_1658748972',
  params: [{ key: 'title', values: ['标题'] }],
};
const keyboard = { id: '123_keyboard' };
const ark = { template_id: 23, kv: [{ key: '#DESC#', value: '描述' }, { key: '#LIST#', obj: [{ obj_kv: [{ key: 'desc', value: 'x' }] }] }] };

const samples: Record<string, Sample[]> = {
  send_c2c_message: [
    { params: { openid: OPENID, msg_type: 0, content: 'text 0', msg_id: 'M-c2c' }, method: 'POST', url: `/v2/users/${ENC}/messages`, outOfBody: ['openid'], seq: 1 },
    { params: { openid: OPENID, msg_type: 2, markdown: { content: '# md' }, keyboard, msg_id: 'M-c2c' }, method: 'POST', url: `/v2/users/${ENC}/messages`, outOfBody: ['openid'], seq: 2 },
    { params: { openid: OPENID, msg_type: 3, ark, msg_id: 'M-c2c' }, method: 'POST', url: `/v2/users/${ENC}/messages`, outOfBody: ['openid'], seq: 3 },
    { params: { openid: OPENID, msg_type: 7, content: ' ', media: { file_info: 'FILEINFO-1' }, event_id: 'E-1' }, method: 'POST', url: `/v2/users/${ENC}/messages`, outOfBody: ['openid'] },
  ],
  send_group_message: [
    { params: { group_openid: OPENID, msg_type: 0, content: 'text', msg_id: 'M-grp' }, method: 'POST', url: `/v2/groups/${ENC}/messages`, outOfBody: ['group_openid'], seq: 1 },
    { params: { group_openid: OPENID, msg_type: 2, content: ' ', markdown: markdownTemplate, keyboard, msg_id: 'M-grp' }, method: 'POST', url: `/v2/groups/${ENC}/messages`, outOfBody: ['group_openid'], seq: 2 },
    { params: { group_openid: OPENID, msg_type: 3, content: ' ', ark, msg_id: 'M-grp', msg_seq: 9 }, method: 'POST', url: `/v2/groups/${ENC}/messages`, outOfBody: ['group_openid'] },
    { params: { group_openid: OPENID, msg_type: 7, content: ' ', media: { file_info: 'FILEINFO-1' }, msg_id: 'M-grp' }, method: 'POST', url: `/v2/groups/${ENC}/messages`, outOfBody: ['group_openid'], seq: 3 },
  ],
  send_channel_message: [
    {
      params: { channel_id: 'ch/1 2', content: '<@!1234>hello world', msg_id: 'M-ch' },
      method: 'POST',
      url: '/channels/ch%2F1%202/messages',
      outOfBody: ['channel_id'],
      check: (r) => assert.equal((r as { id: string }).id, 'msg-1'),
    },
    { params: { channel_id: 'c1', markdown: { content: '# md' }, keyboard, msg_id: 'M-ch' }, method: 'POST', url: '/channels/c1/messages', outOfBody: ['channel_id'] },
  ],
  send_dms_message: [
    { params: { guild_id: 'g 1', content: 'dm', image: 'https://example.com/a.png' }, method: 'POST', url: '/dms/g%201/messages', outOfBody: ['guild_id'] },
  ],
  upload_c2c_media: [
    {
      params: { openid: OPENID, file_type: 1, url: 'https://example.com/a.png', srv_send_msg: false },
      method: 'POST',
      url: `/v2/users/${ENC}/files`,
      outOfBody: ['openid'],
      check: (r) => assert.equal((r as { file_info: string }).file_info, 'FILEINFO-1'),
    },
  ],
  upload_group_media: [
    {
      params: { group_openid: OPENID, file_type: 2, url: 'https://example.com/v.mp4', srv_send_msg: false },
      method: 'POST',
      url: `/v2/groups/${ENC}/files`,
      outOfBody: ['group_openid'],
      check: (r) => assert.deepEqual(r, { file_uuid: 'uuid-1', file_info: 'FILEINFO-1', ttl: 3600 }),
    },
  ],
  recall_c2c_message: [
    { params: { openid: OPENID, message_id: 'm/1' }, method: 'DELETE', url: `/v2/users/${ENC}/messages/m%2F1`, outOfBody: ['openid', 'message_id'] },
  ],
  recall_group_message: [
    { params: { group_openid: OPENID, message_id: 'm 2' }, method: 'DELETE', url: `/v2/groups/${ENC}/messages/m%202`, outOfBody: ['group_openid', 'message_id'] },
  ],
  recall_channel_message: [
    { params: { channel_id: 'c1', message_id: 'm3', hidetip: true }, method: 'DELETE', url: '/channels/c1/messages/m3?hidetip=true', outOfBody: ['channel_id', 'message_id', 'hidetip'] },
    { params: { channel_id: 'c1', message_id: 'm4' }, method: 'DELETE', url: '/channels/c1/messages/m4', outOfBody: ['channel_id', 'message_id'] },
  ],
  recall_dms_message: [
    { params: { guild_id: 'g1', message_id: 'm5', hidetip: false }, method: 'DELETE', url: '/dms/g1/messages/m5?hidetip=false', outOfBody: ['guild_id', 'message_id', 'hidetip'] },
  ],
};

describe('REST actions', () => {
  it('the message actions, by hand: method, encoded path, query, body, auth headers, msg_seq, result', async () => {
    const messageJson = Object.entries(protocol.actions)
      .filter(([name, a]) => a.rest!.body === undefined && /^(send|upload|recall)_/.test(name))
      .map(([name]) => name);
    assert.deepEqual(Object.keys(samples).sort(), messageJson.sort(), 'a hand-written sample per JSON message action');
    const { client, warnings } = make();
    for (const [action, list] of Object.entries(samples)) {
      assert.equal(protocol.actions[action]!.rest!.method, list[0]!.method, `${action} method in the descriptor`);
      for (const sample of list) {
        const before = structuredClone(sample.params);
        rest.requests.length = 0;
        const result = await client.call(action as never, sample.params as never);
        assert.deepEqual(sample.params, before, `${action}: the caller's params are not mutated`);
        assert.equal(rest.requests.length, 1, action);
        const req = rest.requests[0]!;
        assert.equal(req.method, sample.method, `${action} method`);
        assert.equal(req.url, sample.url, `${action} url`);
        assert.equal(req.headers['authorization'], `QQBot ${TOKEN_PREFIX}${issued}`, `${action} Authorization`);
        assert.equal(req.headers['x-union-appid'], APP_ID, `${action} X-Union-Appid`);
        if (sample.method === 'DELETE') {
          assert.equal(req.raw, '', `${action}: DELETE has no body`);
          assert.equal(result, undefined, `${action}: recall resolves to undefined`);
        } else if (sample.method === 'GET') {
          assert.equal(req.raw, '', `${action}: GET has no body`);
        } else {
          assert.equal(req.headers['content-type'], 'application/json');
          const expected: Record<string, unknown> = { ...sample.params };
          for (const k of sample.outOfBody) delete expected[k];
          if (sample.seq !== undefined) expected['msg_seq'] = sample.seq;
          assert.deepEqual(req.body, expected, `${action} body`);
          assert.ok(result && typeof result === 'object', `${action} returns its result`);
        }
        sample.check?.(result);
      }
    }
    assert.equal(tokens.requests.length, 1, 'one token for all calls');
    assert.deepEqual(warnings, [], 'every result matched the schema');
  });

  it('every action of protocol.json, table-driven: method, expanded path, query, body kind, exact result', async () => {
    const json = loadProtocolJson('qq-official');
    const examples = loadExamples('qq-official');
    // A static token and no msg_seq hook: the server must see exactly the params.
    const client = createQqOfficialClient({ baseUrl: rest.url, accessToken: 'STATIC', validate: { result: 'throw' } });
    clients.push(client);
    const actions = Object.entries(json.actions);
    assert.ok(actions.length >= 37, `${actions.length} actions`);
    for (const [action, def] of actions) {
      const http = (def as { http: { method: string; path: string; body?: 'json' | 'multipart' } }).http;
      const props = ((def.params ?? {})['properties'] ?? {}) as Record<string, Record<string, unknown>>;
      const fixture = examples.find((e) => e.action === action && e.kind === 'params')?.value as Record<string, unknown> | undefined;
      const params: Record<string, unknown> = { ...((fixture ?? sample(def.params ?? { type: 'object' }, json.$defs)) as Record<string, unknown>) };
      // Path params that need encoding; every query param, so the query string is exercised too.
      const pathNames = [...http.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
      for (const name of pathNames) params[name] = `${name}/ ${name}`;
      const queryNames = Object.keys(props).filter((k) => props[k]!['x-in'] === 'query');
      for (const name of queryNames) params[name] ??= sample(props[name], json.$defs);
      const resultFixture = examples.find((e) => e.action === action && e.kind === 'result')?.value;
      const expected = def.result ? (resultFixture ?? sample(def.result, json.$defs)) : undefined;
      rest.handler = () => (expected === undefined ? { status: 204 } : { body: expected });
      rest.requests.length = 0;

      const method = camel(action);
      const result = await (client as unknown as Record<string, (p: unknown) => Promise<unknown>>)[method]!(params);
      assert.deepEqual(result, expected, `${action}: the result exactly as the server sent it`);

      assert.equal(rest.requests.length, 1, action);
      const req = rest.requests[0]!;
      const query = new URLSearchParams(queryNames.map((k): [string, string] => [k, String(params[k])])).toString();
      const path = http.path.replace(/\{([^}]+)\}/g, (_, n: string) => encodeURIComponent(String(params[n])));
      assert.equal(req.method, http.method, `${action} method`);
      assert.equal(req.url, path + (query ? `?${query}` : ''), `${action} url`);
      assert.equal(req.headers['authorization'], 'QQBot STATIC', `${action} Authorization`);
      const body = Object.fromEntries(Object.entries(params).filter(([k]) => !pathNames.includes(k) && !queryNames.includes(k)));
      const kind = http.body ?? (http.method === 'GET' || http.method === 'DELETE' ? 'none' : 'json');
      if (kind === 'none') {
        assert.equal(req.bytes.length, 0, `${action}: no body`);
        assert.equal(req.headers['content-type'], undefined, `${action}: no Content-Type`);
      } else if (kind === 'json') {
        assert.equal(req.headers['content-type'], 'application/json', `${action} Content-Type`);
        assert.deepEqual(req.body, body, `${action} JSON body`);
      } else {
        const parts = await parseMultipart(req.bytes, String(req.headers['content-type']));
        assert.deepEqual([...parts.keys()].sort(), Object.keys(body).sort(), `${action} form fields`);
        for (const [k, v] of Object.entries(body)) {
          const part = parts.get(k)!;
          if (v instanceof Uint8Array) assert.deepEqual(part.bytes, v, `${action} ${k} bytes`);
          else if (typeof v === 'string') assert.equal(part.text, v, `${action} ${k}`);
          else assert.deepEqual(JSON.parse(part.text!), v, `${action} ${k} as JSON text`);
        }
      }
    }
  });

  it('sends rich media: upload_group_media file_info → msg_type 7 media', async () => {
    const { client } = make();
    const uploaded = await client.uploadGroupMedia({ group_openid: 'G1', file_type: 1, url: 'https://example.com/a.png', srv_send_msg: false });
    const sent = await client.sendGroupMessage({ group_openid: 'G1', msg_type: 7, content: ' ', media: { file_info: uploaded.file_info }, msg_id: 'M-media' });
    assert.ok(sent.id.startsWith('sent-'));
    assert.deepEqual(rest.requests[1]!.body, { msg_type: 7, content: ' ', media: { file_info: 'FILEINFO-1' }, msg_id: 'M-media', msg_seq: 1 });
  });
});

// ------------------------------------------------------------------------------------------ token

describe('app access token', () => {
  it('accepts expires_in as a string or a number and refreshes 60 s ahead of expiry', async () => {
    for (const expiresIn of ['7200', 7200]) {
      tokens.handler = () => tokenOk(expiresIn);
      tokens.requests.length = 0;
      const { client, clock } = make();
      await client.recallC2cMessage({ openid: 'o', message_id: 'm' });
      assert.deepEqual(tokens.requests[0]!.body, { appId: APP_ID, clientSecret: SECRET });
      assert.equal(tokens.requests[0]!.headers['content-type'], 'application/json');
      const first = tokenOf(rest.requests.at(-1)!);
      clock.t += (7200 - 60) * 1000 - 1; // just before the refresh point
      await client.recallC2cMessage({ openid: 'o', message_id: 'm' });
      assert.equal(tokens.requests.length, 1, `${typeof expiresIn}: still the first token`);
      assert.equal(tokenOf(rest.requests.at(-1)!), first);
      clock.t += 1; // the last 60 s
      await client.recallC2cMessage({ openid: 'o', message_id: 'm' });
      assert.equal(tokens.requests.length, 2, `${typeof expiresIn}: refreshed inside the margin`);
      assert.notEqual(tokenOf(rest.requests.at(-1)!), first);
    }
  });

  it('honours a custom refresh margin', async () => {
    const { client, clock } = make({ token: { refreshMarginMs: 600_000 } });
    await client.recallC2cMessage({ openid: 'o', message_id: 'm' });
    clock.t += 6_600_000 - 1;
    await client.recallC2cMessage({ openid: 'o', message_id: 'm' });
    assert.equal(tokens.requests.length, 1);
    clock.t += 1;
    await client.recallC2cMessage({ openid: 'o', message_id: 'm' });
    assert.equal(tokens.requests.length, 2);
  });

  it('1,000 concurrent calls at token expiry make exactly one token fetch', async (t: TestContext) => {
    const { client, clock } = make();
    await client.recallC2cMessage({ openid: 'o', message_id: 'warm' });
    assert.equal(tokens.requests.length, 1);
    const old = tokenOf(rest.requests[0]!);
    clock.t += 7200 * 1000; // the token has expired
    tokens.requests.length = 0;
    rest.requests.length = 0;
    tokens.handler = () => tokenOk('7200', 25); // a slow endpoint: every call arrives while the fetch is in flight
    const calls = 1000;
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: calls }, (_, i) => client.sendGroupMessage({ group_openid: 'G', msg_type: 0, content: `n${i}` })),
    );
    const wallMs = performance.now() - started;
    assert.equal(results.length, calls);
    assert.equal(tokens.requests.length, 1, 'exactly one token fetch');
    assert.equal(rest.requests.length, calls);
    const used = new Set(rest.requests.map(tokenOf));
    assert.equal(used.size, 1, 'every call carried the same token');
    assert.notEqual([...used][0], old, 'and it is the new one');
    t.diagnostic(`token expiry burst: ${calls} calls, ${tokens.requests.length} token fetch, ${wallMs.toFixed(0)} ms wall`);
  });

  it('retries a failed token fetch with backoff', async () => {
    let n = 0;
    tokens.handler = () => (++n <= 2 ? { status: 503, body: { code: 500, message: 'busy' } } : tokenOk());
    const { client } = make();
    await client.recallC2cMessage({ openid: 'o', message_id: 'm' });
    assert.equal(tokens.requests.length, 3, 'two failures, then a token');
    assert.equal(rest.requests.length, 1);
  });

  it('gives up after maxAttempts, caches no failure, and the next call fetches again', async () => {
    tokens.handler = () => ({ status: 500, body: `{"code":1,"message":"down, got ${SECRET}"}` });
    const { client, options } = make({ token: { maxAttempts: 4 } });
    const error = await failure(client.recallC2cMessage({ openid: 'o', message_id: 'm' }), AuthError);
    assert.equal(error.attempts, 4);
    assert.equal(error.status, 500);
    assert.equal(tokens.requests.length, 4);
    assert.equal(rest.requests.length, 0, 'no call without a token');
    assert.equal(options.auth.fetchCount, 4);
    tokens.handler = () => tokenOk();
    await client.recallC2cMessage({ openid: 'o', message_id: 'm' });
    assert.equal(tokens.requests.length, 5, 'the failure was not cached');
  });

  it('does not retry a rejected secret (HTTP 200 with an error body)', async () => {
    tokens.handler = () => ({ body: { code: 100016, message: `invalid appid or secret ${SECRET}` } });
    const { client } = make();
    const error = await failure(client.recallC2cMessage({ openid: 'o', message_id: 'm' }), AuthError);
    assert.equal(error.attempts, 1);
    assert.equal(error.retcode, 100016);
    assert.equal(tokens.requests.length, 1);
    assert.match(error.message, /invalid appid or secret \[redacted\]/);
  });

  it('reports an unreachable token endpoint as AuthError', async () => {
    const dead = await listen(() => ({}));
    const url = `${dead.url}/app/getAppAccessToken`;
    await shut(dead);
    const { client } = make({ tokenUrl: url, token: { maxAttempts: 2 } });
    const error = await failure(client.recallC2cMessage({ openid: 'o', message_id: 'm' }), AuthError);
    assert.equal(error.attempts, 2);
    assert.match(error.message, /cannot reach/);
  });

  it('keeps the still-valid token when a refresh inside the margin fails; not after expiry', async () => {
    const { client, clock } = make();
    await client.recallC2cMessage({ openid: 'o', message_id: 'm' });
    const first = tokenOf(rest.requests[0]!);
    tokens.handler = () => ({ status: 502 });
    clock.t += (7200 - 30) * 1000; // inside the last 60 s
    await client.recallC2cMessage({ openid: 'o', message_id: 'm' });
    assert.equal(tokenOf(rest.requests[1]!), first);
    clock.t += 30 * 1000; // expired
    await failure(client.recallC2cMessage({ openid: 'o', message_id: 'm' }), AuthError);
    assert.equal(rest.requests.length, 2);
  });

  it('a 401 triggers one refresh and one retry', async () => {
    const { client } = make();
    let rejected: string | undefined;
    rest.handler = (req) => {
      rejected ??= tokenOf(req);
      return tokenOf(req) === rejected ? { status: 401, body: { code: 11244, message: 'token not exist or expire' } } : restDefault(req);
    };
    await client.recallC2cMessage({ openid: 'o', message_id: 'm' });
    assert.equal(tokens.requests.length, 2, 'one refresh');
    assert.equal(rest.requests.length, 2, 'one retry');
    assert.notEqual(tokenOf(rest.requests[1]!), rejected);
  });

  it('a 401 that persists after the refresh surfaces as ApiError (no second refresh)', async () => {
    rest.handler = (req) => ({ status: 401, body: { code: 11243, message: `bad token ${String(req.headers['authorization'])}` } });
    const { client } = make();
    const error = await failure(client.recallC2cMessage({ openid: 'o', message_id: 'm' }), ApiError);
    assert.equal(error.status, 401);
    assert.equal(error.retcode, 11243);
    assert.equal(tokens.requests.length, 2);
    assert.equal(rest.requests.length, 2);
  });

  it('many concurrent 401s cause one refresh; each call retries once', async () => {
    const { client, options } = make();
    const first = await options.auth.accessToken();
    assert.equal(tokens.requests.length, 1);
    rest.handler = (req) => (tokenOf(req) === first ? { status: 401, body: { code: 11244, message: 'expired' }, delayMs: 5 } : restDefault(req));
    const calls = 200;
    await Promise.all(Array.from({ length: calls }, (_, i) => client.recallGroupMessage({ group_openid: 'G', message_id: `m${i}` })));
    assert.equal(tokens.requests.length, 2, 'exactly one refresh');
    assert.equal(rest.requests.filter((r) => tokenOf(r) === first).length, calls, 'every call first used the old token');
    assert.equal(rest.requests.filter((r) => tokenOf(r) !== first).length, calls, 'and retried once with the new one');
  });
});

// ------------------------------------------------------------------------------------------ errors

describe('REST errors', () => {
  it('carries err_code, trace_id and the X-Tps-trace-ID header', async () => {
    rest.handler = () => ({
      status: 400,
      headers: { 'X-Tps-trace-ID': 'd233ffd48337433e0b4647b8b03876db' },
      body: { message: '主动消息失败, 无权限', code: 40034102, err_code: 40034102, trace_id: 'd233ffd48337433e0b4647b8b03876db' },
    });
    const { client } = make();
    const error = await failure(client.sendGroupMessage({ group_openid: 'G', msg_type: 0, content: 'x' }), ApiError);
    assert.ok(!(error instanceof AuditPendingError));
    assert.equal(error.status, 400);
    assert.equal(error.retcode, 40034102);
    assert.equal(error.serverMessage, '主动消息失败, 无权限');
    assert.equal(error.details['trace_id'], 'd233ffd48337433e0b4647b8b03876db');
    assert.equal(error.details['err_code'], 40034102);
    assert.equal(error.details['traceHeader'], 'd233ffd48337433e0b4647b8b03876db');
  });

  it('maps 429 to RateLimitError with retryAfterMs from Retry-After', async () => {
    rest.handler = () => ({ status: 429, headers: { 'Retry-After': '3' }, body: { code: 22009, message: 'msg limit exceed' } });
    const { client } = make();
    const error = await failure(client.sendC2cMessage({ openid: 'o', msg_type: 0, content: 'x', msg_id: 'M' }), RateLimitError);
    assert.ok(error instanceof ApiError);
    assert.equal(error.retryAfterMs, 3000);
    assert.equal(error.retcode, 22009);
    rest.handler = () => ({ status: 429, headers: { 'Retry-After': '1' }, body: 'slow down' });
    const plain = await failure(client.sendC2cMessage({ openid: 'o', msg_type: 0, content: 'x', msg_id: 'M' }), RateLimitError);
    assert.equal(plain.retryAfterMs, 1000);
  });

  it('raises AuditPendingError (with auditId) for 304023/304024, whatever the HTTP status', async () => {
    const { client } = make();
    const audit = (status: number, code: number | undefined, auditId: string): Reply => ({
      status,
      headers: { 'X-Tps-trace-ID': `trace-${status}` },
      body: { ...(code !== undefined ? { code, message: 'push message is waiting for audit now' } : {}), data: { message_audit: { audit_id: auditId } } },
    });
    const cases: [number, number | undefined, string][] = [
      [202, 304023, 'ab9bd72f-19e8-4394-b09e-66caca0d64e4'],
      [201, 304024, 'audit-201'],
      [200, 304024, 'audit-200'],
      [200, undefined, 'audit-no-code'],
      [400, 304023, 'audit-400'],
    ];
    for (const [status, code, auditId] of cases) {
      rest.handler = () => audit(status, code, auditId);
      const error = await failure(client.sendChannelMessage({ channel_id: 'c', content: 'x' }), AuditPendingError);
      assert.ok(error instanceof ApiError, 'still an ApiError');
      assert.equal(error.auditId, auditId, `HTTP ${status}`);
      assert.equal(error.status, status);
      assert.equal(error.retcode, code);
      assert.equal(error.details['traceHeader'], `trace-${status}`);
    }
    rest.handler = () => ({ status: 202, body: { code: 304023, message: 'waiting for audit' } });
    const noId = await failure(client.sendDmsMessage({ guild_id: 'g', content: 'x' }), AuditPendingError);
    assert.equal(noId.auditId, undefined);
    assert.equal(noId.retcodeName, 'PUSH_MSG_ASYNC_OK');
  });

  it('pending detection is confined to REST (none) envelopes and pending bodies', () => {
    const none = protocol.envelope;
    assert.deepEqual(pendingOutcome(none, { code: 304024, message: 'm' }), { code: 304024, auditId: undefined });
    assert.equal(pendingOutcome(none, { code: 40034102, message: 'm' }), undefined);
    assert.equal(pendingOutcome(none, { id: 'x', timestamp: 1 }), undefined);
    assert.equal(pendingOutcome({ kind: 'retcode' }, { retcode: 304023, data: { message_audit: { audit_id: 'a' } } }), undefined);
    // A descriptor that lists its own pending codes wins over the built-in list.
    const custom = { ...none, pendingCodes: [7] } as typeof none;
    assert.deepEqual(pendingOutcome(custom, { code: 7 }), { code: 7, auditId: undefined });
    assert.equal(pendingOutcome(custom, { code: 304023 }), undefined);
  });

  it('a non-JSON failure is an HttpError', async () => {
    rest.handler = () => ({ status: 502, body: '<html>bad gateway</html>' });
    const { client } = make();
    const error = await failure(client.recallC2cMessage({ openid: 'o', message_id: 'm' }), HttpError);
    assert.equal(error.status, 502);
  });
});

// ------------------------------------------------------------------------------------------ msg_seq

describe('msg_seq', () => {
  it('never repeats for one msg_id across 1,000 concurrent sends', async () => {
    const { client } = make();
    const n = 1000;
    await Promise.all(Array.from({ length: n }, () => client.sendC2cMessage({ openid: OPENID, msg_type: 0, content: 'x', msg_id: 'M-burst' })));
    const seqs = rest.requests.map((r) => r.body!['msg_seq'] as number);
    assert.equal(new Set(seqs).size, n, 'all distinct');
    assert.deepEqual([...seqs].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i + 1), 'exactly 1..1000');
  });

  it('is overridable, and automatic seqs skip explicit ones; each msg_id starts at 1', async () => {
    const { client } = make();
    const send = (msg_id: string, msg_seq?: number) =>
      client.sendGroupMessage({ group_openid: 'G', msg_type: 0, content: 'x', msg_id, ...(msg_seq !== undefined ? { msg_seq } : {}) });
    await send('A', 2);
    await send('A');
    await send('A');
    await send('A');
    await send('B');
    await send('A', 2); // an explicit repeat is the caller's choice and passes through unchanged
    assert.deepEqual(
      rest.requests.map((r) => [r.body!['msg_id'], r.body!['msg_seq']]),
      [['A', 2], ['A', 1], ['A', 3], ['A', 4], ['B', 1], ['A', 2]],
    );
  });

  it('leaves sends without msg_id and channel/DM sends alone; can be turned off', async () => {
    const { client } = make();
    await client.sendGroupMessage({ group_openid: 'G', msg_type: 0, content: 'x', event_id: 'E' });
    await client.sendChannelMessage({ channel_id: 'c', content: 'x', msg_id: 'M' });
    await client.sendDmsMessage({ guild_id: 'g', content: 'x', msg_id: 'M' });
    for (const r of rest.requests) assert.ok(!('msg_seq' in r.body!), r.url);
    const off = make({ msgSeq: false });
    rest.requests.length = 0;
    await off.client.sendC2cMessage({ openid: 'o', msg_type: 0, content: 'x', msg_id: 'M' });
    assert.ok(!('msg_seq' in rest.requests[0]!.body!));
    assert.equal(off.options.msgSeq, undefined);
  });

  it('expires entries after the reply window so memory stays bounded', () => {
    const clock = { t: 0 };
    const seq = createMsgSeqAllocator({ protocol, now: () => clock.t });
    assert.deepEqual(passiveReplyWindows(protocol), { send_c2c_message: 3_600_000, send_group_message: 300_000 }, 'reply-window-seconds in the schema');
    const group = (id: string) => seq.onRequest({ action: 'send_group_message', params: { msg_id: id } })!['msg_seq'];
    const c2c = (id: string) => seq.onRequest({ action: 'send_c2c_message', params: { msg_id: id } })!['msg_seq'];
    assert.equal(group('g'), 1);
    assert.equal(group('g'), 2);
    assert.equal(c2c('c'), 1);
    assert.equal(seq.size, 2);
    clock.t += 5 * 60_000 - 1;
    assert.equal(group('g'), 3, 'still inside the 5-minute group window');
    clock.t += 1;
    assert.equal(c2c('c'), 2, 'the C2C window is 60 minutes');
    assert.equal(seq.size, 1, 'the group entry expired');
    assert.equal(group('g'), 1, 'a new window starts over');
    clock.t += 60 * 60_000;
    for (let i = 0; i < 1000; i++) group(`x${i}`);
    clock.t += 5 * 60_000;
    group('last');
    assert.equal(seq.size, 1, 'everything older than its window is gone');

    const capped = createMsgSeqAllocator({ maxEntries: 5 });
    for (let i = 0; i < 20; i++) capped.next(`id${i}`);
    assert.equal(capped.size, 5);
  });
});

// ------------------------------------------------------------------------------------------ secrets

describe('secrets', () => {
  it('the client secret and tokens never appear in an error', async () => {
    // More failures whose bodies echo what the server received (headers, body).
    const echo = (req: Recorded) => `auth=${String(req.headers['authorization'])} body=${req.raw}`;
    const { client } = make({ result: 'throw' });
    rest.handler = (req) => ({ status: 400, headers: { 'X-Tps-trace-ID': echo(req) }, body: { code: 12002, message: echo(req), trace_id: echo(req) } });
    await failure(client.sendGroupMessage({ group_openid: 'G', msg_type: 0, content: 'x' }), ApiError);
    rest.handler = (req) => ({ status: 429, headers: { 'Retry-After': '1' }, body: { code: 22009, message: echo(req) } });
    await failure(client.sendGroupMessage({ group_openid: 'G', msg_type: 0, content: 'x' }), RateLimitError);
    rest.handler = (req) => ({ status: 202, body: { code: 304023, message: echo(req), data: { message_audit: { audit_id: echo(req) } } } });
    await failure(client.sendChannelMessage({ channel_id: 'c', content: 'x' }), AuditPendingError);
    rest.handler = (req) => ({ status: 500, body: `<pre>${echo(req)}</pre>` });
    await failure(client.sendGroupMessage({ group_openid: 'G', msg_type: 0, content: 'x' }), HttpError);
    rest.handler = (req) => ({ body: { id: 1, timestamp: echo(req) } });
    await failure(client.sendGroupMessage({ group_openid: 'G', msg_type: 0, content: 'x' }), ResponseValidationError);
    rest.handler = (req) => ({ status: 401, body: { code: 11244, message: echo(req) } });
    await failure(client.sendGroupMessage({ group_openid: 'G', msg_type: 0, content: 'x' }), ApiError);
    // An error echoing a token that was replaced while its call was in flight.
    const rot = make();
    const old = await rot.options.auth.accessToken();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    rest.handler = (req) => (tokenOf(req) === old ? { status: 400, body: { code: 12002, message: echo(req) }, hold: held } : restDefault(req));
    rest.requests.length = 0;
    const inFlight = failure(rot.client.sendGroupMessage({ group_openid: 'G', msg_type: 0, content: 'x' }), ApiError);
    while (rest.requests.length === 0) await new Promise((resolve) => setImmediate(resolve));
    rot.clock.t += 7200 * 1000;
    await rot.client.sendGroupMessage({ group_openid: 'G', msg_type: 0, content: 'y' }); // fetches a new token
    assert.notEqual(await rot.options.auth.accessToken(), old);
    release();
    await inFlight;

    tokens.handler = (req) => ({ status: 500, body: { code: 1, message: `echo ${req.raw}` } });
    const fresh = make();
    await failure(fresh.client.sendGroupMessage({ group_openid: 'G', msg_type: 0, content: 'x' }), AuthError);
    const direct = appAccessTokenAuth({
      appId: APP_ID,
      clientSecret: SECRET,
      auth: protocol.auth,
      url: tokenUrl(),
      retryDelayMs: 1,
      fetch: async () => {
        throw new Error('socket hang up');
      },
    });
    await failure(direct.accessToken(), AuthError);

    assert.ok(seenErrors.length >= 15, `checked ${seenErrors.length} errors`);
    assert.ok(issued > 10);
    const forbidden = [SECRET, TOKEN_PREFIX];
    for (const error of seenErrors) {
      const e = error as Error;
      const views = [e.message, e.stack ?? '', String(e), inspect(e, { depth: Infinity }), inspect(e, { depth: Infinity, showHidden: true })];
      for (const view of views) {
        for (const s of forbidden) assert.ok(!view.includes(s), `${e.name} leaks ${s}: ${view.slice(0, 300)}`);
      }
    }
  });
});

// ------------------------------------------------------------------------------------------ documented endpoints

describe('documented endpoints (test/fixtures/qq-official/documented-endpoints.json)', () => {
  const fixtures = new URL('../../test/fixtures/qq-official/', import.meta.url);
  const endpoints = JSON.parse(readFileSync(new URL('documented-endpoints.json', fixtures), 'utf8')) as {
    endpoints: Record<string, { doc: string; actions: string[] }>;
  };
  const documented = JSON.parse(readFileSync(new URL('documented-actions.json', fixtures), 'utf8')) as { actions: string[] };
  /** `GET /guilds/{guild_id}` → `GET /guilds/{}`: the docs' parameter names may differ from the schema's. */
  const norm = (method: string, path: string) => `${method} ${path.replace(/\{[^}]+\}/g, '{}')}`;

  it('every documented endpoint is bound by its actions, and every action binds a documented endpoint', () => {
    const bound = new Set<string>();
    for (const [endpoint, { actions }] of Object.entries(endpoints.endpoints)) {
      const [method, path] = endpoint.split(' ') as [string, string];
      assert.ok(actions.length > 0, endpoint);
      for (const name of actions) {
        const rest = protocol.actions[name]?.rest;
        assert.ok(rest, `${endpoint}: no action ${name}`);
        assert.equal(norm(rest.method, rest.path), norm(method, path), `${name} binds ${endpoint}`);
        bound.add(name);
      }
    }
    assert.equal(Object.keys(endpoints.endpoints).length, 37);
    assert.deepEqual([...bound].sort(), Object.keys(protocol.actions).sort(), 'no action outside the documented endpoints');
    assert.deepEqual(documented.actions, [...bound].sort(), 'documented-actions.json lists the same actions');
  });
});
