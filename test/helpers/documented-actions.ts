/**
 * The bar check of issue 11: a committed list of a protocol's documented actions (with the sources
 * they were read from) against the actions its generated protocol.json defines.
 */
export interface DocumentedActions {
  protocol: string;
  sources: { repo: string; commit: string | null; paths: string[] }[];
  actions: string[];
  /** Alternative wire names a server accepts for a documented action. */
  aliases?: Record<string, string[]>;
  /** Suffixes the docs give every action (OneBot 11 api/README.md: `_async`, `_rate_limited`): each suffixed name must exist too. */
  suffixes?: string[];
}

/** What is wrong with the shape of a list read from test/fixtures/<folder>/documented-actions.json. */
export function shapeProblems(doc: unknown, folder: string): string[] {
  const d = doc as Partial<DocumentedActions>;
  const problems = [...headerProblems(d, folder), ...nameListProblems(d.actions, 'actions')];
  for (const [name, list] of Object.entries(d.aliases ?? {})) {
    if (!d.actions?.includes(name)) problems.push(`aliases: "${name}" is not in "actions"`);
    if (!Array.isArray(list) || list.some((a) => typeof a !== 'string')) problems.push(`aliases.${name} must be a list of names`);
  }
  if (d.suffixes !== undefined && (!Array.isArray(d.suffixes) || d.suffixes.some((x) => typeof x !== 'string' || !/^_[a-z_]+$/.test(x)))) {
    problems.push('"suffixes" must be a list of suffixes such as "_async"');
  }
  return problems;
}

/** The `protocol` and `sources` every documented list (actions, events) starts with. */
export function headerProblems(d: { protocol?: unknown; sources?: unknown }, folder: string): string[] {
  const problems: string[] = [];
  if (d.protocol !== folder) problems.push(`"protocol" is ${JSON.stringify(d.protocol)}, expected "${folder}" (the folder name)`);
  const sources = Array.isArray(d.sources) ? (d.sources as Partial<DocumentedActions['sources'][number]>[]) : [];
  if (sources.length === 0) problems.push('"sources" must name at least one source');
  for (const [i, s] of sources.entries()) {
    if (typeof s?.repo !== 'string' || !/^[^/\s]+\/[^/\s]+$/.test(s.repo)) problems.push(`sources[${i}].repo must be "owner/name"`);
    if (s?.commit !== null && (typeof s?.commit !== 'string' || !/^[0-9a-f]{7,40}$/.test(s.commit))) problems.push(`sources[${i}].commit must be a sha or null`);
    if (!Array.isArray(s?.paths) || s.paths.length === 0) problems.push(`sources[${i}].paths must list the documents read`);
  }
  return problems;
}

/** A non-empty, sorted list of names without duplicates. */
export function nameListProblems(list: unknown, key: string): string[] {
  if (!Array.isArray(list) || list.length === 0 || list.some((a) => typeof a !== 'string')) return [`"${key}" must be a non-empty list of names`];
  const sorted = [...new Set(list as string[])].sort();
  return sorted.join('\n') === list.join('\n') ? [] : [`"${key}" must be sorted and without duplicates`];
}

/** Each documented action and alias the generated protocol lacks, named. */
export function missingActions(doc: DocumentedActions, generated: ReadonlySet<string>): string[] {
  const missing = doc.actions.filter((a) => !generated.has(a));
  for (const [name, aliases] of Object.entries(doc.aliases ?? {})) {
    for (const alias of aliases) if (!generated.has(alias)) missing.push(`${alias} (alias of ${name})`);
  }
  for (const suffix of doc.suffixes ?? []) {
    for (const a of doc.actions) if (!generated.has(a + suffix)) missing.push(`${a}${suffix} (${suffix} form of ${a})`);
  }
  return missing;
}
