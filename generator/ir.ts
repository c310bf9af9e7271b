/**
 * The resolved intermediate representation: one per protocol, with inheritance applied, every `$ref`
 * normalised to `#/types/<Name>`, aliases and variants expanded. Emitters read only this.
 */

/** A JSON Schema 2020-12 node with qqwire `x-` keys; `$ref`s are `#/types/<Name>`. */
export type SchemaNode = { [key: string]: unknown };

export interface Location {
  file: string;
  line: number;
  col: number;
}

export interface IRType {
  name: string;
  schema: SchemaNode;
  /** Which protocol folder defined it (a child may inherit it). */
  definedIn: string;
}

export interface IRUnion {
  tag: string;
  /** Known tag value → variant type name, in declaration order. */
  variants: { tag: string; type: string }[];
  /** `x-unknown: keep`: unknown tags are delivered as `{ [tag]: 'unknown', raw }`. */
  keep: boolean;
  /** `x-unknown: skip`: an array item with an unknown tag is dropped from the array. */
  skip: boolean;
  /** Name of the synthetic variant for unknown tags (only when `keep`). */
  unknownType?: string | undefined;
}

export interface IRAction {
  /** Wire name. */
  name: string;
  summary: string;
  summaryEn?: string | undefined;
  description?: string | undefined;
  category?: string | undefined;
  since?: string | undefined;
  removedIn?: string | undefined;
  deprecated?: boolean | undefined;
  extension?: boolean | undefined;
  divergence?: string | undefined;
  /** For an alias or a suffixed variant: the action it was expanded from. */
  aliasOf?: string | undefined;
  variantOf?: { action: string; variant: string } | undefined;
  params: SchemaNode | null;
  result: SchemaNode | null;
  http?: { method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; path: string } | undefined;
  /** TypeScript names of the params / result types. */
  paramsType: string;
  resultType: string;
}

export interface IRProtocolInfo {
  name: string;
  title: string;
  version: string;
  description?: string | undefined;
  source?: string | undefined;
  extends?: string | undefined;
  transport: Record<string, unknown>;
  auth: Record<string, unknown>;
  envelope: Record<string, unknown>;
  retcodes: { code: number; name: string; description?: string; 'description-en'?: string; transports?: string[] }[];
  'retcode-ranges': { from: number; to: number; name: string; description?: string; 'description-en'?: string }[];
  'http-status': { status: number; name: string; description?: string; 'description-en'?: string }[];
  'action-variants': { name: string; suffix: string; result?: 'same' | 'none'; description?: string }[];
  [key: `x-${string}`]: unknown;
}

export interface IRProtocol {
  /** Folder name, import path `qqwire/<id>`. */
  id: string;
  info: IRProtocolInfo;
  /** Named types in a stable order. */
  types: Map<string, IRType>;
  /** Tagged unions found among the types. */
  unions: Map<string, IRUnion>;
  actions: IRAction[];
  /** The schema folder, relative to the working directory, for headers. */
  sourceDir: string;
}
