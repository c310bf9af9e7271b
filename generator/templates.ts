/**
 * Handlebars, set up for code: no HTML escaping (`noEscape`), missing fields are errors (`strict`),
 * and helpers that escape for the target language so no description can break the output.
 */
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { blockComment, jsJson, lineComment, mdCell, mdCode, mdLine } from './escape.js';

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function indentLines(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .map((l, i) => (i === 0 || !l ? l : pad + l))
    .join('\n');
}

const hbs = Handlebars.create();
/** A JS string literal. */
hbs.registerHelper('js', (value: unknown) => jsJson(value));
/** JSON data; the optional number indents continuation lines to sit inside surrounding code. */
hbs.registerHelper('json', (value: unknown, indent: unknown) => {
  if (typeof indent !== 'number') return jsJson(value);
  return indentLines(jsJson(value, 2), indent);
});
/** A JSDoc block indented by N spaces; `*\/` in the text cannot close it early. */
hbs.registerHelper('jsdoc', (text: unknown, indent: unknown) => {
  const pad = ' '.repeat(typeof indent === 'number' ? indent : 0);
  const lines = blockComment(String(text)).split('\n');
  return [`${pad}/**`, ...lines.map((l) => (l ? `${pad} * ${l}` : `${pad} *`)), `${pad} */`].join('\n');
});
/** An identifier, checked. */
hbs.registerHelper('ident', (value: unknown) => {
  const s = String(value);
  if (!IDENT.test(s)) throw new Error(`not an identifier: ${s}`);
  return s;
});
/** Text inside a one-line `/** … *\/` comment. */
hbs.registerHelper('comment', (value: unknown) => lineComment(blockComment(String(value))));
/** Markdown table cell: no pipes or newlines that would break the row. */
hbs.registerHelper('cell', (value: unknown) => mdCell(value));
/** One line of Markdown (headings, quotes). */
hbs.registerHelper('line', (value: unknown) => mdLine(value));
/** Markdown inline code that no backtick in the value can end. */
hbs.registerHelper('mdcode', (value: unknown) => mdCode(String(value)));
/** A heading's GitHub anchor for a plain name. */
hbs.registerHelper('lower', (value: unknown) => String(value).toLowerCase());
/** Text inside an HTML comment: `--` cannot end it. */
hbs.registerHelper('htmlComment', (value: unknown) => lineComment(String(value)).replace(/--/g, '- -'));

const cache = new Map<string, Handlebars.TemplateDelegate>();

export function render(templatesDir: URL, name: string, context: object): string {
  const url = new URL(name, templatesDir);
  let template = cache.get(url.href);
  if (!template) {
    template = hbs.compile(readFileSync(url, 'utf8'), { noEscape: true, strict: true });
    cache.set(url.href, template);
  }
  return template(context);
}
