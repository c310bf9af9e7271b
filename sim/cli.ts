/**
 * `qqwire sim <protocol> [--port N] [--token T] [--world FILE] [--seed N]`: runs a simulator until
 * SIGINT/SIGTERM, prints its URLs and token, and reads scripted user lines from stdin:
 *   > group 30001000 alice: hello        (a group message)
 *   > private alice: hi                  (a private message)
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { startSimulator } from './index.js';
import type { SimProtocol, WorldDocument } from './types.js';
import type { World } from './world.js';
import { loadWorldDocument } from './world-file.js';

const PROTOCOLS: SimProtocol[] = ['milky', 'onebot11', 'gocqhttp', 'shamrock', 'onebot12', 'qq-official'];

/** Parses one prompt line and makes the user speak; returns what happened, for printing. */
export function scriptLine(world: World, line: string): string {
  const m = /^(group\s+(\d+)|private)\s+([^:]+):\s?(.*)$/.exec(line.trim());
  if (!m) return 'usage: group <group id> <user>: <text>  |  private <user>: <text>';
  const who = m[3]!.trim();
  const user = [...world.users.values()].find((u) => u.nickname === who || String(u.id) === who);
  if (!user) return `no user "${who}"`;
  const msg = world.userSends({ from: user.id, group: m[2] === undefined ? undefined : Number(m[2]), text: m[4]! });
  return `${user.nickname} → ${msg.scene} ${msg.peer} #${msg.seq}`;
}

export async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { port: { type: 'string' }, token: { type: 'string' }, world: { type: 'string' }, seed: { type: 'string' } } });
  const protocol = positionals[0] as SimProtocol | undefined;
  if (!protocol || !PROTOCOLS.includes(protocol)) {
    console.error(`usage: qqwire sim <${PROTOCOLS.join('|')}> [--port N] [--token T] [--world FILE] [--seed N]`);
    process.exitCode = 2;
    return;
  }
  let world: WorldDocument | undefined;
  if (values.world) world = loadWorldDocument(values.world, readFileSync(values.world, 'utf8'));
  const sim = await startSimulator({ protocol, port: values.port ? Number(values.port) : 0, token: values.token, world, seed: values.seed ? Number(values.seed) : undefined });
  for (const [name, url] of Object.entries(sim.urls)) console.log(`${name.padEnd(8)} ${url}`);
  console.log(`token    ${sim.token ?? '(none)'}`);
  console.log('type "group 30001000 alice: hello" to make a user speak; Ctrl-C stops');
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: '> ' });
  rl.prompt();
  rl.on('line', (line) => {
    if (line.trim()) console.log(scriptLine(sim.world, line));
    rl.prompt();
  });
  const stop = () => {
    rl.close();
    void sim.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
