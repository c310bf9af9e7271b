/** The bench results as a Markdown table: each row's sides with medians, spreads and ratios. */
import type { CaseResult } from './measure.js';
import { spread } from './stats.js';

const num = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function cell(r: CaseResult['sides'][number]): string {
  const v = r.value;
  const main = r.unit === 'ns/op' ? `${num(v.median / 1000, 2)} µs` : r.unit === 'calls/s' ? `${num(v.median)}/s` : r.unit === 'ms' ? `${num(v.median)} ms` : r.unit === 'B' ? `${num(v.median / 1024, 1)} KiB` : `${num(v.median)} ${r.unit}`;
  const cpu = r.cpuPerCall ? `, ${num(r.cpuPerCall.median, 1)} µs CPU/call` : '';
  return `${r.label}: ${main}${v.rounds > 1 ? ` ${spread(v)}` : ''}${cpu}`;
}

/** qqwire relative to each other side: speed ratio (>1 is faster), or difference over a baseline. */
function ratio(c: CaseResult): string {
  const [ours, ...peers] = c.sides;
  if (!ours || !peers.length) return '';
  if (c.id === 'cold-import') {
    const bare = c.sides.find((s) => s.label === 'bare node')!.value.median;
    return c.sides
      .filter((s) => s.label !== 'bare node')
      .map((s) => `${s.label} +${num(s.value.median - bare)} ms`)
      .join('; ');
  }
  if (ours.unit === 'ms' || ours.unit === 'B') return '';
  return peers
    .map((p) => {
      const x = ours.unit === 'ns/op' ? p.value.median / ours.value.median : ours.value.median / p.value.median;
      return `${num(x, 2)}× ${p.label}`;
    })
    .join('; ');
}

export function markdown(results: CaseResult[]): string {
  const lines = ['| case | measured (median, ± half the range over rounds) | qqwire vs peer | goal |', '|---|---|---|---|'];
  for (const c of results) lines.push(`| ${c.title} | ${c.sides.map(cell).join('<br>')} | ${ratio(c)} | ${c.goal} |`);
  return lines.join('\n');
}
