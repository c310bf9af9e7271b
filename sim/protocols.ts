/** Loads a protocol's generated descriptor (validators) and protocol.json (facts) at run time. */
import { createRequire } from 'node:module';
import type { ProtocolDescriptor } from '../runtime/transport.js';
import type { Schema } from './sample.js';

const require = createRequire(import.meta.url);

export interface ProtocolJson {
  protocol: Record<string, unknown> & { name: string; retcodes?: { code: number; name: string }[] };
  actions: Record<string, { params?: Schema | null; result?: Schema | null; 'variant-of'?: { action: string }; 'alias-of'?: string }>;
  events?: Record<string, { type: string; schema: Schema }>;
  $defs: Record<string, Schema>;
}

export function protocolJson(name: string): ProtocolJson {
  return require(`qqwire/${name}/protocol.json`) as ProtocolJson;
}

export async function descriptor(name: string): Promise<ProtocolDescriptor> {
  const mod = (await import(`qqwire/${name}`)) as { protocol: ProtocolDescriptor };
  return mod.protocol;
}
