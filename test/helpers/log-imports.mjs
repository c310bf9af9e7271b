// `node --import <this file>`: prints every module specifier that gets resolved to stderr as
// `qqwire-import <specifier>`, so a test can see what importing an entry loads.
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(
      'export async function resolve(s, c, next) { process.stderr.write(`qqwire-import ${s}\\n`); return next(s, c); }',
    ),
);
