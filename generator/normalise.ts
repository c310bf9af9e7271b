/**
 * Raw resolved schema JSON (refs already `#/types/X`) → the typed node union of node.ts. This is the
 * only place that reads schema keywords; a shape the format cannot express consistently is reported
 * here, at its JSON pointer, and never reaches an emitter half-supported.
 */
import type { Checks, Doc, Literal, Node, Prop, ScalarType } from './node.js';
import { nearest } from './suggest.js';

export type Raw = { [key: string]: unknown };
export type Report = (pointer: string, detail: string) => void;

const REF = /^#\/types\/([A-Za-z0-9]+)$/;

const DOC_KEYS = new Set(['title', 'description', 'examples', 'default', 'deprecated', 'readOnly', 'writeOnly', '$comment']);
const X_DOC = new Set(['x-description-en', 'x-since', 'x-removed-in', 'x-unit', 'x-divergence', 'x-in']);
/** `x-` keys that change the node itself, not its docs. */
const STRUCTURAL_X = new Set(['x-unknown', 'x-int64']);
const SCALAR_CHECKS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minLength', 'maxLength', 'pattern'];
const OBJECT_CHECKS = ['minProperties', 'maxProperties'];
const ARRAY_CHECKS = ['minItems', 'maxItems', 'uniqueItems'];

function isRaw(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function esc(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function docOf(raw: Raw): Doc {
  const doc: Doc = { extra: {} };
  const str = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string) : undefined);
  doc.title = str('title');
  doc.description = str('description');
  doc.descriptionEn = str('x-description-en');
  doc.unit = raw['x-unit'] as Doc['unit'];
  doc.since = str('x-since');
  doc.removedIn = str('x-removed-in');
  doc.divergence = str('x-divergence');
  doc.in = raw['x-in'] as Doc['in'];
  if (raw['deprecated'] === true) doc.deprecated = true;
  if (raw['readOnly'] === true) doc.readOnly = true;
  if (raw['writeOnly'] === true) doc.writeOnly = true;
  if ('default' in raw) doc.default = { value: raw['default'] };
  if (Array.isArray(raw['examples'])) doc.examples = raw['examples'];
  for (const [k, v] of Object.entries(raw)) if (k.startsWith('x-') && !X_DOC.has(k) && !STRUCTURAL_X.has(k)) doc.extra[k] = v;
  for (const k of Object.keys(doc) as (keyof Doc)[]) if (doc[k] === undefined) delete doc[k];
  return doc;
}

function pick(raw: Raw, keys: readonly string[]): Checks {
  const out: Checks = {};
  for (const k of keys) if (raw[k] !== undefined) out[k] = raw[k];
  return out;
}

/** Structural and check keywords each kind consumes; anything else is reported as not applicable. */
const CONSUMES: Record<string, readonly string[]> = {
  ref: ['$ref'],
  union: ['discriminator', 'oneOf', 'x-unknown', 'type'],
  literal: ['const', 'enum', 'type'],
  alt: ['oneOf', 'anyOf', 'type'],
  object: ['type', 'properties', 'required', 'additionalProperties', ...OBJECT_CHECKS],
  array: ['type', 'items', 'prefixItems', ...ARRAY_CHECKS],
  scalar: ['type', 'format', ...SCALAR_CHECKS],
  binary: ['format', 'contentMediaType', 'type'],
  any: [],
};

function kindOf(raw: Raw, types: string[]): string {
  if ('$ref' in raw) return 'ref';
  if (raw['format'] === 'binary') return 'binary';
  if ('discriminator' in raw) return 'union';
  if ('const' in raw || 'enum' in raw) return 'literal';
  if ('oneOf' in raw || 'anyOf' in raw) return 'alt';
  const structural = types.filter((t) => t !== 'null');
  if (structural.includes('object') || (!structural.length && ('properties' in raw || 'additionalProperties' in raw || 'required' in raw))) return 'object';
  if (structural.includes('array') || (!structural.length && ('items' in raw || 'prefixItems' in raw))) return 'array';
  return types.length ? 'scalar' : 'any';
}

/** What every node builder receives: the raw schema, where it is, its `type` list and the common fields. */
interface In {
  raw: Raw;
  pointer: string;
  report: Report;
  types: string[];
  /** `types` without `null`. */
  structural: string[];
  nullable: boolean;
  common: (checks?: Checks) => { pointer: string; doc: Doc; nullable: boolean; checks: Checks };
}

