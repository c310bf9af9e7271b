/**
 * `npm run test:conformance [-- --dir DIR]`: the checks against material outside the project (seed
 * documents, third-party fixtures), default ../shared. Runs every test/conformance/*.conformance.js.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { dir: { type: 'string', default: '../shared' } } });
const dir = resolve(values.dir);
if (!existsSync(dir)) {
  console.error(`test:conformance: ${dir} does not exist; pass the conformance material with --dir DIR`);
  process.exit(2);
}
const here = fileURLToPath(new URL('.', import.meta.url));
const files = readdirSync(here).filter((f) => f.endsWith('.conformance.js')).sort().map((f) => resolve(here, f));
const run = spawnSync(process.execPath, ['--test', ...files], { stdio: 'inherit', env: { ...process.env, QQWIRE_CONFORMANCE_DIR: dir } });
process.exit(run.status ?? 1);
