/**
 * SSE: the parser against the event-stream framing split at every byte boundary (CRLF, CR, multi-byte
 * UTF-8, comments, multi-line data), and the Milky receiver against a local `GET /event` server:
 * auth header and query, reconnect after a dropped socket with no event lost or duplicated, 401,
 * undecodable data reported with its raw text.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { protocol as milky } from 'qqwire/milky';
import { AuthError, ProtocolError, createEventHub } from '../runtime/index.js';
import { SseParser, createSseReceiver, type SseMessage } from '../runtime/events-entry.js';

const STREAM =
  '\uFEFF: keep-alive comment\r\n' +
  'event: milky_event\r\n' +
  'data: {"time":1,"self_id":10001,\r\n' +
  'data: "event_type":"message_receive","data":{"text":"你好 😀"}}\r\n' +
  '\r\n' +
  ':ping\n\n' +
  'event:milky_event\rdata:{"event_type":"group_mute","data":{"user_id":12345678901234567890}}\r\r' +
  'id: 7\nevent: milky_event\ndata\n\n';

const EXPECTED: SseMessage[] = [
  { event: 'milky_event', data: '{"time":1,"self_id":10001,\n"event_type":"message_receive","data":{"text":"你好 😀"}}', id: '' },
  { event: 'milky_event', data: '{"event_type":"group_mute","data":{"user_id":12345678901234567890}}', id: '' },
  { event: 'milky_event', data: '', id: '7' },
];

function parseChunks(chunks: Uint8Array[]): SseMessage[] {
  const out: SseMessage[] = [];
  const parser = new SseParser((m) => out.push(m));
  const decoder = new TextDecoder();
  for (const c of chunks) parser.feed(decoder.decode(c, { stream: true }));
  return out;
}

describe('SseParser', () => {
  const bytes = new TextEncoder().encode(STREAM);
  it('parses the whole stream', () => assert.deepEqual(parseChunks([bytes]), EXPECTED));
  it('gives the same messages with the stream split at every byte boundary (one split)', () => {
    for (let i = 1; i < bytes.length; i++) {
      assert.deepEqual(parseChunks([bytes.subarray(0, i), bytes.subarray(i)]), EXPECTED, `split at byte ${i}`);
    }
  });
  it('gives the same messages fed one byte at a time', () => {
    assert.deepEqual(parseChunks([...bytes].map((b) => Uint8Array.of(b))), EXPECTED);
  });
  it('drops a message without a terminating blank line until it is terminated; reset() discards it', () => {
    const out: SseMessage[] = [];
    const p = new SseParser((m) => out.push(m));
    p.feed('event: milky_event\ndata: {"a":1}\n');
    assert.equal(out.length, 0);
    p.reset();
    p.feed('\n');
    assert.equal(out.length, 0);
  });
});

interface Peer {
  url: string;
  requests: IncomingMessage[];
  onRequest: (req: IncomingMessage, res: ServerResponse, n: number) => void;
  close(): Promise<void>;
}

async function peer(): Promise<Peer> {
  const p = { requests: [] as IncomingMessage[], onRequest: (_q: IncomingMessage, _s: ServerResponse, _n: number) => undefined } as unknown as Peer;
  const server = createServer((req, res) => {
    p.requests.push(req);
    p.onRequest(req, res, p.requests.length);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  p.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  p.close = () =>
    new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    });
  return p;
}

const frame = (event: unknown) => `event: milky_event\ndata: ${JSON.stringify(event)}\n\n`;
const sseHead = { 'content-type': 'text/event-stream' };
const fastBackoff = { initialDelayMs: 5, maxDelayMs: 5 };

describe('Milky SSE receiver', () => {
  const peers: Peer[] = [];
  after(() => Promise.all(peers.map((p) => p.close())));

  it('sends the token, writes each frame split into 1-byte chunks, delivers every event once', async () => {
    const p = await peer();
    peers.push(p);
    const events = [1, 2, 3].map((i) => ({ time: i, self_id: 1, event_type: 'message_receive', data: { i } }));
    p.onRequest = (_req, res) => {
      res.writeHead(200, sseHead);
      const text = ': hello\n\n' + events.map(frame).join('');
      const bytes = Buffer.from(text);
      let i = 0;
      const tick = () => {
        if (i < bytes.length) res.write(bytes.subarray(i, ++i), () => setImmediate(tick));
      };
      tick();
    };
    const hub = createEventHub({ protocol: milky });
    const receiver = createSseReceiver({ protocol: milky, url: p.url, accessToken: 'tok', sink: hub });
    const iter = hub.events('message_receive');
    await receiver.start();
    const got = [];
    for (let i = 0; i < 3; i++) got.push((await iter.next()).value);
    assert.deepEqual(got, events);
    assert.equal(p.requests[0]!.url, '/event');
    assert.equal(p.requests[0]!.headers.authorization, 'Bearer tok');
    assert.equal(p.requests[0]!.headers.accept, 'text/event-stream');
    await receiver.close();
  });

  it('tokenInQuery puts ?access_token= on /event', async () => {
    const p = await peer();
    peers.push(p);
    p.onRequest = (_q, res) => res.writeHead(200, sseHead).write(': open\n\n');
    const receiver = createSseReceiver({ protocol: milky, url: p.url, accessToken: 't k', tokenInQuery: true, sink: { onEvent: () => undefined } });
    await receiver.start();
    assert.equal(p.requests[0]!.url, '/event?access_token=t+k');
    assert.equal(p.requests[0]!.headers.authorization, undefined);
    await receiver.close();
  });

  it('reconnects after a dropped socket: no event lost or duplicated, the half-sent one is not delivered twice', async () => {
    const p = await peer();
    peers.push(p);
    const ev = (i: number) => ({ event_type: 'group_mute', data: { i } });
    p.onRequest = (_req, res, n) => {
      res.writeHead(200, sseHead);
      if (n === 1) {
        // 1 and 2 whole, then half of 3, then the socket dies.
        res.write(frame(ev(1)) + frame(ev(2)) + frame(ev(3)).slice(0, 20), () => setTimeout(() => res.socket!.destroy(), 20));
      } else res.write(frame(ev(3)) + frame(ev(4)));
    };
    const seen: number[] = [];
    const errors: Error[] = [];
    let done!: () => void;
    const all = new Promise<void>((r) => (done = r));
    const receiver = createSseReceiver({
      protocol: milky,
      url: p.url,
      ...fastBackoff,
      sink: {
        onEvent: (e) => {
          seen.push((e as { data: { i: number } }).data.i);
          if (seen.length === 4) done();
        },
        onError: (e) => errors.push(e),
      },
    });
    await receiver.start();
    await all;
    assert.deepEqual(seen, [1, 2, 3, 4]);
    assert.equal(p.requests.length, 2);
    assert.ok(errors.some((e) => /reconnecting/.test(e.message)), 'the drop is reported');
    await receiver.close();
  });

  it('401 stops the receiver with AuthError; the token is not in the message', async () => {
    const p = await peer();
    peers.push(p);
    p.onRequest = (_q, res) => res.writeHead(401).end();
    const errors: Error[] = [];
    const receiver = createSseReceiver({ protocol: milky, url: p.url, accessToken: 'secret-token', ...fastBackoff, sink: { onEvent: () => undefined, onError: (e) => errors.push(e) } });
    await assert.rejects(receiver.start(), AuthError);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(p.requests.length, 1, 'no retry after 401');
    assert.ok(!errors.some((e) => e.message.includes('secret-token')));
    await receiver.close();
  });

  it('undecodable data and a foreign SSE event are reported with their raw text; later events still arrive', async () => {
    const p = await peer();
    peers.push(p);
    p.onRequest = (_q, res) => res.writeHead(200, sseHead).write('event: milky_event\ndata: {not json\n\nevent: other\ndata: x\n\n' + frame({ event_type: 'bot_offline', data: {} }));
    const errors: Error[] = [];
    let got: unknown;
    let done!: () => void;
    const arrived = new Promise<void>((r) => (done = r));
    const receiver = createSseReceiver({ protocol: milky, url: p.url, sink: { onEvent: (e) => ((got = e), done()), onError: (e) => errors.push(e) } });
    await receiver.start();
    await arrived;
    assert.deepEqual(got, { event_type: 'bot_offline', data: {} });
    const raws = errors.filter((e): e is ProtocolError => e instanceof ProtocolError).map((e) => e.raw);
    assert.deepEqual(raws, ['{not json', 'x']);
    await receiver.close();
  });
});
