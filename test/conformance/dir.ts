/**
 * Where the conformance material lives: `npm run test:conformance -- --dir DIR` passes it in
 * QQWIRE_CONFORMANCE_DIR (default ../shared beside the clone). `npm test` never reads it.
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

function conformanceDir(): string {
  const dir = process.env['QQWIRE_CONFORMANCE_DIR'];
  if (!dir) throw new Error('QQWIRE_CONFORMANCE_DIR is not set: run these through `npm run test:conformance`');
  return dir;
}

/** A file or folder inside the conformance directory (folders end in `/`). */
export function conformanceUrl(path: string): URL {
  return new URL(path, pathToFileURL(resolve(conformanceDir()) + '/'));
}
