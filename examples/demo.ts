/**
 * `npm run demo`: starts a simulator per protocol and runs its example bot against it; a scripted
 * user says hello in the default group, the bot answers and goes through its calls. Exits 0 when
 * every bot finished, 1 otherwise.
 */
import { startSimulator, type SimProtocol, type Simulator } from 'qqwire/sim';
import { milkyBot } from './milky-bot.js';
import { onebot11Bot } from './onebot11-bot.js';
import { runQqOfficialBot } from './qq-official-bot.js';

const TOKEN = 'demo-token';
const ALICE = 20002000;
const GROUP = 30001000;

export interface Demo {
  protocol: SimProtocol;
  /** Runs the bot; calls `onReady` once it listens, after which the user speaks. */
  run(sim: Simulator, log: (line: string) => void, onReady: () => void): Promise<void>;
}

/** One entry per example bot on a QQ-number world; the QQ official bot (openids) runs its own simulator after them. */
export const DEMOS: Demo[] = [
  { protocol: 'milky', run: (sim, log, onReady) => milkyBot({ baseUrl: sim.baseUrl, accessToken: TOKEN, log, onReady }) },
  { protocol: 'onebot11', run: (sim, log, onReady) => onebot11Bot({ wsUrl: sim.urls['ws']!, accessToken: TOKEN, log, onReady }) },
];

export async function runDemo(demo: Demo, print: (line: string) => void = console.log): Promise<void> {
  const sim = await startSimulator({ protocol: demo.protocol, token: TOKEN });
  const log = (line: string) => print(`[${demo.protocol}] ${line}`);
  try {
    await demo.run(sim, log, () => {
      log('alice says "hello bot" in the group');
      sim.world.userSends({ from: ALICE, group: GROUP, text: 'hello bot' });
    });
    log('done');
  } finally {
    await sim.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const timer = setTimeout(() => {
    console.error('demo: timed out after 50 s');
    process.exit(1);
  }, 50_000);
  timer.unref();
  try {
    for (const demo of DEMOS) await runDemo(demo);
    await runQqOfficialBot();
  } catch (e) {
    console.error('demo failed:', e);
    process.exitCode = 1;
  }
}
