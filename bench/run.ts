/**
 * `npm run bench [-- --readme]`: every case side by side with its peer in one run, interleaved
 * rounds, median and spread; prints the machine and a Markdown table, writes bench/results.json,
 * and with --readme puts the table into README.md's Performance section.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, repoRoot } from './cases.js';
import { BUDGET, measure, type CaseResult } from './measure.js';
import { markdown } from './report.js';
import { machine } from './stats.js';

const started = performance.now();
const m = machine();
console.log(`${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, node ${m.node} (${m.platform}); ${BUDGET.full.rounds} interleaved rounds\n`);
const f = await fixture('full');
const results: CaseResult[] = [];
try {
  for (const c of f.cases) {
    process.stderr.write(`  ${c.title} …\n`);
    results.push(await measure(c, BUDGET.full));
  }
} finally {
  await f.close();
}
const table = markdown(results);
console.log(table);
const seconds = (performance.now() - started) / 1000;
console.log(`\n(${seconds.toFixed(0)} s)`);
writeFileSync(join(repoRoot, 'bench/results.json'), `${JSON.stringify({ date: new Date().toISOString(), machine: m, results }, null, 2)}\n`);

if (process.argv.includes('--readme')) {
  const readme = join(repoRoot, 'README.md');
  const text = readFileSync(readme, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const at = text.indexOf(start);
  const to = text.indexOf(end);
  if (at < 0 || to < 0) throw new Error(`README.md has no ${start} … ${end} section`);
  const body = `\n${m.cpu}, ${m.cores} cores, node ${m.node}, ${new Date().toISOString().slice(0, 10)}:\n\n${table}\n`;
  writeFileSync(readme, text.slice(0, at + start.length) + body + text.slice(to));
}

// The event receivers (their own tables): each against the raw parse of the same traffic.
console.log('\n## Event receivers vs the raw parse of the same stream\n');
const { benchEvents } = await import('./events.js');
console.log('| delivery | events | events/s (receiver + hub) | raw parse events/s | share |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const r of await benchEvents(20_000)) {
  console.log(`| ${r.delivery} | ${r.events} | ${Math.round(r.perSecond)} | ${Math.round(r.rawPerSecond)} | ${((r.perSecond / r.rawPerSecond) * 100).toFixed(1)}% |`);
}
console.log('\n## QQ official event receivers vs the raw parse of the same traffic\n');
await import('./qq-events.js');