const BUILD: Record<string, (x: In) => Node> = {
  ref: ({ raw, common }) => ({ kind: 'ref', name: REF.exec(String(raw['$ref']))?.[1] ?? '', ...common(), nullable: false }),
  union: unionNode,
  literal: literalNode,
  alt: ({ raw, pointer, report, types, common }) => {
    if ('oneOf' in raw && 'anyOf' in raw) report(`${pointer}/anyOf`, 'use either `oneOf` or `anyOf`, not both');
    const keyword = 'oneOf' in raw ? 'oneOf' : 'anyOf';
    const options = (raw[keyword] as unknown[]).map((o, i) => normalise(o, `${pointer}/${keyword}/${i}`, report));
    return { kind: 'alt', keyword, options, ...common(types.length ? { type: raw['type'] } : {}) };
  },
  object: (x) => {
    alone(x, 'object', 'an object');
    return objectNode(x.raw, x.pointer, x.report, x.common(pick(x.raw, OBJECT_CHECKS)));
  },
  array: (x) => {
    alone(x, 'array', 'an array');
    return arrayNode(x.raw, x.pointer, x.report, x.common(pick(x.raw, ARRAY_CHECKS)));
  },
  scalar: scalarNode,
  any: ({ common }) => ({ kind: 'any', ...common() }),
  binary: ({ raw, pointer, report, structural, common }) => {
    if (structural.some((t) => t !== 'string')) report(`${pointer}/type`, '`format: binary` is bytes: drop `type` (or use `type: string`)');
    const mediaType = typeof raw['contentMediaType'] === 'string' ? raw['contentMediaType'] : undefined;
    return { kind: 'binary', mediaType, ...common() };
  },
};

/** `object` and `array` cannot share a `type` list with other value types. */
function alone({ structural, pointer, report }: In, type: string, article: string): void {
  const others = structural.filter((t) => t !== type);
  if (others.length) report(`${pointer}/type`, `${article} cannot also be ${others.join(', ')}: use \`oneOf\``);
}

function unionNode({ raw, pointer, report, common }: In): Node {
  const oneOf = raw['oneOf'];
  if (!Array.isArray(oneOf)) report(`${pointer}/discriminator`, '`discriminator` needs `oneOf` of `$ref`s');
  const variants = (Array.isArray(oneOf) ? oneOf : []).flatMap((branch: unknown, i) => {
    const m = isRaw(branch) && Object.keys(branch).length === 1 ? REF.exec(String(branch['$ref'])) : null;
    if (!m) report(`${pointer}/oneOf/${i}`, 'each branch of a tagged union must be a `$ref` to a named type');
    return m ? [{ tag: '', type: m[1]! }] : [];
  });
  const unknown = raw['x-unknown'] === 'keep' || raw['x-unknown'] === 'skip' ? raw['x-unknown'] : 'reject';
  return { kind: 'union', tag: (raw['discriminator'] as { propertyName: string }).propertyName, variants, unknown, ...common() };
}

function literalNode({ raw, pointer, report, types, common }: In): Node {
  const values = ('const' in raw ? [raw['const']] : (raw['enum'] as unknown[])) as Literal[];
  values.forEach((v, i) => {
    if (v !== null && typeof v === 'object') report(`${pointer}/${'const' in raw ? 'const' : `enum/${i}`}`, 'a const/enum value must be a string, number, boolean or null');
  });
  if ('const' in raw && 'enum' in raw) report(`${pointer}/enum`, 'use either `const` or `enum`, not both');
  return { kind: 'literal', values, keyword: 'const' in raw ? 'const' : 'enum', types: types.length ? types : undefined, ...common(), nullable: false };
}

function scalarNode({ raw, pointer, report, structural, common }: In): Node {
  const types = structural as ScalarType[];
  const int64 = raw['format'] === 'int64' && types.includes('integer');
  if (raw['format'] === 'int64' && !int64) report(`${pointer}/format`, '`format: int64` needs `type: integer`');
  const format = typeof raw['format'] === 'string' ? raw['format'] : undefined;
  const opaque = int64 && raw['x-int64'] === 'opaque' ? true : undefined;
  return { kind: 'scalar', types, int64, opaque, format, ...common(pick(raw, SCALAR_CHECKS)) };
}

