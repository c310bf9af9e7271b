/**
 * Small valid instances from the JSON Schemas in generated/<protocol>/protocol.json: what an action
 * without a world-backed handler answers. Required properties only, the first alternative (an object
 * one preferred), one array item while shallow.
 */
export type Schema = Record<string, unknown>;

export function resolve(schema: Schema, defs: Record<string, Schema>): Schema {
  let s = schema;
  for (let i = 0; i < 20 && typeof s['$ref'] === 'string'; i++) {
    const name = (s['$ref'] as string).replace(/^.*#\/\$defs\//, '');
    const target = defs[name];
    if (!target) throw new Error(`unresolved $ref ${String(s['$ref'])}`);
    s = target;
  }
  return s;
}

/** A minimal instance: required properties only, the first alternative, one array item (while shallow). */
export function sample(schema: Schema | boolean | null | undefined, defs: Record<string, Schema>, depth = 0): unknown {
  if (schema === null || schema === undefined || typeof schema === 'boolean') return {};
  if (depth > 12) throw new Error('schema too deep for a sample');
  const s = resolve(schema, defs);
  if ('const' in s) return s['const'];
  // Bytes (a multipart file part): every byte value that breaks a text round trip.
  if (s['format'] === 'binary') return new Uint8Array([0, 0xff, 0x0d, 0x0a, 0x2d, 0x2d, 0x80]);
  if (Array.isArray(s['enum'])) return s['enum'][0];
  if (Array.isArray(s['examples']) && s['examples'].length && typeof s['examples'][0] !== 'object') return s['examples'][0];
  const alternatives = (s['oneOf'] ?? s['anyOf']) as Schema[] | undefined;
  if (alternatives && !s['properties']) {
    // Prefer an object/array alternative: it exercises decoding more than a plain string.
    const pick = alternatives.find((a) => resolve(a, defs)['type'] === 'object' || resolve(a, defs)['discriminator']) ?? alternatives[0]!;
    return sample(pick, defs, depth + 1);
  }
  let type = s['type'];
  if (Array.isArray(type)) type = type.find((t) => t !== 'null') ?? 'null';
  if (type === undefined && s['properties']) type = 'object';
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const props = (s['properties'] ?? {}) as Record<string, Schema>;
      for (const key of (s['required'] ?? []) as string[]) out[key] = sample(props[key] ?? {}, defs, depth + 1);
      return out;
    }
    case 'array': {
      const n = Math.max(Number(s['minItems'] ?? 0), depth < 6 ? 1 : 0);
      return Array.from({ length: n }, () => sample((s['items'] ?? {}) as Schema, defs, depth + 1));
    }
    case 'integer':
      return typeof s['minimum'] === 'number' ? s['minimum'] : 10086;
    case 'number':
      return typeof s['minimum'] === 'number' ? s['minimum'] : 1.5;
    case 'string':
      return 'x'.repeat(Math.max(1, Number(s['minLength'] ?? 1)));
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return {};
  }
}
