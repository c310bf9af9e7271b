/**
 * Parsers for the seed documents (`<conformance dir>/seeds`, read by `npm run test:conformance` only). Each seed comes from a different upstream
 * documentation site, so each has its own layout:
 *
 * - milky:      `## \`action\` 标题`, `### 参数` / `### 返回值`, pipe tables (`| 字段名 | 类型 | 描述 |`)
 * - go-cqhttp:  `### 标题`, `终结点：\`action\``, `**参数**` / `**响应数据**`, names in backticks,
 *               a nested table introduced by "其中\`sender\`字段包含…"
 * - shamrock:   `## 标题`, `### API 端点` + `\`/action\``, `### 参数` / `### 响应`, `#### Name` sub-tables
 *               referenced from type cells (`Object<[Sender](#sender)>`, `Message[]`), "同 [..](#anchor)"
 * - onebot12:   `## \`action\` 标题`, mkdocs tabs `=== "请求参数"` / `=== "响应数据"`, indented tables
 *               without outer pipes
 * - qq-official: `## 标题`, an HTML table with HTTP URL / HTTP Method, `- **路径参数**`, `- **请求参数**`,
 *               `- **返回参数**` tables; HTML comments hide rows that are not part of the doc
 */

export interface SeedField {
  name: string;
  /** The type cell as written (absent in the project's fixtures, which keep names only). */
  type?: string;
  /** Fields of a nested table describing this field (go-cqhttp `sender`, shamrock `Sender`). */
  nested?: SeedField[];
}

export interface SeedAction {
  /** Wire action name (RPC protocols) — for REST, `METHOD /path`. */
  name: string;
  title: string;
  http?: { method: string; path: string };
  params: SeedField[];
  /** null: the seed says there is no result data; undefined: the seed shows no field table. */
  result: SeedField[] | null | undefined;
  /** Path parameters (REST). */
  pathParams?: SeedField[];
  /** Top-level `data` keys of a JSON response example, when the seed has no result table. */
  resultExampleKeys?: string[];
  /** "若存在返回对应 MessageEvent": a named result type the seed refers to in prose. */
  resultTypeName?: string;
}

/** Removes HTML comments (qq-official hides draft rows in them). */
function stripComments(text: string): string {
  return text.replace(/<!--[^]*?-->/g, '');
}

function cells(line: string): string[] {
  let s = line.trim();
  if (s.startsWith('|')) s = s.slice(1);
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1);
  return s.split(/(?<!\\)\|/).map((c) => c.trim());
}

const isSeparator = (line: string) => /^\s*\|?\s*:?-{3,}/.test(line) && /^[\s|:-]+$/.test(line);

