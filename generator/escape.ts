/**
 * Every string from a schema that reaches a generated file goes through one of these, chosen for the
 * exact context it lands in. A schema author must never be able to end a comment or a string early.
 */

const LINE_BREAKS = /\r\n|[\n\r\u2028\u2029]/g;

/** Inside a `//` comment: one line, nothing can start a new one. */
export function lineComment(text: string): string {
  return text.replace(LINE_BREAKS, ' ');
}

/** Inside a `/* … *\/` or JSDoc block: `*\/` cannot close it; lines normalised to `\n`. */
export function blockComment(text: string): string {
  return text.replace(LINE_BREAKS, '\n').replace(/\*\//g, '*\\/');
}

const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\u2028': '\\u2028', '\u2029': '\\u2029', '\t': '\\t', '\\': '\\\\' };

/** A JS / TS string literal in single quotes, any character escaped that could end or break it. */
export function singleQuoted(value: string): string {
  // eslint-disable-next-line no-control-regex
  const body = value.replace(/[\\'\n\r\t\u2028\u2029\u0000-\u001f]/g, (c) => (c === "'" ? "\\'" : (ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)));
  return `'${body}'`;
}

/** JSON embedded in JavaScript source: U+2028/U+2029 are valid JSON but worth escaping in code. */
export function jsJson(value: unknown, space?: number): string {
  return (JSON.stringify(value, null, space) ?? 'undefined').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** A Markdown table cell: no pipe or line break can end the cell or the row. */
export function mdCell(value: unknown): string {
  return value === undefined || value === null ? '' : String(value).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(LINE_BREAKS, '<br>');
}

/** One line of Markdown text (a heading, a list item): line breaks would start a new block. */
export function mdLine(value: unknown): string {
  return String(value ?? '').replace(LINE_BREAKS, ' ');
}

/** Inline code: a backtick run longer than any inside, so the span cannot end early. */
export function mdCode(value: string): string {
  const longest = Math.max(0, ...(value.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  const pad = value.startsWith('`') || value.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${mdLine(value)}${pad}${fence}`;
}
