/** A plain JSON object (not null, not an array). Internal: not part of the public API. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
