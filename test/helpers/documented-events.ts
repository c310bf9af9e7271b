/**
 * The events bar check: a committed list of a protocol's documented event names (with the sources
 * they were read from) against the `events` of its generated protocol.json. Same file shape as
 * documented-actions.json, with `events` instead of `actions` (an optional `note` says how the names
 * were read).
 */
import { headerProblems, nameListProblems } from './documented-actions.js';

export interface DocumentedEvents {
  protocol: string;
  sources: { repo: string; commit: string | null; paths: string[] }[];
  events: string[];
  note?: string;
}

/** What is wrong with the shape of test/fixtures/<folder>/documented-events.json. */
export function eventListProblems(doc: unknown, folder: string): string[] {
  const d = doc as Partial<DocumentedEvents>;
  const problems = [...headerProblems(d, folder), ...nameListProblems(d.events, 'events')];
  if (d.note !== undefined && typeof d.note !== 'string') problems.push('"note" must be a string');
  return problems;
}

/** Each documented event name the generated protocol does not define. */
export function missingEvents(doc: DocumentedEvents, generated: ReadonlySet<string>): string[] {
  return doc.events.filter((e) => !generated.has(e));
}
