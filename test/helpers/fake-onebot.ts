/**
 * A small fake OneBot implementation for tests, on loopback only: an HTTP API server (`POST /{action}`
 * and `POST /` with a frame), a forward WebSocket server, and a reverse WebSocket client that connects
 * to qqwire's reverse server. Each call is recorded and answered by `respond` (by action).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decode as msgpackDecode, encode as msgpackEncode } from '@msgpack/msgpack';
import WebSocket, { WebSocketServer } from 'ws';
import { parseJson, stringifyJson } from '../../runtime/json.js';

export interface FakeCall {
  transport: 'http' | 'ws' | 'reverse-ws';
  action: string;
  params: unknown;
  echo?: unknown;
  self?: unknown;
  /** The request arrived as MessagePack (a binary WS frame, or an `application/msgpack` HTTP body). */
  binary: boolean;
  /** Reverse WS: the self id of the fake bot that received it. */
  bot?: string | undefined;
}

export type Reply =
  /** A JSON envelope; WS answers get the request's echo added. */
  | { envelope: Record<string, unknown> }
  /** Raw JSON text, written as is; `"__ECHO__"` is replaced by the request's echo. */
  | { raw: string }
  /** HTTP only: a status and body. */
  | { http: number; body?: string }
  /** A frame built by hand from the request's echo (e.g. hand-written MessagePack), sent as binary. */
  | { bytes: (echo: unknown) => Buffer }
  /** Never answer. */
  | { none: true };

export type Responder = (call: FakeCall) => Reply | Promise<Reply>;

export const ok = (data: unknown = null): Reply => ({ envelope: { status: 'ok', retcode: 0, data, message: '' } });
export const failed = (retcode: number, extra: Record<string, unknown> = {}): Reply => ({
  envelope: { status: 'failed', retcode, data: null, ...extra },
});

const MSGPACK = { useBigInt64: true, ignoreUndefined: true } as const;

function shuffle<T>(list: T[]): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}

