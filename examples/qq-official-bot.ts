/**
 * A QQ official bot against the embedded simulator: no QQ account needed. It receives a group
 * @-message through the WebSocket gateway, answers it with a passive reply, then replies again (the
 * msg_seq is allocated for it), uploads and sends an image, recalls a message and reads the guild.
 *
 *   npm run generate && node dist/examples/qq-official-bot.js
 *
 * Against the real platform: drop the simulator and its baseUrl / tokenUrl, give your appId and secret.
 */
import { createQqOfficialClient, protocol } from 'qqwire/qq-official';
import { createQqGateway, qqOfficialOptions } from 'qqwire/runtime/qq-official';
import { pathToFileURL } from 'node:url';
import { startQqOfficialSimulator } from '../sim/front/qq-official.js';

type GroupAt = { id: string; group_openid: string; content: string; author: { member_openid: string } };

export async function runQqOfficialBot(log: (line: string) => void = console.log): Promise<void> {
  const sim = await startQqOfficialSimulator();
  const options = qqOfficialOptions({ protocol, appId: sim.appId, clientSecret: sim.clientSecret, baseUrl: sim.baseUrl, tokenUrl: sim.tokenUrl });
  const client = createQqOfficialClient(options);
  let answered!: () => void;
  const done = new Promise<void>((resolve) => (answered = resolve));

  const gateway = createQqGateway({
    protocol,
    auth: options.auth,
    client,
    intents: ['GROUP_AND_C2C_EVENT'],
    sink: {
      async onEvent(frame) {
        const { t, d } = frame as { t: string; d: GroupAt };
        if (t !== 'GROUP_AT_MESSAGE_CREATE') return;
        log(`[qq-official] ${t} from ${d.author.member_openid}: ${d.content.trim()}`);
        const reply = await client.sendGroupMessage({ group_openid: d.group_openid, msg_type: 0, content: `echo: ${d.content.trim()}`, msg_id: d.id });
        log(`[qq-official] passive reply sent: ${reply.id}`);
        const second = await client.sendGroupMessage({ group_openid: d.group_openid, msg_type: 0, content: 'and a second reply (msg_seq 2)', msg_id: d.id });
        const media = await client.uploadGroupMedia({ group_openid: d.group_openid, file_type: 1, url: 'https://example.invalid/cat.png', srv_send_msg: false });
        const image = await client.sendGroupMessage({ group_openid: d.group_openid, msg_type: 7, content: ' ', media: { file_info: media.file_info }, msg_id: d.id });
        log(`[qq-official] image sent (file_info ${media.file_info}): ${image.id}`);
        await client.recallGroupMessage({ group_openid: d.group_openid, message_id: String(second.id) });
        log(`[qq-official] recalled ${second.id}`);
        answered();
      },
      onError: (error) => log(`[qq-official] gateway: ${error.message}`),
    },
  });
  try {
    await gateway.start();
    log(`[qq-official] gateway ready (session ${gateway.sessionId})`);
    const [guild] = await client.getGuilds({});
    log(`[qq-official] bot ${(await client.getMe()).username} is in guild ${guild?.name}`);
    const [group] = sim.world.groups.values();
    sim.world.userSends({ scene: 'group', target: group!.openid, from: group!.members[0]!, text: 'hello bot' });
    await done;
  } finally {
    await gateway.close();
    await client.close();
    await sim.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await runQqOfficialBot();
