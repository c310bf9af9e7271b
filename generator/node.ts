/**
 * The typed schema IR: every schema the format allows, normalised once (see normalise.ts) into one
 * of these node kinds. Emitters, the analysis and the int64 plans read only this, through `walk`.
 */

/** Documentation and `x-` facts of a node, typed. */
export interface Doc {
  title?: string | undefined;
  description?: string | undefined;
  descriptionEn?: string | undefined;
  unit?: 's' | 'ms' | undefined;
  since?: string | undefined;
  removedIn?: string | undefined;
  deprecated?: boolean | undefined;
  divergence?: string | undefined;
  /** Wrapped so that a `default: null` is still a default. */
  default?: { value: unknown } | undefined;
  examples?: unknown[] | undefined;
  readOnly?: boolean | undefined;
  writeOnly?: boolean | undefined;
  /** REST params: where the property travels. */
  in?: 'path' | 'query' | 'body' | undefined;
  /** Any other `x-` key, kept verbatim for protocol.json. */
  extra: Record<string, unknown>;
}

/** Validation keywords that only narrow a value (numbers, strings, sizes), passed to the validator as written. */
export type Checks = Record<string, unknown>;

export type ScalarType = 'string' | 'integer' | 'number' | 'boolean';
export type Literal = string | number | boolean | null;

interface Base {
  /** JSON pointer of the node in the file that defined it, for errors. */
  pointer: string;
  doc: Doc;
  /** `type: [..., 'null']`. */
  nullable: boolean;
  checks: Checks;
}

export interface RefNode extends Base {
  kind: 'ref';
  /** A named type of the protocol. */
  name: string;
}
export interface ScalarNode extends Base {
  kind: 'scalar';
  types: ScalarType[];
  /** `type: integer, format: int64`: parsed losslessly, delivered per the client's int64 mode. */
  int64: boolean;
  /** `x-int64: opaque`: an int64 id nobody computes with, a decimal string in every mode. */
  opaque?: boolean | undefined;
  format?: string | undefined;
}
export interface LiteralNode extends Base {
  kind: 'literal';
  values: Literal[];
  /** How it was written: `const: x` or `enum: [...]`. */
  keyword: 'const' | 'enum';
  /** The `type` written beside it, if any (kept for the wire schema). */
  types?: string[] | undefined;
}
export interface Prop {
  name: string;
  node: Node;
  required: boolean;
}
export interface ObjectNode extends Base {
  kind: 'object';
  props: Prop[];
  /** `additionalProperties`: a schema for a map, `false` for a closed object, undefined = open. */
  additional: Node | boolean | undefined;
}
export interface ArrayNode extends Base {
  kind: 'array';
  /** undefined: `type: array` with no `items`. */
  items: Node | undefined;
}
export interface TupleNode extends Base {
  kind: 'tuple';
  items: Node[];
  /** What follows the fixed items: a schema, `false` (nothing) or `true`/undefined (anything). */
  rest: Node | boolean | undefined;
}
export interface UnionNode extends Base {
  kind: 'union';
  tag: string;
  /** Tag value → variant type name, in declaration order; `union`: the variant is itself a tagged union (its leaves share the tag value). */
  variants: { tag: string; type: string; union?: true | undefined }[];
  /** What an unknown tag does: fail validation, keep it as `{ tag: 'unknown', raw }`, or (array items) drop it. */
  unknown: 'reject' | 'keep' | 'skip';
}
export interface AltNode extends Base {
  kind: 'alt';
  keyword: 'oneOf' | 'anyOf';
  options: Node[];
}
export interface AnyNode extends Base {
  kind: 'any';
}
/** `format: binary`: bytes (a multipart file part), not JSON. */
export interface BinaryNode extends Base {
  kind: 'binary';
  /** `contentMediaType`, documentation only. */
  mediaType?: string | undefined;
}

export type Node = RefNode | ScalarNode | LiteralNode | ObjectNode | ArrayNode | TupleNode | UnionNode | AltNode | AnyNode | BinaryNode;
export type Kind = Node['kind'];
export type NodeOf<K extends Kind> = Extract<Node, { kind: K }>;

/**
 * One function per node kind; `sub` recurses into a child. Every reader of the IR is a visitor, so
 * a new kind is a compile error everywhere it must be handled.
 */
export type Visitor<R> = { [K in Kind]: (node: NodeOf<K>, sub: (child: Node) => R) => R };

export function walk<R>(node: Node, visitor: Visitor<R>): R {
  const sub = (child: Node): R => walk(child, visitor);
  return (visitor[node.kind] as (n: Node, s: (c: Node) => R) => R)(node, sub);
}

/** The direct children of a node (named types behind refs are not followed). */
export function children(node: Node): Node[] {
  return walk<Node[]>(node, {
    ref: () => [],
    scalar: () => [],
    literal: () => [],
    any: () => [],
    binary: () => [],
    union: () => [],
    object: (n) => [...n.props.map((p) => p.node), ...(typeof n.additional === 'object' ? [n.additional] : [])],
    array: (n) => (n.items ? [n.items] : []),
    tuple: (n) => [...n.items, ...(typeof n.rest === 'object' ? [n.rest] : [])],
    alt: (n) => n.options,
  });
}

/** True if the predicate holds for the node or any node below it (refs not followed). */
export function some(node: Node, predicate: (n: Node) => boolean): boolean {
  return predicate(node) || children(node).some((c) => some(c, predicate));
}

/** Visits the node and every node below it (refs not followed). */
export function eachNode(node: Node, visit: (n: Node) => void): void {
  visit(node);
  for (const c of children(node)) eachNode(c, visit);
}

/** Named types a node refers to directly or below it (union variants included). */
export function refsOf(node: Node): string[] {
  const out: string[] = [];
  const visit = (n: Node): void => {
    if (n.kind === 'ref') out.push(n.name);
    if (n.kind === 'union') out.push(...n.variants.map((v) => v.type));
    children(n).forEach(visit);
  };
  visit(node);
  return out;
}

export function emptyDoc(): Doc {
  return { extra: {} };
}

/** Small constructors for tests and synthetic nodes. */
export const make = {
  ref: (name: string, doc: Partial<Doc> = {}): RefNode => ({ kind: 'ref', name, pointer: '', doc: { extra: {}, ...doc }, nullable: false, checks: {} }),
  scalar: (types: ScalarType[], extra: Partial<Omit<ScalarNode, 'kind' | 'types'>> = {}): ScalarNode => ({
    kind: 'scalar',
    types,
    int64: false,
    pointer: '',
    doc: emptyDoc(),
    nullable: false,
    checks: {},
    ...extra,
  }),
  literal: (values: Literal[], keyword: 'const' | 'enum' = values.length === 1 ? 'const' : 'enum'): LiteralNode => ({
    kind: 'literal',
    values,
    keyword,
    pointer: '',
    doc: emptyDoc(),
    nullable: false,
    checks: {},
  }),
  object: (props: Prop[], extra: Partial<Omit<ObjectNode, 'kind' | 'props'>> = {}): ObjectNode => ({
    kind: 'object',
    props,
    additional: undefined,
    pointer: '',
    doc: emptyDoc(),
    nullable: false,
    checks: {},
    ...extra,
  }),
  array: (items: Node | undefined): ArrayNode => ({ kind: 'array', items, pointer: '', doc: emptyDoc(), nullable: false, checks: {} }),
  prop: (name: string, node: Node, required = false): Prop => ({ name, node, required }),
};
