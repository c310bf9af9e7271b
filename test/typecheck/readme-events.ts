// The README's "Receiving events" example, type-checked (TypeScript 7, no ambient types).
import { createMilkyClient, createMilkyEventHub, protocol as milky } from 'qqwire/milky';
import { createOnebot11EventHub, protocol as onebot11 } from 'qqwire/onebot11';
import { createSseReceiver, createWebhookReceiver } from 'qqwire/runtime/events';

declare const console: { warn(...args: unknown[]): void; log(...args: unknown[]): void };

export async function receiving(accessToken: string, secret: string): Promise<void> {
  const client = createMilkyClient({ baseUrl: 'http://127.0.0.1:3000', accessToken });
  const hub = createMilkyEventHub({ onError: console.warn });
  hub.on('message_receive', async (e) => {
    if (e.data.message_scene === 'group') await client.sendGroupMessage({ group_id: e.data.peer_id, message: [{ type: 'text', data: { text: 'pong' } }] });
  });
  await createSseReceiver({ protocol: milky, url: 'http://127.0.0.1:3000', accessToken, sink: hub }).start();

  const ob = createOnebot11EventHub();
  ob.on('message.group', (e) => (e.raw_message === 'ping' ? { reply: 'pong' } : undefined));
  await createWebhookReceiver({ protocol: onebot11, port: 8080, secret, sink: ob }).start();
  for await (const e of ob.events('notice.notify.poke')) console.log(e);
}
