// The README's examples, type-checked (TypeScript 7, no ambient types).
import { createMilkyClient, createMilkyEventHub, protocol as milkyProtocol } from 'qqwire/milky';
import { createSseReceiver } from 'qqwire/runtime/events';
import { createOnebot11Client, createOnebot11EventHub, protocol as onebot11, type GroupMessageQuickOperation } from 'qqwire/onebot11';
import { createQqOfficialClient, createQqOfficialEventHub, protocol as qqOfficial } from 'qqwire/qq-official';
import { AuditPendingError, onEvents } from 'qqwire/runtime';
import { createQqGateway, createQqWebhookReceiver, qqOfficialOptions } from 'qqwire/runtime/qq-official';
import { createReverseWsServer } from 'qqwire/runtime/reverse-ws';
import { createWebhookReceiver } from 'qqwire/runtime/events';

export async function examples(accessToken: string, appId: string, clientSecret: string, group_openid: string, msgId: string): Promise<void> {
  const bot = createOnebot11Client({ baseUrl: 'ws://127.0.0.1:6700', accessToken });
  onEvents(bot, (event) => void event);
  await bot.sendGroupMsgAsync({ group_id: 123456, message: 'hi' });

  const server = createReverseWsServer({ protocol: onebot11, port: 8080, accessToken });
  await server.waitForBot('10001', { timeoutMs: 30_000 });
  const bot10001 = createOnebot11Client({ transport: server.bot('10001') });
  await bot10001.sendPrivateMsg({ user_id: 10001000, message: [{ type: 'text', data: { text: 'hello' } }] });

  const qq = createQqOfficialClient(qqOfficialOptions({ protocol: qqOfficial, appId, clientSecret, sandbox: true }));
  try {
    await qq.sendGroupMessage({ group_openid, msg_id: msgId, msg_type: 0, content: 'hi' });
  } catch (e) {
    if (e instanceof AuditPendingError) void e.auditId;
  }

  const options = qqOfficialOptions({ protocol: qqOfficial, appId, clientSecret, sandbox: true });
  const qq2 = createQqOfficialClient(options);
  const hub = createQqOfficialEventHub({ onError: (e) => void e });
  hub.on('GROUP_AT_MESSAGE_CREATE', async ({ d }) => {
    await qq2.sendGroupMessage({ group_openid: d.group_openid, msg_id: d.id, msg_type: 0, content: `echo:${d.content}` });
  });
  hub.on('C2C_MESSAGE_CREATE', async ({ d }) => {
    await qq2.sendC2cMessage({ openid: d.author.user_openid, msg_id: d.id, msg_type: 0, content: `echo: ${d.content}` });
  });
  // @ts-expect-error the group event's author has member_openid, not user_openid
  hub.on('GROUP_AT_MESSAGE_CREATE', ({ d }) => d.author.user_openid);
  const gateway = createQqGateway({ protocol: qqOfficial, auth: options.auth, client: qq2, intents: ['GROUP_AND_C2C_EVENT'], sink: hub });
  await gateway.start();
  const hook = createQqWebhookReceiver({ protocol: qqOfficial, clientSecret, port: 8080, path: '/qqbot', sink: hub });
  await hook.start();
}

/** README: a local image as multipart (`readFile` returns a Buffer, which is a Uint8Array). */
export async function localImage(qq: ReturnType<typeof createQqOfficialClient>, channel_id: string, png: Uint8Array): Promise<void> {
  await qq.sendChannelMessageMultipart({ channel_id, file_image: png, content: 'meow' });
}

/** README "Receiving events": the OneBot 11 bot that answers `ping` through the client and by quick operation. */
export async function onebot11Bot(accessToken: string, secret: string): Promise<void> {
  const bot = createOnebot11Client({ baseUrl: 'http://127.0.0.1:5700', accessToken });
  const events = createOnebot11EventHub({ onError: (e) => void e });
  events.on('message.group', async (e) => {
    if (e.raw_message.trim() !== 'ping') return;
    await bot.sendGroupMsg({ group_id: e.group_id, message: [{ type: 'reply', data: { id: e.message_id } }, { type: 'text', data: { text: 'pong' } }] });
  });
  events.on('message.group', (e): GroupMessageQuickOperation | undefined => (e.raw_message === 'mute me' ? { ban: true, ban_duration: 60 } : undefined));
  // @ts-expect-error a group message event has no guild_id
  events.on('message.group', (e) => e.guild_id);
  await createWebhookReceiver({ protocol: onebot11, port: 8080, secret, sink: events }).start();
}

/** README "Try it without a QQ account": the demo's Milky bot, shortened. */
export async function milkyDemoBot(): Promise<void> {
  const milky = createMilkyClient({ baseUrl: 'http://127.0.0.1:3000', accessToken: 'demo-token' });
  const hub = createMilkyEventHub();
  const receiver = createSseReceiver({ protocol: milkyProtocol, url: 'http://127.0.0.1:3000/event', accessToken: 'demo-token', sink: hub });
  await receiver.start();
  hub.on('message_receive', async (event) => {
    if (event.data.message_scene !== 'group') return;
    const group_id = event.data.peer_id;
    const sent = await milky.sendGroupMessage({ group_id, message: [{ type: 'text', data: { text: 'hello!' } }] });
    const history = await milky.getHistoryMessages({ message_scene: 'group', peer_id: group_id, limit: 10 });
    await milky.recallGroupMessage({ group_id, message_seq: sent.message_seq });
    void history.messages;
  });
}
