/**
 * `qqwire generate [--schemas DIR] [--out DIR] [--check] [--watch] [--verbose]`
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cachedRun, defaultTemplatesDir, recordRun, type FingerprintInputs } from './fingerprint.js';
import type { GenerateOptions } from './generate.js';

const USAGE = `usage: qqwire generate [--schemas DIR] [--out DIR] [--check] [--watch] [--verbose]

  --schemas DIR  protocol schema folders (default: ./schemas)
  --out DIR      output folder (default: ./generated)
  --check        write nothing; exit 1 if the output is stale
  --watch        regenerate when a schema changes
  --verbose      print per-stage timings
  --version      print the qqwire version`;

/** A usage mistake: one line, a hint, exit 2 (never a stack trace). */
class UsageError extends Error {}


/** Nothing changed since the last run: report it without loading the generator. */
function reportCached(inputs: FingerprintInputs, check: boolean, start: number): boolean {
  const hit = cachedRun(inputs);
  if (!hit) return false;
  const total = (performance.now() - start).toFixed(0);
  if (check) console.log(`generated output is up to date (${hit.protocols} protocols, ${total} ms)`);
  else console.log(`qqwire: ${hit.protocols} protocols, 0 written, ${hit.files} unchanged, 0 removed (${total} ms)`);
  return true;
}

async function run(options: GenerateOptions, check: boolean, verbose: boolean, useCache = true): Promise<boolean> {
  const timings: [string, number][] = [];
  const start = performance.now();
  const inputs: FingerprintInputs = { schemasDir: options.schemasDir, outDir: options.outDir, templatesDir: defaultTemplatesDir() };
  if (useCache && !verbose && reportCached(inputs, check, start)) return true;
  // Imported only when there is work to do: these pull in ts-morph, ajv, yaml and handlebars.
  const [{ generate }, { SchemaErrors }] = await Promise.all([import('./generate.js'), import('./errors.js')]);
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
      recordRun(inputs, result.protocols.length, result.unchanged.length);
      return true;
    }
    console.log(
      `qqwire: ${result.protocols.length} protocols, ${result.written.length} written, ${result.unchanged.length} unchanged, ${result.removed.length} removed (${total} ms)`,
    );
    recordRun(inputs, result.protocols.length, result.written.length + result.unchanged.length);
    return true;
  } catch (error) {
    if (error instanceof SchemaErrors) {
      console.error(error.message);
      return false;
    }
    throw error;
  }
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        schemas: { type: 'string', default: 'schemas' },
        out: { type: 'string', default: 'generated' },
        check: { type: 'boolean', default: false },
        watch: { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
        version: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    const message = (error as Error).message;
    const unknown = /^Unknown option '([^']+)'/.exec(message);
    throw new UsageError(unknown ? `unknown option ${unknown[1]}` : message.split('\n')[0]!);
  }
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.version) {
    // Only here: generate.js pulls in ts-morph, ajv, yaml and handlebars.
    const { generatorVersion } = await import('./generate.js');
    console.log(generatorVersion());
    return 0;
  }
  if (values.help || positionals[0] !== 'generate') {
    if (!values.help && positionals[0] !== undefined) console.error(`qqwire: unknown command "${positionals[0]}"`);
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
  const options: GenerateOptions = { schemasDir: resolve(values.schemas), outDir: resolve(values.out) };
  if (!existsSync(options.schemasDir) || !statSync(options.schemasDir).isDirectory()) {
    throw new UsageError(`no schema folder at ${options.schemasDir} (run in a folder with ./schemas, or pass --schemas DIR)`);
  }
  const ok = await run(options, values.check, values.verbose, !values.watch);
  if (!values.watch) return ok ? 0 : 1;

  void watchSchemas(options, values.verbose);
  return -1;
}

/**
 * Regenerates on every schema change. chokidar follows a file through atomic (rename) saves, as vim,
 * `sed -i` and JetBrains safe-write do, where `fs.watch` loses it after the first one.
 */
async function watchSchemas(options: GenerateOptions, verbose: boolean): Promise<void> {
  const { watch } = await import('chokidar');
  // Debounce bursts of editor writes; if a change lands during a run, run once more afterwards.
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;
  const trigger = async () => {
    if (running) return void (again = true);
    running = true;
    do {
      again = false;
      await run(options, false, verbose, false);
    } while (again);
    running = false;
  };
  const watcher = watch(options.schemasDir, { ignoreInitial: true, atomic: true });
  watcher.on('all', () => {
    clearTimeout(timer);
    timer = setTimeout(() => void trigger(), 100);
  });
  await new Promise<void>((resolveReady) => watcher.once('ready', () => resolveReady()));
  console.log(`watching ${options.schemasDir}`);
}

async function exitCode(argv: string[]): Promise<number> {
  try {
    return await main(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`qqwire: ${error.message}\nrun \`qqwire --help\` for usage`);
    return 2;
  }
}

const code = await exitCode(process.argv.slice(2));
if (code >= 0) process.exitCode = code;
