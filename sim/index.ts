/**
 * `startSimulator({ protocol, port, token, world, faults })`: a local, stateful QQ world behind one
 * protocol's front end, over real sockets. Several simulators can share one `World`.
 *
 *   const sim = await startSimulator({ protocol: 'milky', token: 't' });
 *   const client = createMilkyClient({ baseUrl: sim.baseUrl, accessToken: sim.token });
 *   sim.world.userSends({ from: 20002000, group: 30001000, text: 'hello' });
 *   await sim.close();
 */
import { World } from './world.js';
import type { FrontEndFactory, SimProtocol, Simulator, SimulatorOptions } from './types.js';

export { World, DEFAULT_WORLD } from './world.js';
export type * from './world.js';
export type * from './types.js';

/** Front ends by protocol; the loaders keep an unused front end (and its deps) unloaded. */
const FRONT_ENDS: Record<string, () => Promise<FrontEndFactory>> = {
  milky: async () => (await import('./front/milky.js')).startMilky,
  onebot11: async () => (await import('./front/onebot11.js')).startOneBot11,
  gocqhttp: async () => (await import('./front/onebot11.js')).startOneBot11,
  shamrock: async () => (await import('./front/onebot11.js')).startOneBot11,
  onebot12: async () => (await import('./front/onebot12.js')).startOneBot12,
  'qq-official': async () => (await import('./front/qq-official.js')).startQqOfficialFrontEnd,
};

/** Lets a front end living elsewhere (e.g. QQ official) register itself. */
export function registerFrontEnd(protocol: SimProtocol, load: () => Promise<FrontEndFactory>): void {
  FRONT_ENDS[protocol] = load;
}

export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const load = FRONT_ENDS[options.protocol];
  if (!load) throw new TypeError(`qqwire sim: no simulator for protocol "${options.protocol}" (have: ${Object.keys(FRONT_ENDS).join(', ')})`);
  const world = options.world instanceof World ? options.world : new World(options.world, options.seed ?? 1);
  const front = await (await load())({ world, options });
  const first = Object.values(front.urls)[0] ?? '';
  return {
    protocol: options.protocol,
    world,
    urls: front.urls,
    baseUrl: new URL(first).origin.replace(/^ws/, 'http'),
    token: options.token,
    flush: () => front.flush(),
    close: () => front.close(),
  };
}
