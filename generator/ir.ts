/**
 * The resolved intermediate representation: one per protocol, with inheritance applied, every schema
 * normalised into the typed node union of node.ts, aliases and variants expanded. Emitters read only this.
 */
import type { IREvent } from './events.js';
import type { Node, UnionNode } from './node.js';

export type { IREvent } from './events.js';

export type { Node } from './node.js';

export interface Location {
  file: string;
  line: number;
  col: number;
}

export interface IRType {
  name: string;
  node: Node;
  /** Which protocol folder defined it (a child may inherit it). */
  definedIn: string;
  /** The file that defined (or last patched) it, for messages. */
  file: string;
}

/** The name of the synthetic variant that carries unknown tags of an `x-unknown: keep` union. */
export function unknownVariantName(union: string): string {
  return `Unknown${union}`;
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
  params: Node | null;
  result: Node | null;
  /** A passive reply: accepted this long after the original message. */
  replyWindowSeconds?: number | undefined;
  /** `body`: how the non-path, non-query params travel (default json; none for GET, and for DELETE unless `json`). */
  http?: { method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; path: string; body?: 'json' | 'multipart' | undefined } | undefined;
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
  'base-urls'?: { production: string; sandbox?: string } | undefined;
  encodings?: ('json' | 'msgpack')[] | undefined;
  /** The tagged union whose variants are CQ-code segments (OneBot 11 family). */
  'cq-code'?: string | undefined;
  'bot-self'?: boolean | undefined;
  [key: `x-${string}`]: unknown;
}

export interface IRProtocol {
  /** Folder name, import path `qqwire/<id>`. */
  id: string;
  info: IRProtocolInfo;
  /** Named types in a stable order. */
  types: Map<string, IRType>;
  /** The tagged unions among the types (the same nodes as in `types`). */
  unions: Map<string, UnionNode>;
  actions: IRAction[];
  /** The leaves of `transport.events.type`, in declaration order (empty without it). */
  events: IREvent[];
  /** The schema folder, relative to the working directory, for headers. */
  sourceDir: string;
}
