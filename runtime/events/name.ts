/**
 * The event name from the schema's rule (`transport.events.name`): Milky `message_receive`, OneBot 11
 * `message.group` / `notice.notify.poke`, OneBot 12 `message.private`. No protocol is named here.
 */
import type { EventsInfo } from '../transport.js';
import { isObject } from '../is-object.js';

export type EventNameRule = EventsInfo['name'];

function part(payload: Record<string, unknown>, fields: readonly string[]): string | undefined {
  for (const field of fields) {
    const value = payload[field];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

/** The payload's event name, or undefined when a part is missing (the event still reaches `'*'`). */
export function eventName(rule: EventNameRule, payload: unknown): string | undefined {
  if (!isObject(payload)) return undefined;
  const parts: string[] = [];
  for (const fields of rule.parts) {
    const value = part(payload, fields);
    if (value === undefined) return undefined;
    parts.push(value);
  }
  let name = parts.join('.');
  for (const { when, field } of rule.refine ?? []) {
    if (name !== when) continue;
    const value = part(payload, [field]);
    if (value !== undefined) name = `${name}.${value}`;
  }
  return name;
}
