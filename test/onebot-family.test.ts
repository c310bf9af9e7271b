/**
 * The OneBot-family clients (OneBot 11, go-cqhttp, OpenShamrock, OneBot 12) over HTTP, forward WebSocket
 * and reverse WebSocket against a fake implementation: each protocol's own failure answers (HTTP 404,
 * go-cqhttp msg/wording, Shamrock's OneBot 12 style codes) for every action, and lossless int64 on all
 * three transports. What every action sends and resolves to is the table-driven test/actions.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as gocqhttp from 'qqwire/gocqhttp';
import * as onebot11 from 'qqwire/onebot11';
import * as onebot12 from 'qqwire/onebot12';
import * as shamrock from 'qqwire/shamrock';
import {
  ApiError,
  HttpError,
  Int64PrecisionError,
  type ClientCore,
  type ProtocolDescriptor,
} from 'qqwire/runtime/internal';
import { FakeOneBot, failed, type Reply } from './helpers/fake-onebot.js';
import { createReverseWsServer, type ReverseWsServer } from 'qqwire/runtime/reverse-ws';
import { actionCases } from './helpers/schema-sample.js';

type Kind = 'http' | 'ws' | 'reverse-ws';
const KINDS: Kind[] = ['http', 'ws', 'reverse-ws'];
const TOKEN = 'family-token';
const SELF_ID = '10001';

interface GeneratedModule {
  protocol: ProtocolDescriptor;
  createClient(options?: Record<string, unknown>): { core: ClientCore; call(action: string, params?: unknown): Promise<unknown>; close(): Promise<void> };
}

const MODULES: Record<string, GeneratedModule> = {
  onebot11: onebot11 as unknown as GeneratedModule,
  gocqhttp: gocqhttp as unknown as GeneratedModule,
  shamrock: shamrock as unknown as GeneratedModule,
  onebot12: onebot12 as unknown as GeneratedModule,
};

interface Setup {
  client: ReturnType<GeneratedModule['createClient']>;
  fake: FakeOneBot;
  cleanup(): Promise<void>;
}

async function setup(mod: GeneratedModule, kind: Kind, options: Record<string, unknown> = {}): Promise<Setup> {
  const fake = new FakeOneBot({ token: TOKEN });
  const base = { accessToken: TOKEN, timeoutMs: 5000, validate: { params: 'throw', result: 'throw' }, ...options };
  let server: ReverseWsServer | undefined;
  let client: Setup['client'];
  if (kind === 'http') {
    client = mod.createClient({ ...base, baseUrl: await fake.startHttp() });
  } else if (kind === 'ws') {
    client = mod.createClient({ ...base, baseUrl: await fake.startWs() });
  } else {
    server = createReverseWsServer({ protocol: mod.protocol, port: 0, host: '127.0.0.1', accessToken: TOKEN });
    const { port } = await server.ready();
    const isV12 = mod.protocol.transport.reverseWs?.subprotocolPrefix !== undefined;
    await fake.connectReverse(`ws://127.0.0.1:${port}/`, {
      selfId: SELF_ID,
      role: 'Universal',
      token: TOKEN,
      scheme: mod.protocol.name === 'gocqhttp' ? 'Token' : 'Bearer',
      subprotocol: isV12 ? '12.fake' : undefined,
    });
    await server.waitForBot(SELF_ID, { timeoutMs: 5000 });
    client = mod.createClient({ ...base, transport: server.bot(SELF_ID) });
  }
  return {
    client,
    fake,
    async cleanup() {
      await client.close();
      await server?.close();
      await fake.close();
    },
  };
}

/** Each protocol's usual failure, and what the client must make of it. */
const FAILURES: Record<string, (kind: Kind) => { reply: Reply; check(error: unknown): void }> = {
  onebot11: (kind) =>
    kind === 'http'
      ? {
          // The spec's unknown-API answer over HTTP: a 404 status, no envelope.
          reply: { http: 404, body: 'Not Found' },
          check(error) {
            assert.ok(error instanceof HttpError, String(error));
            assert.equal(error.status, 404);
            assert.equal(error.statusName, 'NOT_FOUND');
          },
        }
      : {
          // …and over WebSocket: retcode 1404.
          reply: failed(1404),
          check(error) {
            assert.ok(error instanceof ApiError, String(error));
            assert.equal(error.retcode, 1404);
            assert.equal(error.retcodeName, 'NOT_FOUND');
          },
        },
  gocqhttp: () => ({
    reply: { envelope: { data: null, message: '群聊不存在', msg: 'GROUP_NOT_FOUND', retcode: 100, status: 'failed', wording: '群聊不存在' } },
    check(error) {
      assert.ok(error instanceof ApiError, String(error));
      assert.equal(error.retcode, 100);
      assert.equal(error.retcodeName, 'BUSINESS_ERROR');
      assert.equal(error.details['msg'], 'GROUP_NOT_FOUND');
      assert.equal(error.details['wording'], '群聊不存在');
      assert.match(error.message, /群聊不存在/);
    },
  }),
  shamrock: () => ({
    reply: { envelope: { status: 'failed', retcode: 10002, data: {}, message: '不支持的Action' } },
    check(error) {
      assert.ok(error instanceof ApiError, String(error));
      assert.equal(error.retcode, 10002);
      assert.equal(error.retcodeName, 'UNSUPPORTED_ACTION');
      assert.equal(error.serverMessage, '不支持的Action');
    },
  }),
  onebot12: () => ({
    reply: { envelope: { status: 'failed', retcode: 10003, data: null, message: 'bad param' } },
    check(error) {
      assert.ok(error instanceof ApiError, String(error));
      assert.equal(error.retcode, 10003);
      assert.equal(error.retcodeName, 'BAD_PARAM');
    },
  }),
};

