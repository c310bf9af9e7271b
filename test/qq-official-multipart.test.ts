// The multipart request body kind, end to end: QQ official channel / DM image sends (`body: multipart`,
// `file_image: format: binary`) through the generated client against a local node:http server that
// parses the multipart body with an independent parser; and `body: json` on DELETE.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import { createQqOfficialClient, protocol, type QqOfficialClient } from 'qqwire/qq-official';
import { ApiError, ValidationError, type FetchLike } from '../runtime/index.js';
import { parseMultipart } from './helpers/multipart.js';

interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  bytes: Buffer;
}

const MESSAGE = {
  id: 'msg-9',
  channel_id: 'c/1',
  guild_id: 'g1',
  timestamp: '2021-05-13T14:45:45+08:00',
  author: { id: '1', username: 'bot', avatar: '', bot: true },
  attachments: [{ url: 'https://example.com/a.png', content_type: 'image/png' }],
};

let server: Server;
let base = '';
const requests: Recorded[] = [];
let reply: (req: Recorded) => { status: number; body?: unknown } = () => ({ status: 200, body: MESSAGE });
const clients: QqOfficialClient[] = [];

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rec = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, bytes: Buffer.concat(chunks) };
      requests.push(rec);
      const r = reply(rec);
      res.writeHead(r.status, { 'content-type': 'application/json' });
      res.end(r.body === undefined ? '' : JSON.stringify(r.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  requests.length = 0;
  reply = () => ({ status: 200, body: MESSAGE });
});

after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function client(fetch?: FetchLike): QqOfficialClient {
  const c = createQqOfficialClient({ baseUrl: base, accessToken: 'T0KEN', fetch, validate: { result: 'throw' } });
  clients.push(c);
  return c;
}

/** Every byte value, so a text round trip or a CRLF rewrite anywhere would show. */
const IMAGE = Uint8Array.from({ length: 256 }, (_, i) => i);
const markdown = { custom_template_id: 'tpl_1', params: [{ key: 'title', values: ['标题', 'a"b'] }] };
const keyboard = { id: '123_keyboard' };
const ark = { template_id: 23, kv: [{ key: '#DESC#', value: '描述' }] };

async function onlyRequest(): Promise<{ req: Recorded; parts: Awaited<ReturnType<typeof parseMultipart>> }> {
  assert.equal(requests.length, 1);
  const req = requests[0]!;
  const type = req.headers['content-type'] ?? '';
  assert.match(type, /^multipart\/form-data; boundary=\S+$/, 'the Content-Type names the boundary of the encoded form');
  return { req, parts: await parseMultipart(req.bytes, type) };
}