/** Keys that do not belong on the node's kind, and `x-` keys that need another kind. */
function checkKeys(raw: Raw, kind: string, pointer: string, report: Report): void {
  const stray = Object.keys(raw).filter((key) => !DOC_KEYS.has(key) && !key.startsWith('x-') && !CONSUMES[kind]!.includes(key));
  if (kind === 'ref' && stray.length) {
    // Emitters read a `$ref` node as the named type alone; a constraint beside it would be silently lost.
    report(pointer, `\`$ref\` cannot be combined with ${stray.join(', ')}: define a named type with the constraint instead`);
  } else {
    const what = kind === 'any' ? 'a schema without `type`' : `${['object', 'array', 'alt'].includes(kind) ? 'an' : 'a'} ${kind} schema`;
    for (const key of stray) report(`${pointer}/${esc(key)}`, `\`${key}\` does not apply to ${what}`);
  }
  if ('x-int64' in raw && !(kind === 'scalar' && raw['format'] === 'int64')) report(`${pointer}/x-int64`, '`x-int64: opaque` needs `type: integer, format: int64`');
  if ('x-unknown' in raw && kind !== 'union') report(`${pointer}/x-unknown`, '`x-unknown` needs a tagged union (`discriminator` + `oneOf`)');
}

/** Normalises one schema. `report` receives every problem; the returned node is still usable for more checks. */
export function normalise(raw: unknown, pointer: string, report: Report): Node {
  if (!isRaw(raw)) {
    report(pointer, 'expected a schema object');
    return { kind: 'any', pointer, doc: { extra: {} }, nullable: false, checks: {} };
  }
  const rawType = raw['type'];
  const types = (Array.isArray(rawType) ? rawType : rawType === undefined ? [] : [rawType]) as string[];
  const nullable = types.includes('null');
  const kind = kindOf(raw, types);
  checkKeys(raw, kind, pointer, report);
  const common = (checks: Checks = {}) => ({ pointer, doc: docOf(raw), nullable, checks });
  return BUILD[kind]!({ raw, pointer, report, types, structural: types.filter((t) => t !== 'null'), nullable, common });
}

function objectNode(raw: Raw, pointer: string, report: Report, common: { pointer: string; doc: Doc; nullable: boolean; checks: Checks }): Node {
  const rawProps = isRaw(raw['properties']) ? raw['properties'] : {};
  const required = Array.isArray(raw['required']) ? (raw['required'] as string[]) : [];
  required.forEach((r, i) => {
    if (!Object.hasOwn(rawProps, r)) {
      const guess = nearest(r, Object.keys(rawProps));
      report(`${pointer}/required/${i}`, `required "${r}" is not in properties${guess ? ` (did you mean "${guess}"?)` : ''}`);
    }
  });
  const props: Prop[] = Object.entries(rawProps).map(([name, sub]) => ({
    name,
    node: normalise(sub, `${pointer}/properties/${esc(name)}`, report),
    required: required.includes(name),
  }));
  const ap = raw['additionalProperties'];
  const additional = typeof ap === 'boolean' || ap === undefined ? ap : normalise(ap, `${pointer}/additionalProperties`, report);
  return { kind: 'object', props, additional, ...common };
}

function arrayNode(raw: Raw, pointer: string, report: Report, common: { pointer: string; doc: Doc; nullable: boolean; checks: Checks }): Node {
  const rawItems = raw['items'];
  if (!Array.isArray(raw['prefixItems'])) {
    if (typeof rawItems === 'boolean') report(`${pointer}/items`, '`items: true/false` only closes or opens a `prefixItems` tuple');
    const items = rawItems === undefined || typeof rawItems === 'boolean' ? undefined : normalise(rawItems, `${pointer}/items`, report);
    return { kind: 'array', items, ...common };
  }
  const fixed = (raw['prefixItems'] as unknown[]).map((s, i) => normalise(s, `${pointer}/prefixItems/${i}`, report));
  const rest = rawItems === undefined || typeof rawItems === 'boolean' ? rawItems : normalise(rawItems, `${pointer}/items`, report);
  return { kind: 'tuple', items: fixed, rest, ...common };
}
