#!/usr/bin/env node
// `qqwire generate`: the generator is its own package (@qqwire/generator), so that a bot that only
// uses generated clients does not install ts-morph, TypeScript, ajv, handlebars and yaml.
if (process.argv[2] === 'sim') {
  // `qqwire sim <protocol>`: the embedded simulator (runtime dependencies only).
  const { main } = await import('../dist/sim/cli.js');
  await main(process.argv.slice(3));
  // Keeps running until SIGINT/SIGTERM; the rest of this file is `qqwire generate`.
} else {
  await generate();
}

async function generate() {
  const candidates = [
    new URL('../dist/generator/cli.js', import.meta.url).href, // a checkout of the repository
    '@qqwire/generator/cli',
  ];
  let loaded = false;
  for (const specifier of candidates) {
    try {
      await import(specifier);
      loaded = true;
      break;
    } catch (error) {
      const missing = error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes(specifier.startsWith('file:') ? 'dist/generator/cli.js' : "'@qqwire/generator'");
      if (!missing) throw error;
    }
  }
  if (!loaded) {
    console.error('qqwire generate needs the generator package, which is installed separately:\n  npm install --save-dev @qqwire/generator');
    process.exitCode = 1;
  }
}
