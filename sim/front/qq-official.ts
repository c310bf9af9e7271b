/**
 * The simulator's QQ official bot API v2 front end: REST (every action of the descriptor), the token
 * endpoint, the WebSocket gateway and signed webhook deliveries, all over one in-memory world.
 *
 *   const sim = await startQqOfficialSimulator({ appId: '102000001', clientSecret: 'secret' });
 *   const client = createQqOfficialClient(qqOfficialOptions({ protocol, appId, clientSecret, baseUrl: sim.baseUrl, tokenUrl: sim.tokenUrl }));
 *   sim.world.userSends({ scene: 'group', target: group, from: alice, text: 'hi' });  // → GROUP_AT_MESSAGE_CREATE
 *   await sim.close();
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { protocol } from 'qqwire/qq-official';
import { readBody } from '../../runtime/read-body.js';
import { QqFailure, codeOf, type Retcode } from './qq/codes.js';
import { messageDispatch, type Dispatch } from './qq/dispatch.js';
import { QqGatewayServer } from './qq/gateway.js';
import { HANDLERS, type HandlerContext } from './qq/handlers.js';
import { readParams, restActions, route, sampleResult, sendJson } from './qq/rest.js';
import type { Schema } from '../sample.js';
import { TokenStore } from './qq/tokens.js';
import { QqWebhookSender } from './qq/webhook.js';
import { QqWorld, type QqWorldEvent } from './qq/world.js';
import type { FrontEndFactory } from '../types.js';

export interface QqOfficialFaults {
  /** Token lifetime in seconds instead of the schema's (`expireTokens()` ends every token at once). */
  tokenExpiry?: number | undefined;
  /** Every `every`-th REST call answers 429 with `Retry-After: retryAfter` seconds. */
  rateLimit?: { every: number; retryAfter: number } | undefined;
  /** Every dispatch is delivered twice (gateway: same `s`; webhook: same event id). */
  duplicateEvents?: boolean | undefined;
  /** Added before every REST answer. */
  latencyMs?: number | undefined;
}

export interface QqOfficialSimulatorOptions {
  appId?: string | undefined;
  clientSecret?: string | undefined;
  port?: number | undefined;
  host?: string | undefined;
  /** The bot's webhook URL: validated at start, then every dispatch is POSTed there, signed. */
  webhookUrl?: string | undefined;
  heartbeatIntervalMs?: number | undefined;
  faults?: QqOfficialFaults | undefined;
  /** The simulator's clock (tests move it to pass reply windows and token expiry). */
  now?: (() => number) | undefined;
  world?: QqWorld | undefined;
}

