/**
 * `qqwire generate [--schemas DIR] [--out DIR] [--check] [--watch] [--verbose]`
 */
import { watch } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SchemaErrors } from './errors.js';
import { generate, type GenerateOptions } from './generate.js';

const USAGE = `usage: qqwire generate [--schemas DIR] [--out DIR] [--check] [--watch] [--verbose]

  --schemas DIR  protocol schema folders (default: ./schemas)
  --out DIR      output folder (default: ./generated)
  --check        write nothing; exit 1 if the output is stale
  --watch        regenerate when a schema changes
  --verbose      print per-stage timings`;

function run(options: GenerateOptions, check: boolean, verbose: boolean): boolean {
  const timings: [string, number][] = [];
  const start = performance.now();
  try {
    const result = generate({ ...options, check, onTiming: (stage, ms) => timings.push([stage, ms]) });
    if (verbose) for (const [stage, ms] of timings) console.log(`  ${stage.padEnd(28)} ${ms.toFixed(1)} ms`);
    const total = (performance.now() - start).toFixed(0);
    if (check) {
      const stale = [...result.written, ...result.removed];
      if (stale.length) {
        console.error(`generated output is stale (${stale.length} file(s)); run \`npm run generate\`:\n${stale.map((f) => `  ${f}`).join('\n')}`);
        return false;
      }
      console.log(`generated output is up to date (${result.protocols.length} protocols, ${total} ms)`);
      return true;
    }
    console.log(
      `qqwire: ${result.protocols.length} protocols, ${result.written.length} written, ${result.unchanged.length} unchanged, ${result.removed.length} removed (${total} ms)`,
    );
    return true;
  } catch (error) {
    if (error instanceof SchemaErrors) {
      console.error(error.message);
      return false;
    }
    throw error;
  }
}

function main(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      schemas: { type: 'string', default: 'schemas' },
      out: { type: 'string', default: 'generated' },
      check: { type: 'boolean', default: false },
      watch: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || positionals[0] !== 'generate') {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const options: GenerateOptions = { schemasDir: resolve(values.schemas), outDir: resolve(values.out) };
  const ok = run(options, values.check, values.verbose);
  if (!values.watch) return ok ? 0 : 1;

  // Debounce bursts of editor writes; if a change lands during a run, run once more afterwards.
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;
  const trigger = () => {
    if (running) return void (again = true);
    running = true;
    do {
      again = false;
      run(options, false, values.verbose);
    } while (again);
    running = false;
  };
  watch(options.schemasDir, { recursive: true }, () => {
    clearTimeout(timer);
    timer = setTimeout(trigger, 100);
  });
  console.log(`watching ${options.schemasDir}`);
  return -1;
}

const code = main(process.argv.slice(2));
if (code >= 0) process.exitCode = code;
