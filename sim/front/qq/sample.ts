/**
 * Small valid instances of a JSON Schema from generated/<protocol>/protocol.json: the answer of an
 * action the world does not model. Required properties only, the first alternative, one array item.
 */
export type Schema = Record<string, unknown>;

function resolve(schema: Schema, defs: Record<string, Schema>): Schema {
  let s = schema;
  for (let i = 0; i < 20 && typeof s['$ref'] === 'string'; i++) {
    const target = defs[(s['$ref'] as string).replace(/^.*#\/\$defs\//, '')];
    if (!target) throw new Error(`unresolved $ref ${String(s['$ref'])}`);
    s = target;
  }
  return s;
}

/** The schema with its `$ref` chain followed. */
export function resolveSchema(schema: Schema, defs: Record<string, Schema>): Schema {
  return resolve(schema, defs);
}

export function sample(schema: Schema | boolean | null | undefined, defs: Record<string, Schema>, depth = 0): unknown {
  if (schema === null || schema === undefined || typeof schema === 'boolean') return {};
  if (depth > 12) throw new Error('schema too deep for a sample');
  const s = resolve(schema, defs);
  if ('const' in s) return s['const'];
  if (Array.isArray(s['enum'])) return s['enum'][0];
  if (Array.isArray(s['examples']) && s['examples'].length && typeof s['examples'][0] !== 'object') return s['examples'][0];
  const alternatives = (s['oneOf'] ?? s['anyOf']) as Schema[] | undefined;
  if (alternatives && !s['properties']) return sample(alternatives[0]!, defs, depth + 1);
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
    case 'number':
      return typeof s['minimum'] === 'number' ? s['minimum'] : 1;
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
