/**
 * The one doc renderer: what a node's or an action's documentation says, as JSDoc text (types.d.ts,
 * client.d.ts) or as a Markdown description (README). Escaping happens where the text is placed.
 */
import type { IRAction } from './ir.js';
import type { Doc } from './node.js';

const unitWord = (unit: 's' | 'ms') => (unit === 's' ? 'seconds' : 'milliseconds');

/** JSDoc text of a schema node: description, English, unit, default, versions, divergence. */
export function nodeJsdoc(doc: Doc): string | undefined {
  const lines: string[] = [];
  if (doc.description !== undefined) lines.push(doc.description);
  if (doc.descriptionEn !== undefined) lines.push(doc.descriptionEn);
  if (doc.unit) lines.push(`Unit: ${unitWord(doc.unit)}.`);
  if (doc.divergence) lines.push(`Divergence: ${doc.divergence}`);
  if (doc.removedIn) lines.push(`Removed in ${doc.removedIn}.`);
  if (doc.default) lines.push(`@default ${JSON.stringify(doc.default.value)}`);
  if (doc.since) lines.push(`@since ${doc.since}`);
  if (doc.deprecated) lines.push('@deprecated');
  return lines.length ? lines.join('\n') : undefined;
}

/** Markdown description cell of a field. */
export function nodeMarkdown(doc: Doc, optional: boolean): string {
  const parts: string[] = [];
  if (doc.description) parts.push(doc.description);
  if (doc.descriptionEn) parts.push(doc.descriptionEn);
  if (doc.unit) parts.push(`(${unitWord(doc.unit)})`);
  if (doc.default) parts.push(`默认值 default: \`${JSON.stringify(doc.default.value)}\``);
  else if (optional) parts.push('**可选 optional**');
  if (doc.in === 'query') parts.push('(query)');
  if (doc.since) parts.push(`since ${doc.since}`);
  if (doc.removedIn) parts.push(`removed in ${doc.removedIn}`);
  if (doc.deprecated) parts.push('**deprecated**');
  if (doc.divergence) parts.push(`Divergence: ${doc.divergence}`);
  return parts.join(' ');
}

/** The notes shared by an action's JSDoc and its README section. */
export function actionNotes(a: IRAction): string[] {
  const notes: string[] = [];
  if (a.aliasOf) notes.push(`Alias of \`${a.aliasOf}\`.`);
  if (a.variantOf) notes.push(`\`${a.variantOf.variant}\` variant of \`${a.variantOf.action}\`.`);
  if (a.extension) notes.push('Extension: not part of the released specification.');
  if (a.removedIn) notes.push(`Removed in ${a.removedIn}.`);
  return notes;
}

/** Whether an action is deprecated: said so, or withdrawn in a later version (draft endpoints). */
export function isDeprecated(a: IRAction): boolean {
  return a.deprecated === true || a.removedIn !== undefined;
}

/** JSDoc text of an action (client method and `Actions` entry). */
export function actionJsdoc(a: IRAction): string {
  const lines = [a.summary];
  if (a.summaryEn) lines.push(a.summaryEn);
  if (a.description) lines.push('', a.description);
  if (a.divergence) lines.push('', `Divergence: ${a.divergence}`);
  lines.push(...actionNotes(a));
  if (a.since) lines.push(`@since ${a.since}`);
  if (isDeprecated(a)) lines.push('@deprecated');
  return lines.join('\n');
}
