/**
 * Runs bench cases in interleaved rounds (every side once per round, the order alternating), so a
 * slow phase of the machine hits all sides alike; reports median and spread per side.
 */
import { spawnSync } from 'node:child_process';
import type { Case, Size } from './cases.js';
import { cpuMicros, stat, type Stat } from './stats.js';

export interface SideResult {
  label: string;
  /** micro: ns per op; load: calls/s; process: ms; value: the value. */
  value: Stat;
  unit: string;
  /** load: client CPU µs per call. */
  cpuPerCall?: Stat;
}

export interface CaseResult {
  id: string;
  title: string;
  goal: string;
  sides: SideResult[];
}

export interface Budget {
  rounds: number;
  /** Time per side per round for micro and load cases. */
  roundMs: number;
}

export const BUDGET: Record<Size, Budget> = { tiny: { rounds: 1, roundMs: 5 }, full: { rounds: 7, roundMs: 400 } };

function microRound(op: () => unknown, ms: number): number {
  // Calibrate a batch size that takes ~1 ms, then run batches until the round's time is up.
  let batch = 1;
  for (let t = 0; batch < 1e7; batch *= 2) {
    const start = performance.now();
    for (let i = 0; i < batch; i++) op();
    t = performance.now() - start;
    if (t > 1) break;
  }
  let ops = 0;
  const start = performance.now();
  const end = start + ms;
  while (performance.now() < end) {
    for (let i = 0; i < batch; i++) op();
    ops += batch;
  }
  return ((performance.now() - start) * 1e6) / ops;
}

async function loadRound(call: (i: number) => Promise<unknown>, concurrency: number, ms: number): Promise<{ rate: number; cpu: number }> {
  let done = 0;
  let i = 0;
  const cpu0 = cpuMicros();
  const start = performance.now();
  const end = start + ms;
  const worker = async () => {
    while (performance.now() < end) {
      await call(i++);
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - start) / 1000;
  return { rate: done / seconds, cpu: (cpuMicros() - cpu0) / done };
}

function processRound(side: { command: string[]; cwd?: string; before?: () => void }): number {
  side.before?.();
  const start = performance.now();
  const res = spawnSync(side.command[0]!, side.command.slice(1), { cwd: side.cwd, encoding: 'utf8' });
  const ms = performance.now() - start;
  if (res.status !== 0) throw new Error(`${side.command.join(' ')} exited with ${res.status}: ${res.stderr}`);
  return ms;
}

/** Rotates the sides by `round` so that no side always goes first. */
function rotate<T>(items: T[], round: number): T[] {
  const k = round % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

export async function measure(c: Case, budget: Budget): Promise<CaseResult> {
  const samples = new Map<string, number[]>();
  const cpu = new Map<string, number[]>();
  const push = (m: Map<string, number[]>, k: string, v: number) => m.set(k, [...(m.get(k) ?? []), v]);
  let unit = '';
  if (c.kind === 'value') {
    const values = await c.values();
    return { id: c.id, title: c.title, goal: c.goal, sides: values.map((v) => ({ label: v.label, value: stat([v.value]), unit: v.unit })) };
  }
  if (c.kind === 'load') {
    // Warm up (JIT, connections) before the first measured round.
    for (const s of c.sides) await loadRound(s.call, c.concurrency, Math.min(200, budget.roundMs));
  }
  if (c.kind === 'micro') for (const s of c.sides) microRound(s.op, Math.min(100, budget.roundMs));
  for (let round = 0; round < budget.rounds; round++) {
    for (const s of rotate<{ label: string }>(c.sides, round)) {
      if (c.kind === 'micro') {
        unit = 'ns/op';
        push(samples, s.label, microRound((s as (typeof c.sides)[number]).op, budget.roundMs));
      } else if (c.kind === 'load') {
        unit = 'calls/s';
        const r = await loadRound((s as (typeof c.sides)[number]).call, c.concurrency, budget.roundMs * 2);
        push(samples, s.label, r.rate);
        push(cpu, s.label, r.cpu);
      } else {
        unit = 'ms';
        push(samples, s.label, processRound(s as (typeof c.sides)[number]));
      }
    }
  }
  return {
    id: c.id,
    title: c.title,
    goal: c.goal,
    sides: c.sides.map((s) => ({
      label: s.label,
      value: stat(samples.get(s.label)!),
      unit,
      ...(cpu.has(s.label) ? { cpuPerCall: stat(cpu.get(s.label)!) } : {}),
    })),
  };
}