describe('multipart request bodies (body: multipart)', () => {
  it('the descriptor carries the body kind; the JSON send on the same path stays JSON', () => {
    assert.deepEqual(protocol.actions['send_channel_message_multipart']!.rest, { method: 'POST', path: '/channels/{channel_id}/messages', body: 'multipart' });
    assert.deepEqual(protocol.actions['send_dms_message_multipart']!.rest, { method: 'POST', path: '/dms/{guild_id}/messages', body: 'multipart' });
    assert.equal(protocol.actions['send_channel_message']!.rest!.body, undefined);
  });

  it('channel send over the undici pool: file part with exact bytes, strings as they are, objects as JSON text', async () => {
    const result = await client().sendChannelMessageMultipart({
      channel_id: 'c/1',
      file_image: IMAGE,
      content: 'line 1\r\nline 2 <@!1234> 你好',
      markdown,
      keyboard,
      ark,
      msg_id: 'M-1',
    });
    assert.deepEqual(result, MESSAGE, 'the Message exactly as sent');
    const { req, parts } = await onlyRequest();
    assert.equal(req.method, 'POST');
    assert.equal(req.url, '/channels/c%2F1/messages');
    assert.equal(req.headers['authorization'], 'QQBot T0KEN');
    assert.deepEqual([...parts.keys()].sort(), ['ark', 'content', 'file_image', 'keyboard', 'markdown', 'msg_id'], 'the path param is not a field');
    const file = parts.get('file_image')!;
    assert.deepEqual(file.bytes, IMAGE);
    assert.equal(file.filename, 'file_image');
    assert.equal(parts.get('content')!.text, 'line 1\r\nline 2 <@!1234> 你好');
    assert.equal(parts.get('msg_id')!.text, 'M-1');
    assert.deepEqual(JSON.parse(parts.get('markdown')!.text!), markdown);
    assert.deepEqual(JSON.parse(parts.get('keyboard')!.text!), keyboard);
    assert.equal(parts.get('ark')!.text, '{"template_id":23,"kv":[{"key":"#DESC#","value":"描述"}]}');
  });

  it('DM send through an injected fetch: a Blob keeps its media type; a Buffer is bytes too', async () => {
    const viaFetch = client(globalThis.fetch as unknown as FetchLike);
    await viaFetch.sendDmsMessageMultipart({ guild_id: 'g 1', file_image: new Blob([IMAGE], { type: 'image/png' }), content: 'dm' });
    let { req, parts } = await onlyRequest();
    assert.equal(req.url, '/dms/g%201/messages');
    assert.equal(req.headers['authorization'], 'QQBot T0KEN');
    assert.deepEqual(parts.get('file_image')!.bytes, IMAGE);
    assert.equal(parts.get('file_image')!.type, 'image/png');
    assert.equal(parts.get('content')!.text, 'dm');

    requests.length = 0;
    await viaFetch.sendDmsMessageMultipart({ guild_id: 'g1', file_image: Buffer.from('PNG\0data') });
    ({ parts } = await onlyRequest());
    assert.deepEqual(parts.get('file_image')!.bytes, new Uint8Array(Buffer.from('PNG\0data')));
    assert.deepEqual([...parts.keys()], ['file_image']);
  });

  it('a Blob-shaped object that is not a Blob is read through arrayBuffer()', async () => {
    const blobLike = { size: 3, type: 'image/jpeg', arrayBuffer: async () => new Uint8Array([7, 8, 9]).buffer };
    await client().sendChannelMessageMultipart({ channel_id: 'c1', file_image: blobLike });
    const { parts } = await onlyRequest();
    assert.deepEqual(parts.get('file_image')!.bytes, new Uint8Array([7, 8, 9]));
    assert.equal(parts.get('file_image')!.type, 'image/jpeg');
  });

  it('file_image that is not bytes, or missing, is a ValidationError naming the path; nothing is sent', async () => {
    const c = client();
    for (const [params, path] of [
      [{ channel_id: 'c1', file_image: './a.png' }, '/file_image'],
      [{ channel_id: 'c1', file_image: [1, 2, 3] }, '/file_image'],
      [{ channel_id: 'c1', file_image: { size: 1 } }, '/file_image'],
      [{ channel_id: 'c1', content: 'no image' }, ''],
    ] as const) {
      const error = await c.sendChannelMessageMultipart(params as never).then(
        () => assert.fail('expected a ValidationError'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof ValidationError, String(error));
      assert.equal(error.protocol, 'qq-official');
      assert.equal(error.action, 'send_channel_message_multipart');
      assert.ok(
        error.issues.some((i) => i.path === path && (path ? /binary/.test(i.message) : /file_image/.test(i.message))),
        JSON.stringify(error.issues),
      );
    }
    assert.equal(requests.length, 0);
  });

  it('an error response to a multipart send is an ApiError with the platform code', async () => {
    reply = () => ({ status: 400, body: { code: 50035, message: 'InvalidFormBody', err_code: 50035, trace_id: 't-1' } });
    const error = await client()
      .sendChannelMessageMultipart({ channel_id: 'c1', file_image: IMAGE })
      .then(() => assert.fail('expected an ApiError'), (e: unknown) => e);
    assert.ok(error instanceof ApiError, String(error));
    assert.equal(error.retcode, 50035);
    assert.equal(error.retcodeName, 'INVALID_FORM_BODY');
    assert.equal(requests.length, 1);
  });
});

describe('DELETE with a JSON body (body: json)', () => {
  it('delete_guild_member sends its options as JSON; a plain DELETE sends no body', async () => {
    reply = () => ({ status: 204 });
    const c = client();
    assert.equal(await c.deleteGuildMember({ guild_id: 'g1', user_id: 'u/1', add_blacklist: true, delete_history_msg_days: -1 }), undefined);
    assert.equal(requests[0]!.method, 'DELETE');
    assert.equal(requests[0]!.url, '/guilds/g1/members/u%2F1');
    assert.equal(requests[0]!.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(requests[0]!.bytes.toString('utf8')), { add_blacklist: true, delete_history_msg_days: -1 });

    await c.removeGuildMemberRole({ guild_id: 'g1', user_id: 'u1', role_id: '5', channel: { id: 'c9' } });
    assert.equal(requests[1]!.url, '/guilds/g1/members/u1/roles/5');
    assert.deepEqual(JSON.parse(requests[1]!.bytes.toString('utf8')), { channel: { id: 'c9' } });

    await c.deleteGuildRole({ guild_id: 'g1', role_id: 'r1' });
    assert.equal(requests[2]!.url, '/guilds/g1/roles/r1');
    assert.equal(requests[2]!.bytes.length, 0, 'no body');
    assert.equal(requests[2]!.headers['content-type'], undefined);
  });
});
