/**
 * The OneBot 11 family front end (onebot11, gocqhttp, shamrock differ only by their protocol.json):
 * HTTP `POST /{action}`, forward WebSocket (API + events on the universal path, events on the event
 * path), HTTP POST event delivery signed with `X-Signature`, and reverse WebSocket as a client.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { fit } from '../fit.js';
import { delay, presentedToken, RateLimiter, readText, sendJson } from '../http.js';
import { shiftIds } from '../big-ids.js';
import { stringifyJson } from '../../runtime/json.js';
import { descriptor, protocolJson } from '../protocols.js';
import { sample } from '../sample.js';
import type { FrontEnd, FrontEndContext } from '../types.js';
import type { WorldEvent } from '../world.js';
import { failureAnswer, type Failure } from './onebot11/codes.js';
import { HANDLERS } from './onebot11/handlers.js';
import { eventCandidate } from './onebot11/map.js';

interface Facts {
  transport: {
    http: { path: string };
    'reverse-ws': { 'self-id-header': string; 'role-header': string };
    events: { ws: { path: string; 'universal-path': string }; webhook: { signature: { header: string; algorithm: string; prefix: string }; 'self-id-header': string } };
  };
  auth: { header: string; scheme?: string; query?: string };
  envelope: { 'status-field': string; 'ok-status': string[]; 'retcode-field': string; 'ok-retcodes': number[]; 'data-field': string; 'message-fields': string[]; 'echo-field': string };
  retcodes: { code: number; name: string; transports?: string[] }[];
  'http-status'?: { status: number; name: string }[];
  'action-variants'?: { name: string; result: 'none' | 'same' }[];
}
type Json = Record<string, unknown>;
interface Answer { status: number; body: Json | undefined }

export async function startOneBot11({ world, options }: FrontEndContext): Promise<FrontEnd> {
  const json = protocolJson(options.protocol);
  const facts = json.protocol as unknown as Facts;
  const proto = await descriptor(options.protocol);
  const faults = options.faults ?? {};
  const limiter = new RateLimiter(faults);
  const env = facts.envelope;
  const [pathPrefix] = facts.transport.http.path.split('{action}') as [string];
  const ok = (data: unknown, async = false): Json => ({ [env['status-field']]: env['ok-status'][async ? 1 : 0], [env['retcode-field']]: env['ok-retcodes'][async ? 1 : 0], [env['data-field']]: data });
  const fail = (kind: Failure, transport: 'http' | 'ws', message: string): Answer => {
    const a = failureAnswer(facts, kind, transport);
    if (a.retcode === undefined) return { status: a.status, body: undefined };
    const body: Json = { [env['status-field']]: 'failed', [env['retcode-field']]: a.retcode, [env['data-field']]: null };
    for (const f of env['message-fields']) body[f] = f === 'msg' ? kind.toUpperCase() : message;
    return { status: 200, body };
  };

  /** One API call, whatever the transport. */
  async function call(action: string, params: unknown, transport: 'http' | 'ws'): Promise<Answer> {
    if (faults.latencyMs) await delay(faults.latencyMs);
    const def = json.actions[action];
    const info = proto.actions[action];
    if (!def || !info) return fail('unknown_action', transport, `unknown action ${action}`);
    const issues = info.params?.check(params ?? {});
    if (issues) return fail('bad_params', transport, issues.map((i) => `${i.path || '/'}: ${i.message}`).join('; '));
    if (faults.invalidResponse?.includes(action)) return { status: 200, body: ok({ invalid: { not: 'valid' } }) };
    const base = def['variant-of']?.action ?? def['alias-of'] ?? action;
    const variant = def['variant-of'] && facts['action-variants']?.find((v) => v.name === (def['variant-of'] as { variant?: string }).variant);
    try {
      const handler = HANDLERS[base];
      const candidate = handler ? handler(world, (params ?? {}) as Json) : undefined;
      if (variant?.result === 'none') return { status: 200, body: ok(null, true) };
      const result = def.result ? (candidate === undefined ? sample(def.result, json.$defs) : fit(def.result, json.$defs, candidate)) : null;
      return { status: 200, body: ok(faults.bigIntegers ? shiftIds(result) : result) };
    } catch (e) {
      // A world rule broken (missing entity, not a member, …) is a business failure, never a 500.
      return fail('not_found', transport, e instanceof Error ? e.message : String(e));
    }
  }

  /** undefined when authorized, else the failure. */
  function authFailure(req: IncomingMessage): Failure | undefined {
    if (options.token === undefined) return undefined;
    const got = presentedToken(req, facts.auth.header, facts.auth.scheme, facts.auth.query);
    return got === undefined ? 'no_token' : got === options.token ? undefined : 'bad_token';
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const bad = authFailure(req);
      if (bad) {
        const a = fail(bad, 'http', 'access token');
        return sendJson(res, a.status, a.body ?? '');
      }
      const retryAfter = limiter.hit();
      if (retryAfter !== undefined) return sendJson(res, 429, '', { 'retry-after': String(retryAfter) });
      const text = await readText(req);
      if (text === undefined) return sendJson(res, 413, '');
      let params: unknown = Object.fromEntries(url.searchParams);
      if (text) {
        try {
          params = JSON.parse(text);
        } catch {
          const a = fail('bad_params', 'http', 'body is not JSON');
          return sendJson(res, a.status, a.body ?? '');
        }
      }
      const a = await call(decodeURIComponent(url.pathname.slice(pathPrefix.length)), params, 'http');
      sendJson(res, a.status, a.body ?? '');
    })().catch(() => sendJson(res, 500, ''));
  });

  const eventSockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true });
  const wsPaths = facts.transport.events.ws;
  server.on('upgrade', (req, socket, head) => {
    const bad = authFailure(req);
    if (bad) {
      // WebSocket auth failures close the handshake (a dialect's in-body code has no frame to go in).
      const status = failureAnswer(facts, bad, 'http').status;
      socket.end(`HTTP/1.1 ${status === 200 ? 401 : status} Unauthorized\r\n\r\n`);
      return;
    }
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, path !== wsPaths.path, path === wsPaths.path || path === wsPaths['universal-path']));
  });

  /** API frames in, answers (and events) out, with the WS faults applied. */
  function serveSocket(ws: WebSocket, api: boolean, events: boolean): void {
    let sent = 0;
    let held: string | undefined;
    const send = (text: string) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      ws.send(text);
      if (faults.dropAfterFrames !== undefined && ++sent >= faults.dropAfterFrames) ws.terminate();
    };
    const answer = (text: string) => {
      if (!faults.reorderWs) return send(text);
      if (held === undefined) return void (held = text);
      send(text);
      send(held);
      held = undefined;
    };
    if (events) eventSockets.add(ws);
    ws.on('close', () => eventSockets.delete(ws));
    (ws as WebSocket & { qqwireSend?: (t: string) => void }).qqwireSend = send;
    if (!api) return;
    ws.on('message', (data) => {
      void (async () => {
        let frame: Json;
        try {
          frame = JSON.parse(String(data)) as Json;
        } catch {
          return answer(stringifyJson(fail('bad_params', 'ws', 'frame is not JSON').body));
        }
        const a = await call(String(frame['action']), frame['params'], 'ws');
        answer(stringifyJson({ ...(a.body ?? {}), [env['echo-field']]: frame[env['echo-field']] }));
      })();
    });
  }

  const pending = new Set<Promise<unknown>>();
  let reverse: WebSocket | undefined;
  function deliver(text: string): void {
    for (const ws of eventSockets) (ws as WebSocket & { qqwireSend?: (t: string) => void }).qqwireSend?.(text);
    if (options.webhookUrl) {
      const hook = facts.transport.events.webhook;
      const headers: Record<string, string> = { 'content-type': 'application/json', [hook['self-id-header']]: String(world.bot.id) };
      if (options.secret) headers[hook.signature.header] = hook.signature.prefix + createHmac(hook.signature.algorithm, options.secret).update(text).digest('hex');
      const p = fetch(options.webhookUrl, { method: 'POST', headers, body: text }).then((r) => r.arrayBuffer(), () => undefined);
      pending.add(p);
      void p.finally(() => pending.delete(p));
    }
  }
  const onEvent = (e: WorldEvent) => {
    const c = eventCandidate(world, e);
    const def = c && json.events?.[c[0]];
    if (!c || !def) return;
    const text = JSON.stringify(fit(def.schema, json.$defs, c[1]));
    deliver(text);
    if (faults.duplicateEvents) deliver(text);
  };
  world.on('event', onEvent);

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  if (options.reverseWsUrl) {
    const rw = facts.transport['reverse-ws'];
    const headers: Record<string, string> = { [rw['self-id-header']]: String(world.bot.id), [rw['role-header']]: 'Universal' };
    if (options.token !== undefined) headers[facts.auth.header] = `${facts.auth.scheme ?? ''} ${options.token}`.trim();
    reverse = new WebSocket(options.reverseWsUrl, { headers });
    const r = reverse;
    await new Promise<void>((resolve, reject) => {
      r.once('open', () => resolve());
      r.once('error', reject);
    });
    serveSocket(r, true, true);
  }
  return {
    urls: { http: `http://${host}:${port}`, ws: `ws://${host}:${port}${wsPaths['universal-path']}`, events: `ws://${host}:${port}${wsPaths.path}` },
    flush: async () => {
      await Promise.all([...pending]);
    },
    close: async () => {
      world.off('event', onEvent);
      reverse?.close();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