export interface QqOfficialSimulator {
  readonly world: QqWorld;
  readonly appId: string;
  readonly clientSecret: string;
  /** REST base URL (give it as `baseUrl`). */
  readonly baseUrl: string;
  /** Token endpoint (give it as `tokenUrl`). */
  readonly tokenUrl: string;
  readonly gatewayUrl: string;
  readonly gateway: QqGatewayServer;
  readonly webhook: QqWebhookSender | undefined;
  /** REST calls answered, by action. */
  readonly calls: Map<string, number>;
  readonly tokens: TokenStore;
  /** Fault: every token issued so far stops working (the next REST call gets 401). */
  expireTokens(): void;
  /** Resolves when every dispatch so far was delivered to the webhook. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);
const MAX_BODY_BYTES = 16 * 1024 * 1024;

interface ProtocolJson {
  protocol: { retcodes: Retcode[]; auth: { 'app-token': { url: string; 'lifetime-seconds': number; 'refresh-window-seconds': number } } };
  actions: Record<string, { params?: Schema | null; result?: Schema | null }>;
  $defs: Record<string, Schema>;
}

export async function startQqOfficialSimulator(options: QqOfficialSimulatorOptions = {}): Promise<QqOfficialSimulator> {
  const json = require('qqwire/qq-official/protocol.json') as ProtocolJson;
  const retcodes = json.protocol.retcodes;
  const appToken = json.protocol.auth['app-token'];
  const appId = options.appId ?? '102000001';
  const clientSecret = options.clientSecret ?? 'qqwire-sim-secret';
  const now = options.now ?? Date.now;
  const faults = options.faults ?? {};
  const world = options.world ?? new QqWorld({ now });
  const tokens = new TokenStore({ lifetimeSeconds: faults.tokenExpiry ?? appToken['lifetime-seconds'], refreshWindowSeconds: appToken['refresh-window-seconds'] }, now);
  const actions = restActions(protocol.actions as never, json);
  const tokenPath = new URL(appToken.url).pathname;
  const calls = new Map<string, number>();
  let restCount = 0;
  const ctxBase = { world, retcodes, usedSeqs: new Set<string>(), files: new Map<string, { url: string; file_type: number }>() };

  const gatewayFacts = protocol.transport.events!.gateway!;
  const gateway = new QqGatewayServer({
    facts: gatewayFacts,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
    checkToken: (t) => tokens.check(t),
    readyUser: () => ({ id: world.bot.openid, username: world.bot.name, bot: true }),
    scheme: protocol.auth.scheme ?? 'QQBot',
    duplicate: () => faults.duplicateEvents === true,
  });

  async function handleToken(body: Buffer, res: ServerResponse): Promise<void> {
    let given: Record<string, unknown> = {};
    try {
      given = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    } catch {
      // answered below as a wrong secret
    }
    if (given['appId'] !== appId || given['clientSecret'] !== clientSecret) {
      sendJson(res, 401, { code: codeOf(retcodes, 'CHECK_TOKEN_NOT_PASS'), message: 'invalid appid or secret' });
      return;
    }
    sendJson(res, 200, tokens.issue());
  }

  function authFailure(req: IncomingMessage): QqFailure | undefined {
    const header = req.headers[(protocol.auth.header ?? 'Authorization').toLowerCase()];
    const prefix = `${protocol.auth.scheme ?? 'QQBot'} `;
    if (typeof header !== 'string' || !header.startsWith(prefix)) return new QqFailure(401, codeOf(retcodes, 'WRONG_TOKEN'), 'missing token');
    const state = tokens.check(header.slice(prefix.length));
    return state === 'ok' ? undefined : new QqFailure(401, codeOf(retcodes, 'TOKEN_NOT_EXIST_OR_EXPIRED'), 'token not exist or expire');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const body = await readBody(req, MAX_BODY_BYTES);
    if (!body) return sendJson(res, 413, { code: codeOf(retcodes, 'INVALID_FORM_BODY'), message: `request body over ${MAX_BODY_BYTES} bytes` });
    if (faults.latencyMs) await new Promise((r) => setTimeout(r, faults.latencyMs));
    if (req.method === 'POST' && url.pathname === tokenPath) return handleToken(body, res);
    const found = route(actions, req.method ?? 'GET', url.pathname, String(req.headers['content-type'] ?? ''));
    if (!found) return sendJson(res, 404, { code: codeOf(retcodes, 'REQUEST_INVALID'), message: `no API at ${req.method} ${url.pathname}` });
    const trace = { [protocol.envelope.traceHeader ?? 'X-Tps-trace-ID']: world.nextId('trace-') };
    try {
      const denied = authFailure(req);
      if (denied) throw denied;
      const rl = faults.rateLimit;
      if (rl && ++restCount % rl.every === 0) {
        return sendJson(res, 429, { code: codeOf(retcodes, 'MSG_LIMIT_EXCEED'), message: 'msg limit exceed' }, { ...trace, 'retry-after': String(rl.retryAfter) });
      }
      const params = await readParams(req, body, found.action, found.pathParams, url, json.$defs, retcodes);
      const ctx: HandlerContext = { ...ctxBase, replyWindowMs: found.action.replyWindowMs, gatewayUrl: sim.gatewayUrl };
      const handler = HANDLERS[found.action.name];
      const result = handler ? handler(params, ctx) : sampleResult(found.action, json.$defs);
      calls.set(found.action.name, (calls.get(found.action.name) ?? 0) + 1);
      sendJson(res, 200, found.action.noResult ? undefined : result, trace);
    } catch (error) {
      if (!(error instanceof QqFailure)) throw error;
      sendJson(res, error.status, { code: error.code, message: error.message, trace_id: trace[Object.keys(trace)[0]!] }, trace);
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => sendJson(res, 500, { code: codeOf(retcodes, 'RESPONSE_INVALID'), message: error instanceof Error ? error.message : String(error) }));
  });
  server.on('upgrade', (req, socket, head) => {
    if ((req.url ?? '').startsWith('/websocket')) gateway.upgrade(req, socket, head);
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const webhook = options.webhookUrl
    ? new QqWebhookSender(protocol.transport.events!.callback!, clientSecret, appId, options.webhookUrl, () => faults.duplicateEvents === true, now)
    : undefined;
  if (webhook) {
    try {
      await webhook.validate();
    } catch (error) {
      await new Promise((r) => server.close(r));
      throw error;
    }
  }
  // Webhook deliveries go out one at a time, in order.
  let deliveries: Promise<void> = Promise.resolve();
  const onEvent = (event: QqWorldEvent) => {
    const dispatch: Dispatch = messageDispatch(world, event.message);
    gateway.dispatch(dispatch);
    if (webhook) deliveries = deliveries.then(() => webhook.deliver(dispatch)).catch(() => undefined);
  };
  world.on('event', onEvent);

  const sim: QqOfficialSimulator = {
    world,
    appId,
    clientSecret,
    baseUrl: base,
    tokenUrl: `${base}${tokenPath}`,
    gatewayUrl: `ws://${host.includes(':') ? `[${host}]` : host}:${port}/websocket`,
    gateway,
    webhook,
    calls,
    tokens,
    expireTokens: () => tokens.expireAll(),
    flush: () => deliveries,
    async close() {
      world.off('event', onEvent);
      gateway.close();
      await deliveries;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return sim;
}

/**
 * The QQ official front end behind the core's `FrontEnd` interface (`registerFrontEnd('qq-official', …)`).
 * The QQ world is the front end's own for now: QQ identifies users by openid, not by the neutral world's
 * QQ numbers, so sharing one world needs an openid mapping in the core (see sim/front/qq/README.md).
 */
export const startQqOfficialFrontEnd: FrontEndFactory = async (ctx) => {
  const { options } = ctx;
  const sim = await startQqOfficialSimulator({ port: options.port, host: options.host, webhookUrl: options.webhookUrl, faults: options.faults, clientSecret: options.token });
  return {
    urls: { api: sim.baseUrl, token: sim.tokenUrl, gateway: sim.gatewayUrl },
    flush: () => sim.flush(),
    close: () => sim.close(),
  };
};
