/**
 * One local server per transport a protocol declares, and a client of the generated module connected
 * to it, for the table-driven action suite. Every rig records what reached the server in one shape
 * (`Received`) and answers from `answer`, built from the protocol descriptor's envelope facts.
 */
import { type ClientCore } from '../../runtime/client.js';
import { parseJson } from '../../runtime/json.js';
import { createReverseWsServer, type ReverseWsServer } from '../../runtime/reverse-ws.js';
import { type ProtocolDescriptor } from '../../runtime/transport.js';
import { FakeOneBot, type Reply } from './fake-onebot.js';
import { startServer, type Recorded, type Reply as HttpReply } from './http-server.js';

export interface GeneratedClient {
  core: ClientCore;
  call(action: string, params?: unknown): Promise<unknown>;
  close(): Promise<void>;
  [method: string]: unknown;
}

export interface GeneratedModule {
  protocol: ProtocolDescriptor;
  createClient(options?: Record<string, unknown>): GeneratedClient;
}

/** What the server should answer for one action. */
export type Answer = { data: unknown; noResult: boolean } | { failure: number };

export interface Received {
  action: string;
  params: unknown;
  binary?: boolean | undefined;
  self?: unknown;
  /** REST only. */
  method?: string | undefined;
  url?: string | undefined;
  contentType?: string | undefined;
  body?: string | undefined;
  /** REST: the exact body bytes (a multipart body holds binary file parts). */
  bytes?: Uint8Array | undefined;
}

export interface Rig {
  kind: string;
  client: GeneratedClient;
  received: Received[];
  answer: (action: string) => Answer;
  /**
   * REST: calls go one at a time and each request is filed under the action being called, since two
   * actions may share a method and path (e.g. a JSON and a multipart send). RPC frames name their action.
   */
  current?: string | undefined;
  close(): Promise<void>;
}

export interface RigKind {
  name: string;
  start(mod: GeneratedModule, options: Record<string, unknown>): Promise<Rig>;
}

const TOKEN = 'action-suite-token';
const SELF_ID = '10001';

/** The envelope a retcode protocol answers with, from the descriptor's field names. */
function envelope(p: ProtocolDescriptor, answer: Answer): Reply {
  const e = p.envelope;
  if ('failure' in answer) {
    const body: Record<string, unknown> = { [e.statusField ?? 'status']: 'failed', [e.retcodeField ?? 'retcode']: answer.failure, [e.dataField ?? 'data']: null };
    for (const f of e.messageFields ?? []) body[f] = 'probe failure';
    return { envelope: body };
  }
  return { envelope: { [e.statusField ?? 'status']: e.okStatus?.[0] ?? 'ok', [e.retcodeField ?? 'retcode']: e.okRetcodes?.[0] ?? 0, [e.dataField ?? 'data']: answer.data } };
}

function oneBotRig(kind: string, connect: (fake: FakeOneBot, mod: GeneratedModule) => Promise<{ options: Record<string, unknown>; server?: ReverseWsServer }>): RigKind {
  return {
    name: kind,
    async start(mod, options) {
      const fake = new FakeOneBot({ token: kind.includes('reverse') ? undefined : TOKEN, actionPath: mod.protocol.transport.http?.path });
      const rig: Rig = { kind, client: undefined as unknown as GeneratedClient, received: [], answer: () => ({ failure: -1 }), close: async () => undefined };
      fake.respond = (call) => {
        rig.received.push({ action: call.action, params: call.params, binary: call.binary, self: call.self });
        return envelope(mod.protocol, rig.answer(call.action));
      };
      const { options: extra, server } = await connect(fake, mod);
      rig.client = mod.createClient({ timeoutMs: 5000, ...options, ...extra });
      rig.close = async () => {
        await rig.client.close();
        await server?.close();
        await fake.close();
      };
      return rig;
    },
  };
}

