// npm pack of @qqwire/generator: the compiled generator, its templates and the meta-schema, laid out
// the way the repository has them (dist/generator/*.js finds templates/ and schemas/ two levels up).
import { cpSync, existsSync, rmSync } from 'node:fs';
import process from 'node:process';

const root = new URL('../', import.meta.url);
const here = new URL('./', import.meta.url);
const copies = ['dist', 'templates', 'schemas', 'LICENSE'];
for (const name of copies) rmSync(new URL(name, here), { recursive: true, force: true });
if (process.argv.includes('--clean')) process.exit(0); // postpack: the repository keeps one copy of each

if (!existsSync(new URL('dist/generator/cli.js', root))) throw new Error('run `npm run build` at the repository root first');
cpSync(new URL('dist/generator/', root), new URL('dist/generator/', here), { recursive: true, filter: (f) => !f.endsWith('.d.ts') });
cpSync(new URL('templates/', root), new URL('templates/', here), { recursive: true });
cpSync(new URL('schemas/qqwire.schema.json', root), new URL('schemas/qqwire.schema.json', here));
cpSync(new URL('LICENSE', root), new URL('LICENSE', here));