function cleanName(cell: string): string {
  return cell.replace(/\*\*/g, '').replace(/`/g, '').trim();
}

/** Every table in `lines` starting at or after `from`, up to `to`: [startLine, fields]. */
export function tablesIn(lines: string[], from = 0, to = lines.length): { start: number; fields: SeedField[] }[] {
  const out: { start: number; fields: SeedField[] }[] = [];
  for (let i = from; i < to - 1; i++) {
    if (!lines[i]!.includes('|') || !isSeparator(lines[i + 1]!)) continue;
    const fields: SeedField[] = [];
    let j = i + 2;
    for (; j < to && lines[j]!.includes('|') && lines[j]!.trim() !== ''; j++) {
      const c = cells(lines[j]!);
      const name = cleanName(c[0] ?? '');
      if (name) fields.push({ name, type: (c[1] ?? '').trim() });
    }
    out.push({ start: i, fields });
    i = j;
  }
  return out;
}

interface Section {
  heading: string;
  level: number;
  start: number;
  end: number;
}

function sections(lines: string[], level: number): Section[] {
  const out: Section[] = [];
  const prefix = `${'#'.repeat(level)} `;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.startsWith(prefix)) out.push({ heading: lines[i]!.slice(prefix.length).trim(), level, start: i, end: lines.length });
  }
  for (let k = 0; k < out.length - 1; k++) out[k]!.end = out[k + 1]!.start;
  return out;
}

/** Lines of the sub-part of a section that starts at a line matching `marker` and ends at the next marker. */
function part(lines: string[], s: Section, marker: RegExp, stop: RegExp): { from: number; to: number } | undefined {
  let from = -1;
  for (let i = s.start + 1; i < s.end; i++) {
    if (from < 0 && marker.test(lines[i]!)) from = i + 1;
    else if (from >= 0 && stop.test(lines[i]!)) return { from, to: i };
  }
  return from >= 0 ? { from, to: s.end } : undefined;
}

function firstTable(lines: string[], range: { from: number; to: number } | undefined): SeedField[] | undefined {
  if (!range) return undefined;
  return tablesIn(lines, range.from, range.to)[0]?.fields;
}

/** The first ```json block in a range, parsed leniently (trailing commas removed). */
function jsonBlock(lines: string[], range: { from: number; to: number }): unknown {
  for (let i = range.from; i < range.to; i++) {
    if (!/^\s*`{3,}json/.test(lines[i]!)) continue;
    const body: string[] = [];
    for (let j = i + 1; j < range.to && !/^\s*`{3,}/.test(lines[j]!); j++) body.push(lines[j]!);
    try {
      return JSON.parse(body.join('\n').replace(/,(\s*[}\]])/g, '$1'));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

const NO_RESULT = /无返回值|无响应数据|字段无数据|^\s*无。?\s*$/m;

function resultOf(lines: string[], range: { from: number; to: number } | undefined): SeedField[] | null | undefined {
  if (!range) return undefined;
  const table = firstTable(lines, range);
  if (table) return table;
  const text = lines.slice(range.from, range.to).join('\n');
  return NO_RESULT.test(text) ? null : undefined;
}

/** milky: `## \`send_private_message\` 发送私聊消息`. */
export function parseMilky(text: string): SeedAction[] {
  const lines = text.split('\n');
  return sections(lines, 2).flatMap((s) => {
    const m = /^`([^`]+)`\s*(.*)$/.exec(s.heading);
    if (!m) return [];
    const params = part(lines, s, /^###\s+参数/, /^###\s/);
    const result = part(lines, s, /^###\s+返回值/, /^###\s/);
    return [{ name: m[1]!, title: m[2]!, params: firstTable(lines, params) ?? [], result: resultOf(lines, result) }];
  });
}

/** go-cqhttp: `### 发送私聊消息` … `终结点：\`send_private_msg\``. */
export function parseGoCqhttp(text: string): SeedAction[] {
  const lines = text.split('\n');
  return sections(lines, 3).flatMap((s) => {
    let name: string | undefined;
    for (let i = s.start; i < s.end && !name; i++) name = /^终结点\s*[:：]\s*`([^`]+)`/.exec(lines[i]!)?.[1];
    if (!name) return [];
    const params = part(lines, s, /^\*\*参数\*\*/, /^\*\*\S+\*\*\s*$/);
    const resultRange = part(lines, s, /^\*\*响应数据\*\*/, /^\*\*\S+\*\*\s*$/);
    const sectionText = lines.slice(s.start, s.end).join('\n');
    const result = resultRange ? resultOf(lines, resultRange) : NO_RESULT.test(sectionText) ? null : undefined;
    // "其中`sender`字段包含两个字段:" followed by a table: nested fields of that result field.
    if (result && resultRange) {
      for (let i = resultRange.from; i < resultRange.to; i++) {
        const field = /^其中\s*`([^`]+)`\s*字段包含/.exec(lines[i]!)?.[1];
        if (!field) continue;
        const nested = tablesIn(lines, i + 1, resultRange.to)[0]?.fields;
        const target = result.find((f) => f.name === field);
        if (nested && target) target.nested = nested;
      }
    }
    return [{ name, title: s.heading, params: firstTable(lines, params) ?? [], result }];
  });
}

/** Sub-tables `#### Name` anywhere in the document, by lower-case name. */
function namedTables(lines: string[]): Map<string, SeedField[]> {
  const out = new Map<string, SeedField[]>();
  for (const s of sections(lines, 4)) {
    const fields = tablesIn(lines, s.start + 1, s.end)[0]?.fields;
    if (fields) out.set(s.heading.toLowerCase(), fields);
  }
  return out;
}

/** Attaches a named sub-table to every field whose type cell refers to it (`Object<[Sender](#sender)>`, `Message[]`). */
function attachNested(fields: SeedField[], named: Map<string, SeedField[]>, depth = 0): void {
  if (depth > 3) return;
  for (const f of fields) {
    const ref = /\[([A-Za-z]+)\]\(#/.exec(f.type ?? '')?.[1] ?? /^([A-Z][A-Za-z]+)\[\]$/.exec(f.type ?? '')?.[1];
    const nested = ref ? named.get(ref.toLowerCase()) : undefined;
    if (nested) {
      f.nested = nested.map((n) => ({ ...n }));
      attachNested(f.nested, named, depth + 1);
    }
  }
}

/** Shamrock: `## 发送私聊消息`, `### API 端点` + `\`/send_private_msg\``. */
export function parseShamrock(text: string): SeedAction[] {
  const lines = text.split('\n');
  const named = namedTables(lines);
  const all = sections(lines, 2);
  const actions = all.flatMap((s) => {
    const endpoint = part(lines, s, /^###\s+API 端点/, /^###\s/);
    if (!endpoint) return [];
    let name: string | undefined;
    for (let i = endpoint.from; i < endpoint.to && !name; i++) name = /^`\/([^`]+)`/.exec(lines[i]!.trim())?.[1];
    if (!name) return [];
    const paramsRange = part(lines, s, /^###\s+参数/, /^###\s/);
    const resultRange = part(lines, s, /^###\s+响应/, /^###\s/);
    const params = firstTable(lines, paramsRange) ?? [];
    const result = resultOf(lines, resultRange);
    const action: SeedAction & { sameAs?: string } = { name, title: s.heading, params, result };
    if (result) attachNested(result, named);
    if (result === undefined && resultRange) {
      const same = /^同\s*\[[^\]]*\]\(#([^)]+)\)/m.exec(lines.slice(resultRange.from, resultRange.to).join('\n'))?.[1];
      if (same) action.sameAs = decodeURIComponent(same);
      const example = jsonBlock(lines, resultRange) as { data?: unknown } | undefined;
      if (example && typeof example.data === 'object' && example.data) action.resultExampleKeys = Object.keys(example.data);
    }
    return [action];
  });
  // "同 [...](#发送群聊合并转发)": the result of the section with that heading.
  for (const a of actions as (SeedAction & { sameAs?: string })[]) {
    if (!a.sameAs) continue;
    const target = actions.find((b) => b.title === a.sameAs);
    if (target?.result) a.result = target.result.map((f) => ({ ...f }));
    delete a.sameAs;
  }
  return actions;
}

/** OneBot 12: `## \`send_message\` 发送消息`, `=== "请求参数"` tabs with indented tables. */
export function parseOneBot12(text: string): SeedAction[] {
  const lines = text.split('\n');
  return sections(lines, 2).flatMap((s) => {
    const m = /^`([^`]+)`\s*(.*)$/.exec(s.heading);
    if (!m) return [];
    const params = part(lines, s, /^===\s*"请求参数"/, /^===\s/);
    const resultRange = part(lines, s, /^===\s*"响应数据"/, /^===\s/);
    const action: SeedAction = { name: m[1]!, title: m[2]!, params: firstTable(lines, params) ?? [], result: resultOf(lines, resultRange) };
    if (action.result === undefined && resultRange) {
      action.resultTypeName = /返回对应\s*([A-Z][A-Za-z]+)/.exec(lines.slice(resultRange.from, resultRange.to).join('\n'))?.[1];
    }
    return [action];
  });
}

/** QQ official v2: `## 单聊` with an HTML table of HTTP URL / HTTP Method and bullet-headed tables. */
export function parseQqOfficial(text: string): SeedAction[] {
  const lines = stripComments(text).split('\n');
  return sections(lines, 2).flatMap((s) => {
    const body = lines.slice(s.start, s.end).join('\n');
    const url = /<td>\s*HTTP URL\s*<\/td>\s*<td>\s*([^<\s]+)\s*<\/td>/.exec(body)?.[1];
    const method = /<td>\s*HTTP Method\s*<\/td>\s*<td>\s*([A-Z]+)\s*<\/td>/.exec(body)?.[1];
    if (!url || !method) return [];
    const bullet = (title: string) => part(lines, s, new RegExp(`^-\\s*\\*\\*${title}\\*\\*`), /^-\s*\*\*/);
    return [
      {
        name: `${method} ${url}`,
        title: s.heading,
        http: { method, path: url },
        pathParams: firstTable(lines, bullet('路径参数')) ?? [],
        params: firstTable(lines, bullet('请求参数')) ?? [],
        result: firstTable(lines, bullet('返回参数')),
      },
    ];
  });
}
