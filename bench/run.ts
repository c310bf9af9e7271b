/** `npm run bench`: every benchmark, side by side with the named peer, in one run. */
import { benchValidators } from './validate.js';

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

console.log(`node ${process.version}, ${(await import('node:os')).cpus().length} cores\n`);
console.log('## send_group_message, 10 segments: validator ops/s\n');
const v = await benchValidators();
console.log(row(['case', 'qqwire', '@saltify/milky-types (zod)', 'ratio']));
console.log(row(['---', '---:', '---:', '---:']));
for (const kind of ['valid', 'invalid']) {
  const ours = v[`qqwire (ajv standalone) ${kind}`]!;
  const peer = v[`@saltify/milky-types (zod) ${kind}`]!;
  console.log(row([kind, fmt(ours), fmt(peer), `${(ours / peer).toFixed(1)}×`]));
}

console.log('\n## WebSocket RPC: generated OneBot 11 client vs a bare `ws` echo loop\n');
await import('./ws.js');

console.log('\n## QQ official event receivers vs the raw parse of the same traffic\n');
await import('./qq-events.js');
