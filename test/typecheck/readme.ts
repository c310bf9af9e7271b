// The README's examples, type-checked (TypeScript 7, no ambient types).
import { createOnebot11Client, createOnebot11EventHub, protocol as onebot11, type GroupMessageQuickOperation } from 'qqwire/onebot11';
import { createQqOfficialClient, protocol as qqOfficial } from 'qqwire/qq-official';
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
  type GroupAt = { t: string; d: { id: string; group_openid: string; content: string } };
  async function onEvent(payload: unknown) {
    const event = payload as GroupAt;
    if (event.t !== 'GROUP_AT_MESSAGE_CREATE') return;
    await qq2.sendGroupMessage({ group_openid: event.d.group_openid, msg_id: event.d.id, msg_type: 0, content: `echo: ${event.d.content}` });
  }
  const hook = createQqWebhookReceiver({ protocol: qqOfficial, clientSecret, port: 8080, path: '/qqbot', sink: { onEvent, onError: (e) => void e } });
  await hook.start();
  const gateway = createQqGateway({ protocol: qqOfficial, auth: options.auth, client: qq2, intents: ['GROUP_AND_C2C_EVENT'], sink: { onEvent } });
  await gateway.start();
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