function listen(server: Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export interface FakeOptions {
  /** Require this token (Bearer/Token header or ?access_token=) on HTTP and forward WS. */
  token?: string | undefined;
  /** Close reason / body sent on a refused handshake (to check that qqwire redacts it). */
  refusal?: string | undefined;
  /** The HTTP path template of params-body actions (`/{action}` by default; Milky: `/api/{action}`). */
  actionPath?: string | undefined;
}

export class FakeOneBot {
  readonly calls: FakeCall[] = [];
  /** Handshake headers of forward WS connections, in order. */
  readonly handshakes: { headers: IncomingHttpHeaders; url: string }[] = [];
  respond: Responder = () => ok(null);
  /** When set, WS answers are buffered and sent in shuffled order once this many are buffered. */
  holdReplies: number | undefined;
  private held: { ws: WebSocket; data: string | Buffer }[] = [];
  private http: Server | undefined;
  private wsHttp: Server | undefined;
  private wss: WebSocketServer | undefined;
  private readonly sockets = new Set<WebSocket>();
  private readonly reverse = new Set<ReverseBot>();

  constructor(readonly options: FakeOptions = {}) {}

  private authorized(headers: IncomingHttpHeaders, url: string): boolean {
    const token = this.options.token;
    if (!token) return true;
    const h = headers['authorization'];
    if (typeof h === 'string') return /^(bearer|token)\s+/i.test(h) && h.replace(/^\S+\s+/, '') === token;
    return new URL(url, 'http://x').searchParams.get('access_token') === token;
  }

  private async answer(call: FakeCall): Promise<Reply> {
    this.calls.push(call);
    return this.respond(call);
  }

  /** `POST /{action}` (params body) and `POST /` (frame body). Returns the base URL. */
  async startHttp(): Promise<string> {
    this.http = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void (async () => {
          if (!this.authorized(req.headers, req.url ?? '/')) {
            res.writeHead(401).end(this.options.refusal ?? '');
            return;
          }
          const raw = Buffer.concat(chunks);
          const binary = req.headers['content-type'] === 'application/msgpack';
          const text = binary ? '' : raw.toString('utf8');
          const body = (binary ? msgpackDecode(raw, MSGPACK) : text ? parseJson(text) : {}) as Record<string, unknown>;
          const path = new URL(req.url ?? '/', 'http://x').pathname;
          const prefix = (this.options.actionPath ?? '/{action}').split('{action}')[0]!;
          const frame = path === '/' ? body : { action: decodeURIComponent(path.slice(prefix.length)), params: body };
          const reply = await this.answer({ transport: 'http', action: String(frame['action']), params: frame['params'], self: frame['self'], binary });
          if ('none' in reply || 'bytes' in reply) return; // the client's timeout will fire
          if ('http' in reply) {
            res.writeHead(reply.http, { 'content-type': 'text/plain' }).end(reply.body ?? '');
            return;
          }
          if (binary && 'envelope' in reply) {
            res.writeHead(200, { 'content-type': 'application/msgpack' }).end(Buffer.from(msgpackEncode(reply.envelope, MSGPACK)));
            return;
          }
          const out = 'raw' in reply ? reply.raw.replace('"__ECHO__"', '""') : stringifyJson(reply.envelope);
          res.writeHead(200, { 'content-type': 'application/json' }).end(out);
        })();
      });
    });
    const port = await listen(this.http);
    return `http://127.0.0.1:${port}`;
  }

  /** A forward WebSocket server. Returns `ws://127.0.0.1:port`. */
  async startWs(options: { port?: number; autoPong?: boolean } = {}): Promise<string> {
    this.wsHttp = createServer((_req, res) => res.writeHead(426).end());
    this.wss = new WebSocketServer({
      server: this.wsHttp,
      autoPong: options.autoPong ?? true,
      handleProtocols: (protocols) => [...protocols][0] ?? false,
      verifyClient: (info, cb) => {
        this.handshakes.push({ headers: info.req.headers, url: info.req.url ?? '/' });
        if (this.authorized(info.req.headers, info.req.url ?? '/')) cb(true);
        else cb(false, 401, this.options.refusal ?? 'Unauthorized');
      },
    });
    this.wss.on('connection', (ws) => {
      this.sockets.add(ws);
      ws.on('close', () => this.sockets.delete(ws));
      ws.on('message', (data: Buffer, isBinary: boolean) => void this.onFrame(ws, data, isBinary, 'ws'));
    });
    const port = await listen(this.wsHttp, options.port);
    return `ws://127.0.0.1:${port}`;
  }

  /** Closes the forward WS server (connections are cut) so it can be started again on the same port. */
  async stopWs(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.sockets.clear();
    await new Promise<void>((resolve) => (this.wss ? this.wss.close(() => resolve()) : resolve()));
    const server = this.wsHttp;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    this.wss = undefined;
    this.wsHttp = undefined;
  }

  /** Cuts every forward WS connection without a closing handshake (like a crashed implementation). */
  dropConnections(): void {
    for (const ws of this.sockets) ws.terminate();
  }

  /** Closes every forward WS connection with a closing handshake (code and reason). */
  closeAll(code: number, reason: string): void {
    for (const ws of this.sockets) ws.close(code, reason);
  }

  get connectionCount(): number {
    return this.sockets.size;
  }

  /** Sends an event frame (JSON text) on every forward WS connection. */
  broadcastEvent(event: unknown): void {
    for (const ws of this.sockets) ws.send(stringifyJson(event));
  }

  async onFrame(ws: WebSocket, data: Buffer, isBinary: boolean, transport: FakeCall['transport'], bot?: string): Promise<void> {
    const frame = (isBinary ? msgpackDecode(data, MSGPACK) : parseJson(data.toString('utf8'))) as Record<string, unknown>;
    const echo = frame['echo'];
    const reply = await this.answer({ transport, action: String(frame['action']), params: frame['params'], echo, self: frame['self'], binary: isBinary, bot });
    if ('none' in reply || 'http' in reply) return;
    let out: string | Buffer;
    if ('bytes' in reply) out = reply.bytes(echo);
    else if ('raw' in reply) out = reply.raw.replace('"__ECHO__"', JSON.stringify(echo ?? null));
    else {
      const envelope = echo === undefined ? reply.envelope : { ...reply.envelope, echo };
      out = isBinary ? Buffer.from(msgpackEncode(envelope, MSGPACK)) : stringifyJson(envelope);
    }
    if (this.holdReplies !== undefined) {
      this.held.push({ ws, data: out });
      if (this.held.length >= this.holdReplies) {
        const batch = shuffle(this.held);
        this.held = [];
        for (const h of batch) h.ws.send(h.data);
      }
      return;
    }
    if (ws.readyState === WebSocket.OPEN) ws.send(out);
  }

  /** Connects to a reverse WS server as an implementation would. */
  connectReverse(url: string, options: ReverseOptions = {}): Promise<ReverseBot> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.selfId !== undefined) headers['X-Self-ID'] = options.selfId;
    if (options.role !== undefined) headers['X-Client-Role'] = options.role;
    if (options.token !== undefined) headers['Authorization'] = `${options.scheme ?? 'Bearer'} ${options.token}`;
    const ws = new WebSocket(url, options.subprotocol ? [options.subprotocol] : [], { headers });
    const bot = new ReverseBot(ws, options.selfId);
    ws.on('message', (data: Buffer, isBinary: boolean) => void this.onFrame(ws, data, isBinary, 'reverse-ws', options.selfId));
    this.reverse.add(bot);
    ws.on('close', () => this.reverse.delete(bot));
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(bot));
      ws.once('unexpected-response', (_req, res) => {
        reject(Object.assign(new Error(`refused with HTTP ${res.statusCode}`), { status: res.statusCode }));
        res.resume();
        ws.terminate();
      });
      ws.once('error', reject);
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.reverse].map((b) => b.close()));
    await this.stopWs();
    const http = this.http;
    if (http) {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  }
}

export interface ReverseOptions {
  selfId?: string | undefined;
  role?: string | undefined;
  token?: string | undefined;
  /** `Bearer` (spec) or `Token` (go-cqhttp). */
  scheme?: string | undefined;
  subprotocol?: string | undefined;
  headers?: Record<string, string> | undefined;
}

export class ReverseBot {
  constructor(
    readonly ws: WebSocket,
    readonly selfId: string | undefined,
  ) {}

  sendEvent(event: unknown): void {
    this.ws.send(stringifyJson(event));
  }

  /** Cuts the connection without a closing handshake. */
  drop(): void {
    this.ws.terminate();
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      this.ws.once('close', () => resolve());
      if (this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
      else this.ws.close();
    });
  }
}
