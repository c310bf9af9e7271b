/** Names: one place decides how wire names become TypeScript identifiers. */

const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for function if ' +
    'import in instanceof new null return super switch this throw true try typeof var void while with yield let static ' +
    'implements interface package private protected public await'
  ).split(' '),
);

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
}

/** `send_private_msg` → `SendPrivateMsg`, `.handle_quick_operation` → `HandleQuickOperation`. */
export function pascal(name: string): string {
  const out = words(name)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
  return /^[0-9]/.test(out) ? `_${out}` : out;
}

/** `send_private_msg` → `sendPrivateMsg`. */
export function camel(name: string): string {
  const p = pascal(name);
  return p[0]!.toLowerCase() + p.slice(1);
}

/** A method name that cannot clash with the client's own members or a reserved word. */
export function methodName(wire: string, taken: ReadonlySet<string>): string {
  const base = camel(wire);
  if (!taken.has(base) && !RESERVED.has(base)) return base;
  let name = `${base}Action`;
  for (let i = 2; taken.has(name); i++) name = `${base}Action${i}`;
  return name;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A property key as TypeScript source: bare when it is an identifier, quoted otherwise (`'qq.discuss_id'`). */
export function propKey(key: string): string {
  return IDENT.test(key) ? key : JSON.stringify(key);
}

/** The `create…Client` factory name of a protocol: `milky` → `createMilkyClient`, `qq-official` → `createQqOfficialClient`. */
export function factoryName(protocolId: string): string {
  return `create${pascal(protocolId)}Client`;
}

/** Method name per wire action, in order, with clashes resolved the same way for every emitter. */
export function methodNames(actions: readonly { name: string }[]): Map<string, string> {
  // The client's own members, and `then` (a client with a `then` method would be awaited forever).
  const taken = new Set(['core', 'protocol', 'call', 'close', 'then']);
  const out = new Map<string, string>();
  for (const a of actions) {
    const m = methodName(a.name, taken);
    taken.add(m);
    out.set(a.name, m);
  }
  return out;
}

/** The typed event hub factory of a protocol: `milky` → `createMilkyEventHub`. */
export function eventHubFactoryName(protocolId: string): string {
  return `create${pascal(protocolId)}EventHub`;
}

/** Protocol YAML uses kebab-case keys; the runtime descriptor uses camelCase (`invalid-session` → `invalidSession`). */
export function camelizeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelizeKeys);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()), camelizeKeys(v)]));
}
