/**
 * Fits a candidate value to a schema: keeps the properties the schema declares, fills the required
 * ones the candidate lacks with a sample, drops the rest. A front end builds one superset candidate
 * (e.g. a message with every field any OneBot 11 dialect names) and each protocol.json picks its own
 * shape, so dialects differ only by their schemas, not by code.
 */
import { resolve, sample, type Schema } from './sample.js';

export function fit(schema: Schema | null | undefined, defs: Record<string, Schema>, candidate: unknown, depth = 0): unknown {
  if (!schema || depth > 20) return candidate;
  const s = resolve(schema, defs);
  if (candidate === undefined) return sample(s, defs);
  if (s['properties'] && isObject(candidate)) {
    const props = s['properties'] as Record<string, Schema>;
    const required = new Set((s['required'] ?? []) as string[]);
    const out: Record<string, unknown> = {};
    for (const [key, sub] of Object.entries(props)) {
      if (candidate[key] !== undefined) out[key] = fit(sub, defs, candidate[key], depth + 1);
      else if (required.has(key)) out[key] = sample(sub, defs);
    }
    return out;
  }
  if (s['type'] === 'array' && Array.isArray(candidate)) return candidate.map((c) => fit(s['items'] as Schema, defs, c, depth + 1));
  return candidate;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
