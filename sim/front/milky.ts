/**
 * The Milky front end: `POST /api/{action}` (path, auth, envelope and retcodes from protocol.json),
 * events over SSE and WebSocket at `/event`, and WebHook POSTs when `webhookUrl` is given.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { delay, presentedToken, RateLimiter, readText, sendJson } from '../http.js';
import { descriptor, protocolJson } from '../protocols.js';
import { sample } from '../sample.js';
import type { FrontEnd, FrontEndContext } from '../types.js';
import { HANDLERS, MilkyFailure } from './milky/handlers.js';
import { milkyEvent } from './milky/map.js';

interface MilkyFacts {
  transport: { http: { path: string }; events: { 'auth-query'?: string; sse: { path: string; event: string }; ws: { path: string } } };
  auth: { header: string; scheme?: string };
  envelope: { 'status-field': string; 'ok-status': string[]; 'retcode-field': string; 'ok-retcodes': number[]; 'data-field': string; 'message-fields': string[] };
  retcodes: { code: number; name: string }[];
  'http-status': { status: number; name: string }[];
}

export async function startMilky({ world, options }: FrontEndContext): Promise<FrontEnd> {
  const json = protocolJson('milky');
  const facts = json.protocol as unknown as MilkyFacts;
  const proto = await descriptor('milky');
  const faults = options.faults ?? {};
  const limiter = new RateLimiter(faults);
  const env = facts.envelope;
  const code = (name: string) => facts.retcodes.find((r) => r.name === name)!.code;
  const status = (name: string) => facts['http-status'].find((r) => r.name === name)!.status;
  const [apiPrefix] = facts.transport.http.path.split('{action}') as [string];
  const ok = (data: unknown) => ({ [env['status-field']]: env['ok-status'][0], [env['retcode-field']]: env['ok-retcodes'][0], [env['data-field']]: data ?? {} });
  const failed = (retcode: number, message: string) => ({ [env['status-field']]: 'failed', [env['retcode-field']]: retcode, [env['message-fields'][0]!]: message });
  const authorized = (req: IncomingMessage, query: boolean) =>
    options.token === undefined || presentedToken(req, facts.auth.header, facts.auth.scheme, query ? facts.transport.events['auth-query'] : undefined) === options.token;

  const sse = new Set<ServerResponse>();
  const wss = new WebSocketServer({ noServer: true });
  const pending = new Set<Promise<unknown>>();

  async function api(req: IncomingMessage, res: ServerResponse, action: string): Promise<void> {
    if (!authorized(req, false)) return sendJson(res, status('UNAUTHORIZED'), '');
    const def = proto.actions[action];
    const schema = json.actions[action];
    if (!def || !schema) return sendJson(res, status('API_NOT_FOUND'), '');
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) return sendJson(res, status('UNSUPPORTED_MEDIA_TYPE'), '');
    const text = await readText(req);
    if (text === undefined) return sendJson(res, 413, '');
    if (faults.latencyMs) await delay(faults.latencyMs);
    const retryAfter = limiter.hit();
    if (retryAfter !== undefined) return sendJson(res, 429, '', { 'retry-after': String(retryAfter) });
    let params: Record<string, unknown>;
    try {
      params = JSON.parse(text || '{}') as Record<string, unknown>;
    } catch {
      return sendJson(res, 200, failed(code('BAD_PARAMS'), 'body is not JSON'));
    }
    const issues = def.params?.check(params);
    if (issues) return sendJson(res, 200, failed(code('BAD_PARAMS'), issues.map((i) => `${i.path || '/'}: ${i.message}`).join('; ')));
    // Fault: the first result property gets a value no schema type allows (an object in place of it).
    if (faults.invalidResponse?.includes(action)) return sendJson(res, 200, ok({ [Object.keys((schema.result?.['properties'] ?? {}) as object)[0] ?? 'x']: { not: 'valid' } }));
    try {
      const handler = HANDLERS[action];
      const data = handler ? handler(world, params) : schema.result ? sample(schema.result, json.$defs) : {};
      sendJson(res, 200, ok(data));
    } catch (e) {
      if (e instanceof MilkyFailure) return sendJson(res, 200, failed(code(e.retcode), e.message));
      sendJson(res, 200, failed(code('BAD_PARAMS'), e instanceof Error ? e.message : String(e)));
    }
  }

  function openSse(req: IncomingMessage, res: ServerResponse): void {
    if (!authorized(req, true)) return sendJson(res, status('UNAUTHORIZED'), '');
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write(': qqwire-sim\n\n');
    sse.add(res);
    res.on('close', () => sse.delete(res));
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'POST' && path.startsWith(apiPrefix)) {
      api(req, res, decodeURIComponent(path.slice(apiPrefix.length))).catch(() => sendJson(res, 500, ''));
    } else if (req.method === 'GET' && path === facts.transport.events.sse.path) openSse(req, res);
    else sendJson(res, 404, '');
  });
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path !== facts.transport.events.ws.path || !authorized(req, true)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws));
  });

  function deliver(event: Record<string, unknown>): void {
    const text = JSON.stringify(event);
    for (const res of sse) res.write(`event: ${facts.transport.events.sse.event}\ndata: ${text}\n\n`);
    for (const ws of wss.clients as Set<WebSocket>) ws.send(text);
    if (options.webhookUrl) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (options.token !== undefined) headers[facts.auth.header] = `${facts.auth.scheme ?? ''} ${options.token}`.trim();
      const p = fetch(options.webhookUrl, { method: 'POST', headers, body: text }).then((r) => r.arrayBuffer(), () => undefined);
      pending.add(p);
      void p.finally(() => pending.delete(p));
    }
  }
  const onEvent = (e: Parameters<typeof milkyEvent>[1]) => {
    const event = milkyEvent(world, e);
    if (!event) return;
    deliver(event);
    if (faults.duplicateEvents) deliver(event);
  };
  world.on('event', onEvent);

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  return {
    urls: { api: `http://${host}:${port}${apiPrefix.replace(/\/$/, '')}`, sse: `http://${host}:${port}${facts.transport.events.sse.path}`, ws: `ws://${host}:${port}${facts.transport.events.ws.path}` },
    flush: async () => {
      await Promise.all([...pending]);
    },
    close: async () => {
      world.off('event', onEvent);
      for (const res of sse) res.end();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
