/**
 * The OneBot 12 front end: HTTP `POST /` with action frames, WebSocket at `/` (actions + events),
 * webhook POSTs (`webhookUrl`). Codes and paths from protocol.json; JSON only (no MessagePack yet).
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { fit } from '../fit.js';
import { delay, presentedToken, RateLimiter, readText, sendJson } from '../http.js';
import { descriptor, protocolJson } from '../protocols.js';
import { sample, type Schema } from '../sample.js';
import type { FrontEnd, FrontEndContext } from '../types.js';
import type { WorldEvent } from '../world.js';
import { HANDLERS } from './onebot12/handlers.js';
import { eventOf, PLATFORM } from './onebot12/map.js';

interface Facts {
  transport: { http: { path: string }; ws: { path: string }; events: { webhook: { 'self-id-header': string } } };
  auth: { header: string; scheme?: string; query?: string };
  envelope: { 'status-field': string; 'ok-status': string[]; 'retcode-field': string; 'ok-retcodes': number[]; 'data-field': string; 'message-fields': string[]; 'echo-field': string };
  retcodes: { code: number; name: string }[];
  'http-status': { status: number; name: string }[];
}
type Json = Record<string, unknown>;

export async function startOneBot12({ world, options }: FrontEndContext): Promise<FrontEnd> {
  const json = protocolJson(options.protocol);
  const facts = json.protocol as unknown as Facts;
  const proto = await descriptor(options.protocol);
  const faults = options.faults ?? {};
  const limiter = new RateLimiter(faults);
  const env = facts.envelope;
  const code = (name: string) => facts.retcodes.find((r) => r.name === name)!.code;
  const status = (name: string) => facts['http-status'].find((s) => s.name === name)!.status;
  const ok = (data: unknown): Json => ({ [env['status-field']]: env['ok-status'][0], [env['retcode-field']]: env['ok-retcodes'][0], [env['data-field']]: data, [env['message-fields'][0]!]: '' });
  const failed = (name: string, message: string): Json => ({ [env['status-field']]: 'failed', [env['retcode-field']]: code(name), [env['data-field']]: null, [env['message-fields'][0]!]: message });

  async function call(frame: Json): Promise<Json> {
    if (faults.latencyMs) await delay(faults.latencyMs);
    const action = frame['action'];
    if (typeof action !== 'string') return failed('BAD_REQUEST', 'frame has no action');
    const def = json.actions[action];
    const info = proto.actions[action];
    if (!def || !info) return failed('UNSUPPORTED_ACTION', `unknown action ${action}`);
    const params = (frame['params'] ?? {}) as Json;
    const issues = info.params?.check(params);
    if (issues) return failed('BAD_PARAM', issues.map((i) => `${i.path || '/'}: ${i.message}`).join('; '));
    if (faults.invalidResponse?.includes(action)) return ok({ invalid: { not: 'valid' } });
    try {
      const handler = HANDLERS[action];
      const candidate = handler ? handler(world, params) : undefined;
      return ok(def.result ? (candidate === undefined ? sample(def.result, json.$defs) : fit(def.result, json.$defs, candidate)) : null);
    } catch (e) {
      return failed('LOGIC_ERROR', e instanceof Error ? e.message : String(e));
    }
  }
  const authorized = (req: IncomingMessage) => options.token === undefined || presentedToken(req, facts.auth.header, facts.auth.scheme, facts.auth.query) === options.token;

  const server = createServer((req, res) => {
    void (async () => {
      if (!authorized(req)) return sendJson(res, status('UNAUTHORIZED'), '');
      if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) return sendJson(res, status('UNSUPPORTED_MEDIA_TYPE'), '');
      const retryAfter = limiter.hit();
      if (retryAfter !== undefined) return sendJson(res, 429, '', { 'retry-after': String(retryAfter) });
      const text = await readText(req);
      if (text === undefined) return sendJson(res, 413, '');
      let frame: Json;
      try {
        frame = JSON.parse(text) as Json;
      } catch {
        return sendJson(res, 200, failed('BAD_REQUEST', 'body is not JSON'));
      }
      sendJson(res, 200, await call(frame));
    })().catch(() => sendJson(res, 500, ''));
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (!authorized(req)) return void socket.end(`HTTP/1.1 ${status('UNAUTHORIZED')} Unauthorized\r\n\r\n`);
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('message', (data) => {
        void (async () => {
          let frame: Json;
          try {
            frame = JSON.parse(String(data)) as Json;
          } catch {
            return ws.send(JSON.stringify(failed('BAD_REQUEST', 'frame is not JSON')));
          }
          ws.send(JSON.stringify({ ...(await call(frame)), [env['echo-field']]: frame[env['echo-field']] }));
        })();
      });
    });
  });

  const pending = new Set<Promise<unknown>>();
  const eventSchema = (e: Json): Schema => json.events?.[`${String(e['type'])}.${String(e['detail_type'])}`]?.schema ?? json.$defs[e['type'] === 'message' ? 'MessageEvent' : 'Event']!;
  const onEvent = (we: WorldEvent) => {
    const e = eventOf(world, we);
    if (!e) return;
    const text = JSON.stringify(fit(eventSchema(e), json.$defs, e));
    for (let i = 0; i < (faults.duplicateEvents ? 2 : 1); i++) {
      for (const ws of wss.clients) if (ws.readyState === WebSocket.OPEN) ws.send(text);
      if (options.webhookUrl) {
        const headers: Record<string, string> = { 'content-type': 'application/json', [facts.transport.events.webhook['self-id-header']]: String(world.bot.id), 'x-onebot-version': '12', 'x-impl': 'qqwire-sim', 'x-platform': PLATFORM };
        if (options.token !== undefined) headers[facts.auth.header] = `${facts.auth.scheme ?? ''} ${options.token}`.trim();
        const p = fetch(options.webhookUrl, { method: 'POST', headers, body: text }).then((r) => r.arrayBuffer(), () => undefined);
        pending.add(p);
        void p.finally(() => pending.delete(p));
      }
    }
  };
  world.on('event', onEvent);

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  return {
    urls: { http: `http://${host}:${port}${facts.transport.http.path}`, ws: `ws://${host}:${port}${facts.transport.ws.path}` },
    flush: async () => {
      await Promise.all([...pending]);
    },
    close: async () => {
      world.off('event', onEvent);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
