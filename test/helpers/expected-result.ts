/**
 * The test oracle for result decoding, written from the JSON Schemas of protocol.json (not from the
 * runtime's decode plans): what a client must deliver for a wire value in each int64 mode, and sample
 * results with unknown union variants added so that "unknown is kept" is exercised too.
 */
type Schema = Record<string, unknown>;
type Defs = Record<string, Schema>;
export type Int64Mode = 'number' | 'bigint' | 'string';

/** An object with this tag is not a variant of any schema: open unions must keep it. */
export const PROBE_TAG = 'qqwire_probe';

function resolve(schema: Schema, defs: Defs): Schema {
  let s = schema;
  for (let i = 0; i < 20 && typeof s['$ref'] === 'string'; i++) {
    s = defs[(s['$ref'] as string).replace(/^.*#\/\$defs\//, '')] ?? {};
  }
  return s;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

interface Union {
  tag: string;
  keep: boolean;
  variants: Map<unknown, Schema>;
}

function unionOf(s: Schema, defs: Defs): Union | undefined {
  const disc = s['discriminator'] as { propertyName: string } | undefined;
  if (!disc || !Array.isArray(s['oneOf'])) return undefined;
  const variants = new Map<unknown, Schema>();
  for (const alt of s['oneOf'] as Schema[]) {
    const v = resolve(alt, defs);
    const tag = ((v['properties'] as Record<string, Schema> | undefined)?.[disc.propertyName] ?? {})['const'];
    variants.set(tag, v);
  }
  return { tag: disc.propertyName, keep: s['x-unknown'] === 'keep', variants };
}

/** Of untagged alternatives, the one whose shape fits the value (an object needs its required keys). */
function pickAlternative(alternatives: Schema[], value: unknown, defs: Defs): Schema | undefined {
  return alternatives
    .map((a) => resolve(a, defs))
    .find((a) => {
      const types = ([] as unknown[]).concat(a['type'] ?? (a['properties'] ? 'object' : a['discriminator'] ? 'object' : []));
      if (Array.isArray(value)) return types.includes('array');
      if (isRecord(value)) return types.includes('object') && ((a['required'] ?? []) as string[]).every((k) => k in value);
      if (value === null) return types.includes('null');
      if (typeof value === 'number') return types.includes('number') || (Number.isInteger(value) && types.includes('integer'));
      return types.includes(typeof value);
    });
}

/** What the client delivers for the wire value `value` of `schema` in int64 mode `mode`. */
export function expectedDecoded(schema: Schema | null | undefined, value: unknown, defs: Defs, mode: Int64Mode): unknown {
  if (!schema || value === null || value === undefined) return value;
  const s = resolve(schema, defs);
  const union = unionOf(s, defs);
  if (union && isRecord(value)) {
    const variant = union.variants.get(value[union.tag]);
    if (!variant) return union.keep ? { [union.tag]: 'unknown', raw: value } : value;
    return expectedDecoded(variant, value, defs, mode);
  }
  const alternatives = (s['oneOf'] ?? s['anyOf']) as Schema[] | undefined;
  if (alternatives && !s['properties']) {
    const alt = pickAlternative(alternatives, value, defs);
    return alt ? expectedDecoded(alt, value, defs, mode) : value;
  }
  if (s['format'] === 'int64' && typeof value === 'number') {
    return mode === 'bigint' ? BigInt(value) : mode === 'string' ? String(value) : value;
  }
  if (Array.isArray(value)) return value.map((item) => expectedDecoded((s['items'] ?? {}) as Schema, item, defs, mode));
  if (isRecord(value)) {
    const props = (s['properties'] ?? {}) as Record<string, Schema>;
    const extra = isRecord(s['additionalProperties']) ? (s['additionalProperties'] as Schema) : undefined;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expectedDecoded(props[k] ?? extra, v, defs, mode)]));
  }
  return value;
}

/**
 * A copy of `value` where every array of an open (`x-unknown: keep`) union gets one more element whose
 * tag no schema knows, so the decoder's "keep the unknown variant" path runs for every such result.
 */
export function withUnknownVariants(schema: Schema | null | undefined, value: unknown, defs: Defs): unknown {
  if (!schema || value === null || value === undefined) return value;
  const s = resolve(schema, defs);
  const union = unionOf(s, defs);
  if (union && isRecord(value)) {
    const variant = union.variants.get(value[union.tag]);
    return variant ? withUnknownVariants(variant, value, defs) : value;
  }
  const alternatives = (s['oneOf'] ?? s['anyOf']) as Schema[] | undefined;
  if (alternatives && !s['properties']) {
    const alt = pickAlternative(alternatives, value, defs);
    return alt ? withUnknownVariants(alt, value, defs) : value;
  }
  if (Array.isArray(value)) {
    const items = resolve((s['items'] ?? {}) as Schema, defs);
    const out = value.map((item) => withUnknownVariants(items, item, defs));
    const itemUnion = unionOf(items, defs);
    if (itemUnion?.keep) out.push({ [itemUnion.tag]: PROBE_TAG, data: { note: 'kept as sent' } });
    return out;
  }
  if (isRecord(value)) {
    const props = (s['properties'] ?? {}) as Record<string, Schema>;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withUnknownVariants(props[k], v, defs)]));
  }
  return value;
}
