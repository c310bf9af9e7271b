/**
 * `--world FILE`: a JSON world document (format: sim/world.schema.json), checked by hand against
 * that schema's rules so the simulator needs no schema compiler at run time.
 */
import type { WorldDocument } from './types.js';

export class WorldFileError extends Error {}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function loadWorldDocument(file: string, text: string): WorldDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new WorldFileError(`${file}: not JSON (${(e as Error).message})`);
  }
  const problems: string[] = [];
  const need = (ok: boolean, path: string, what: string) => void (ok || problems.push(`${path}: ${what}`));
  const id = (v: unknown, path: string) => need(Number.isSafeInteger(v) && (v as number) >= 10001, path, 'must be an integer ≥ 10001');
  need(isObj(doc), '/', 'must be an object');
  if (isObj(doc)) {
    need(isObj(doc['bot']), '/bot', 'required: {id, nickname}');
    if (isObj(doc['bot'])) {
      id(doc['bot']['id'], '/bot/id');
      need(typeof doc['bot']['nickname'] === 'string', '/bot/nickname', 'must be a string');
    }
    const users = doc['users'] ?? [];
    need(Array.isArray(users), '/users', 'must be an array');
    if (Array.isArray(users)) users.forEach((u: unknown, i) => {
      need(isObj(u), `/users/${i}`, 'must be an object');
      if (!isObj(u)) return;
      id(u['id'], `/users/${i}/id`);
      need(typeof u['nickname'] === 'string', `/users/${i}/nickname`, 'must be a string');
      need(u['sex'] === undefined || ['male', 'female', 'unknown'].includes(u['sex'] as string), `/users/${i}/sex`, 'must be male, female or unknown');
      need(u['friend'] === undefined || typeof u['friend'] === 'boolean', `/users/${i}/friend`, 'must be a boolean');
    });
    const groups = doc['groups'] ?? [];
    need(Array.isArray(groups), '/groups', 'must be an array');
    if (Array.isArray(groups)) groups.forEach((g: unknown, i) => {
      need(isObj(g), `/groups/${i}`, 'must be an object');
      if (!isObj(g)) return;
      id(g['id'], `/groups/${i}/id`);
      need(typeof g['name'] === 'string', `/groups/${i}/name`, 'must be a string');
      need(Array.isArray(g['members']), `/groups/${i}/members`, 'must be an array');
      if (Array.isArray(g['members'])) g['members'].forEach((m: unknown, j) => {
        need(isObj(m), `/groups/${i}/members/${j}`, 'must be an object');
        if (!isObj(m)) return;
        id(m['id'], `/groups/${i}/members/${j}/id`);
        need(m['role'] === undefined || ['owner', 'admin', 'member'].includes(m['role'] as string), `/groups/${i}/members/${j}/role`, 'must be owner, admin or member');
      });
    });
  }
  if (problems.length) throw new WorldFileError(`${file}: not a valid world (sim/world.schema.json):\n  ${problems.join('\n  ')}`);
  return doc as WorldDocument;
}
