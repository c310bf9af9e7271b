/** QQ error codes by their schema name (`retcodes` in protocol.json), so no number is written here. */
export type Retcode = { code: number; name: string };

export function codeOf(retcodes: readonly Retcode[], name: string): number {
  const found = retcodes.find((r) => r.name === name);
  if (!found) throw new Error(`qq-official schema has no retcode ${name}`);
  return found.code;
}

/** An answer other than success: HTTP status and the `{code, message}` body QQ sends. */
export class QqFailure extends Error {
  constructor(readonly status: number, readonly code: number, message: string) {
    super(message);
  }
}
