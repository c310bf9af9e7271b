/** Shared setup of the QQ official simulator tests: a simulator, a generated client pointed at it, an event recorder. */
import { createQqOfficialClient, protocol, type QqOfficialClient } from 'qqwire/qq-official';
import { qqOfficialOptions, type QqOfficialOptions } from '../../runtime/qq-official.js';
import { startQqOfficialSimulator, type QqOfficialSimulator, type QqOfficialSimulatorOptions } from '../../sim/front/qq-official.js';

export const ALICE = 'E4F4AEA33253A2797FB897C50B81D7ED';
export const GROUP = 'C9F778FE6ADF9D1D1DBE395BF744A33A';
export const GUILD = '9014327621580938531';
export const CHANNEL = '1423007';

/** A clock the test moves by hand (reply windows, token expiry) — never a wait. */
export function manualClock(start = Date.UTC(2026, 0, 1)) {
  const clock = { t: start, now: () => clock.t, advance: (ms: number) => void (clock.t += ms) };
  return clock;
}

export async function simAndClient(options: QqOfficialSimulatorOptions = {}, clientExtra: Partial<QqOfficialOptions> = {}): Promise<{ sim: QqOfficialSimulator; client: QqOfficialClient; options: ReturnType<typeof qqOfficialOptions> }> {
  const sim = await startQqOfficialSimulator(options);
  const opts = qqOfficialOptions({ protocol, appId: sim.appId, clientSecret: sim.clientSecret, baseUrl: sim.baseUrl, tokenUrl: sim.tokenUrl, ...clientExtra });
  const client = createQqOfficialClient({ ...opts, validate: { params: 'throw', result: 'throw' } });
  return { sim, client, options: opts };
}

export { Recorder } from './event-recorder.js';
