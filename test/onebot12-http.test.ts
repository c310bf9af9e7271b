import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createOnebot12Client } from 'qqwire/onebot12';
import { ApiError, ValidationError } from '../runtime/errors.js';
import { ok, startServer, type TestServer } from './helpers/http-server.js';

let server: TestServer;
before(async () => {
  server = await startServer((req) => {
    const frame = JSON.parse(req.body) as { action: string; params: Record<string, unknown> };
    if (frame.action === 'delete_message') return { body: '{"status":"failed","retcode":35001,"data":null,"message":"消息不存在"}' };
    if (frame.action === 'get_message') {
      return ok({
        id: 'e1', time: 1632847927.599013, type: 'message', detail_type: 'private', sub_type: '', message_id: '6283',
        message: [{ type: 'text', data: { text: 'hi' } }, { type: 'qq.face', data: { id: '14' } }], alt_message: 'hi[表情]', user_id: '123456788',
      });
    }
    return ok({ message_id: '6283', time: 1632847927.599013 });
  });
});
after(() => server.close());

test('HTTP is POST / with an {action, params} frame and a Bearer token', async () => {
  const c = createOnebot12Client({ baseUrl: server.url, accessToken: 'tok' });
  const r = await c.sendMessage({ detail_type: 'private', user_id: '123456788', message: [{ type: 'text', data: { text: '我是文字巴拉巴拉巴拉' } }] });
  assert.deepEqual(r, { message_id: '6283', time: 1632847927.599013 });
  const req = server.requests.at(-1)!;
  assert.equal(req.url, '/');
  assert.equal(req.headers['authorization'], 'Bearer tok');
  assert.deepEqual(JSON.parse(req.body), {
    action: 'send_message',
    params: { detail_type: 'private', user_id: '123456788', message: [{ type: 'text', data: { text: '我是文字巴拉巴拉巴拉' } }] },
  });
});

test('extension segments (`qq.face`) are sent as they are; a received unknown segment goes back as the original', async () => {
  const c = createOnebot12Client({ baseUrl: server.url });
  const got = await c.getMessage({ message_id: '6283' });
  assert.deepEqual(got.message[1], { type: 'unknown', raw: { type: 'qq.face', data: { id: '14' } } });
  await c.sendMessage({ detail_type: 'group', group_id: '1', message: [got.message[0]!, got.message[1]!, { type: 'qq.dice', data: {} } as never] });
  assert.deepEqual(JSON.parse(server.requests.at(-1)!.body).params.message, [
    { type: 'text', data: { text: 'hi' } },
    { type: 'qq.face', data: { id: '14' } },
    { type: 'qq.dice', data: {} },
  ]);
});

test('a known segment with bad data is still rejected before sending', async () => {
  const c = createOnebot12Client({ baseUrl: server.url });
  const before = server.requests.length;
  const error = await c.sendMessage({ detail_type: 'private', user_id: '1', message: [{ type: 'mention', data: {} as never }] }).catch((e: unknown) => e);
  assert.ok(error instanceof ValidationError);
  assert.equal(error.issues[0]?.path, '/message/0/data');
  assert.equal(server.requests.length, before);
});

test('OneBot 12 retcodes map to ApiError named from the retcode table', async () => {
  const c = createOnebot12Client({ baseUrl: server.url });
  const error = await c.deleteMessage({ message_id: 'x' }).catch((e: unknown) => e);
  assert.ok(error instanceof ApiError);
  assert.equal(error.retcode, 35001);
  assert.equal(error.retcodeName, 'LOGIC_ERROR', '35001 falls in the 35xxx range');
  assert.equal(error.serverMessage, '消息不存在');
});

test('`self` rides on every frame for multi-bot servers; MessagePack over HTTP is application/msgpack both ways', async () => {
  const { encode, decode } = await import('@msgpack/msgpack');
  const seen: { type: string | undefined; frame: Record<string, unknown> }[] = [];
  const { createServer } = await import('node:http');
  const srv = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const frame = decode(Buffer.concat(chunks), { useBigInt64: true }) as Record<string, unknown>;
      seen.push({ type: req.headers['content-type'], frame });
      res.writeHead(200, { 'content-type': 'application/msgpack' });
      // message_id as a 64-bit integer beyond 2^53: must stay exact.
      res.end(encode({ status: 'ok', retcode: 0, data: { message_id: 'm1', time: 1.5, extra: 2n ** 60n + 1n }, message: '' }, { useBigInt64: true }));
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as import('node:net').AddressInfo;
  const self = { platform: 'qq', user_id: '10001' };
  const c = createOnebot12Client({ baseUrl: `http://127.0.0.1:${port}`, encoding: 'msgpack', self, int64: 'bigint' });
  try {
    const r = await c.sendMessage({ detail_type: 'private', user_id: '1', message: [{ type: 'text', data: { text: 'hi' } }] });
    assert.equal(r.message_id, 'm1');
    assert.equal((r as unknown as { extra: bigint }).extra, 2n ** 60n + 1n);
    assert.equal(seen[0]!.type, 'application/msgpack');
    assert.deepEqual(seen[0]!.frame, { action: 'send_message', params: { detail_type: 'private', user_id: '1', message: [{ type: 'text', data: { text: 'hi' } }] }, self });
  } finally {
    await c.close();
    srv.closeAllConnections();
    await new Promise<void>((r) => srv.close(() => r()));
  }
});
