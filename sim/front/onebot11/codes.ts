/**
 * The OneBot 11 family's failure answers, looked up by name in protocol.json: a dialect that lists a
 * retcode for the case answers it in an HTTP 200 body; otherwise the spec's HTTP status (HTTP) or
 * its 14xx retcode (WebSocket) applies.
 */
interface Facts {
  retcodes: { code: number; name: string; transports?: string[] }[];
  'http-status'?: { status: number; name: string }[];
}

export type Failure = 'bad_params' | 'not_found' | 'unknown_action' | 'no_token' | 'bad_token';
export interface FailureAnswer {
  /** HTTP status when the failure is an HTTP status (no envelope), else 200. */
  status: number;
  retcode: number | undefined;
}

/** Dialect retcode names per failure, first found wins. */
const NAMES: Record<Failure, string[]> = {
  bad_params: ['BAD_PARAM', 'BUSINESS_ERROR'],
  not_found: ['BUSINESS_ERROR', 'LOGIC_ERROR'],
  unknown_action: ['API_NOT_FOUND', 'UNSUPPORTED_ACTION'],
  no_token: ['ERROR_TOKEN'],
  bad_token: ['ERROR_TOKEN'],
};
/** The spec's HTTP status / WS retcode names per failure. */
const SPEC: Record<Failure, string> = { bad_params: 'BAD_REQUEST', not_found: '', unknown_action: 'NOT_FOUND', no_token: 'UNAUTHORIZED', bad_token: 'FORBIDDEN' };
/** OneBot 11 leaves business codes to implementations; 100 is the one go-cqhttp uses. */
const GENERIC_BUSINESS = 100;

export function failureAnswer(facts: Facts, failure: Failure, transport: 'http' | 'ws'): FailureAnswer {
  const global = facts.retcodes.filter((r) => !r.transports);
  for (const name of NAMES[failure]) {
    const hit = global.find((r) => r.name === name);
    if (hit) return { status: 200, retcode: hit.code };
  }
  const spec = SPEC[failure];
  if (!spec) return { status: 200, retcode: GENERIC_BUSINESS };
  if (transport === 'http') return { status: facts['http-status']?.find((s) => s.name === spec)?.status ?? 400, retcode: undefined };
  return { status: 200, retcode: facts.retcodes.find((r) => r.name === spec)?.code ?? GENERIC_BUSINESS };
}