for (const [name, mod] of Object.entries(MODULES)) {
  describe(`${name}: every action`, () => {
    const cases = actionCases(name, (action) => mod.protocol.actions[action]?.noResult === true);

    it('has a case per generated action, each valid against the generated validators', () => {
      assert.deepEqual(cases.map((c) => c.action).sort(), Object.keys(mod.protocol.actions).sort());
      for (const c of cases) {
        const info = mod.protocol.actions[c.action]!;
        assert.equal(info.params?.check(c.params), undefined, `${c.action} params (${c.paramsFrom})`);
        if (!c.noResult && info.result) assert.equal(info.result.check(c.result), undefined, `${c.action} result`);
      }
    });

    for (const kind of KINDS) {
      it(`${kind}: each action's failure envelope becomes the right error`, async () => {
        const { client, fake, cleanup } = await setup(mod, kind);
        const failure = FAILURES[name]!(kind);
        fake.respond = () => failure.reply;
        try {
          for (const c of cases) {
            const error = await client.call(c.action, c.params).then(
              () => assert.fail(`${c.action} resolved`),
              (e: unknown) => e,
            );
            failure.check(error);
            assert.equal((error as ApiError).action, c.action);
            assert.equal((error as ApiError).protocol, name);
          }
        } finally {
          await cleanup();
        }
      });
    }
  });
}

describe('go-cqhttp specifics', () => {
  for (const kind of KINDS) {
    it(`${kind}: unknown action (retcode 404 in an HTTP 200 body) is an ApiError API_NOT_FOUND`, async () => {
      const { client, fake, cleanup } = await setup(MODULES['gocqhttp']!, kind);
      fake.respond = () => ({ envelope: { data: null, message: 'API不存在', msg: 'API_NOT_FOUND', retcode: 404, status: 'failed', wording: 'API不存在' } });
      try {
        await assert.rejects(client.call('mark_msg_as_read', { message_id: 1 }), (e: unknown) => {
          assert.ok(e instanceof ApiError && !(e instanceof HttpError));
          assert.equal(e.retcode, 404);
          assert.equal(e.retcodeName, 'API_NOT_FOUND');
          assert.equal(e.status, undefined);
          assert.equal(e.details['msg'], 'API_NOT_FOUND');
          return true;
        });
      } finally {
        await cleanup();
      }
    });
  }
});

describe('OpenShamrock get_msg: message_id_qq (x-int64: opaque) beyond 2^53', () => {
  const BIG = '7394016593722228163'; // a QQNT msgId, > 2^53
  const raw =
    '{"status":"ok","retcode":0,"data":{"time":1699375697,"message_type":"group","message_id":123456,' +
    `"message_id_qq":${BIG},"message_seq":4321,"real_id":4321,"sender":{"user_id":114514,"nickname":"伏秋洛~"},` +
    '"message":[{"type":"text","data":{"text":"hi"}}],"peer_id":123456,"group_id":123456},"message":"","echo":"__ECHO__"}';
  const mod = MODULES['shamrock']!;

  for (const kind of KINDS) {
    it(`${kind}: int64 'bigint' delivers it exactly`, async () => {
      const { client, fake, cleanup } = await setup(mod, kind, { int64: 'bigint' });
      fake.respond = () => ({ raw });
      try {
        const msg = (await client.call('get_msg', { message_id: 123456 })) as Record<string, unknown>;
        assert.equal(msg['message_id_qq'], BIG, 'an opaque id is a decimal string in every mode');
        assert.equal(msg['time'], 1699375697n);
        assert.equal(msg['message_id'], 123456); // int32, stays a number
      } finally {
        await cleanup();
      }
    });

    it(`${kind}: int64 'string' delivers it exactly`, async () => {
      const { client, fake, cleanup } = await setup(mod, kind, { int64: 'string' });
      fake.respond = () => ({ raw });
      try {
        const msg = (await client.call('get_msg', { message_id: 123456 })) as Record<string, unknown>;
        assert.equal(msg['message_id_qq'], BIG);
        assert.equal(msg['peer_id'], '123456');
      } finally {
        await cleanup();
      }
    });

    it(`${kind}: the default options succeed and round nothing (the opaque id arrives as its decimal string)`, async () => {
      const warnings: string[] = [];
      const { client, fake, cleanup } = await setup(mod, kind, { validate: { result: 'warn' }, logger: { warn: (m: string) => warnings.push(m) } });
      fake.respond = () => ({ raw });
      try {
        const msg = (await client.call('get_msg', { message_id: 123456 })) as Record<string, unknown>;
        assert.equal(msg['message_id_qq'], BIG);
        assert.equal(msg['time'], 1699375697);
        assert.deepEqual(warnings, []);
      } finally {
        await cleanup();
      }
    });

    it(`${kind}: another int64 beyond 2^53 still fails with Int64PrecisionError by default instead of rounding`, async () => {
      const { client, fake, cleanup } = await setup(mod, kind);
      fake.respond = () => ({ raw: raw.replace('"real_id":4321', `"real_id":${BIG}`) });
      try {
        await assert.rejects(client.call('get_msg', { message_id: 123456 }), (e: unknown) => {
          assert.ok(e instanceof Int64PrecisionError, String(e));
          assert.equal(e.path, '/real_id');
          assert.equal(e.value, BIG);
          return true;
        });
      } finally {
        await cleanup();
      }
    });
  }
});