const http = (encoding?: string) =>
  oneBotRig(encoding ? `http+${encoding}` : 'http', async (fake) => ({ options: { baseUrl: await fake.startHttp(), accessToken: TOKEN, encoding } }));

const ws = (encoding?: string) =>
  oneBotRig(encoding ? `ws+${encoding}` : 'ws', async (fake) => ({ options: { baseUrl: await fake.startWs(), accessToken: TOKEN, encoding } }));

const reverseWs = oneBotRig('reverse-ws', async (fake, mod) => {
  const server = createReverseWsServer({ protocol: mod.protocol, port: 0, host: '127.0.0.1' });
  const { port } = await server.ready();
  const prefix = mod.protocol.transport.reverseWs?.subprotocolPrefix;
  await fake.connectReverse(`ws://127.0.0.1:${port}/`, { selfId: SELF_ID, role: 'Universal', subprotocol: prefix === undefined ? undefined : `${prefix}fake` });
  await server.waitForBot(SELF_ID, { timeoutMs: 5000 });
  return { options: { transport: server.bot(SELF_ID) }, server };
});

/** REST: the path template takes the `{name}` params, `query` params go to the query string, the rest is the body. */
const rest: RigKind = {
  name: 'rest',
  async start(mod, options) {
    const rig: Rig = { kind: 'rest', client: undefined as unknown as GeneratedClient, received: [], answer: () => ({ failure: -1 }), current: '', close: async () => undefined };
    const server = await startServer((req: Recorded): HttpReply => {
      const action = rig.current ?? '';
      const contentType = req.headers['content-type'];
      rig.received.push({ action, params: undefined, method: req.method, url: req.url, contentType, body: req.body, bytes: req.bytes });
      const answer = rig.answer(action);
      const fields = mod.protocol.envelope.errorFields ?? {};
      if ('failure' in answer) {
        return { status: 400, body: JSON.stringify({ [fields['code'] ?? 'code']: answer.failure, [fields['message'] ?? 'message']: 'probe failure' }) };
      }
      if (answer.noResult) return { status: 204 };
      return { body: JSON.stringify(answer.data) };
    });
    rig.client = mod.createClient({ timeoutMs: 5000, baseUrl: server.url, accessToken: TOKEN, ...options });
    rig.close = async () => {
      await rig.client.close();
      await server.close();
    };
    return rig;
  },
};

/** Every transport the descriptor declares, plus each extra encoding of `encodings`. */
export function rigKinds(p: ProtocolDescriptor, encodings: readonly string[]): RigKind[] {
  const extra = encodings.filter((e) => e !== 'json');
  const kinds: RigKind[] = [];
  if (p.transport.rest) kinds.push(rest);
  if (p.transport.http) kinds.push(http(), ...extra.map((e) => http(e)));
  if (p.transport.ws) kinds.push(ws(), ...extra.map((e) => ws(e)));
  if (p.transport.reverseWs) kinds.push(reverseWs);
  return kinds;
}

/**
 * The params a REST call must have produced: path and query values, and the body (none for GET, nor for
 * DELETE unless the binding declares a body kind).
 */
export function restExpectation(
  binding: { method: string; path: string; query?: readonly string[] | undefined; body?: 'json' | 'multipart' | undefined },
  params: Record<string, unknown>,
): { path: string; query: [string, string][]; body: Record<string, unknown> | undefined } {
  const used = new Set<string>();
  const path = binding.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    used.add(name);
    return encodeURIComponent(String(params[name]));
  });
  const query: [string, string][] = [];
  for (const name of binding.query ?? []) {
    used.add(name);
    if (params[name] !== undefined) query.push([name, String(params[name])]);
  }
  const rest = Object.fromEntries(Object.entries(params).filter(([k]) => !used.has(k)));
  const body = binding.body === undefined && (binding.method === 'GET' || binding.method === 'DELETE') ? undefined : rest;
  return { path, query: query.sort(), body };
}

export function parsedBody(text: string | undefined): unknown {
  return text ? parseJson(text) : undefined;
}
