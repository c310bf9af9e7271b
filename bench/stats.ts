/** Medians and spreads of interleaved rounds, and the machine they ran on. */
import { cpus, totalmem } from 'node:os';

export interface Stat {
  median: number;
  /** Lowest and highest round. */
  min: number;
  max: number;
  rounds: number;
}

export function stat(samples: number[]): Stat {
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s[s.length - 1]!, rounds: s.length };
}

/** Spread as ± percent of the median (half the min–max range). */
export function spread(st: Stat): string {
  return st.median ? `±${(((st.max - st.min) / 2 / st.median) * 100).toFixed(0)}%` : '';
}

export function machine(): { cpu: string; cores: number; memoryGiB: number; node: string; platform: string } {
  const c = cpus();
  return { cpu: c[0]?.model.trim() ?? 'unknown', cores: c.length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: `${process.platform}-${process.arch}` };
}

/** CPU time (user + system) of this process, in microseconds. */
export function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}
