/**
 * "Accepted, but pending" outcomes of REST protocols (envelope kind `none`): the QQ official API answers
 * a message held for review with code 304023 / 304024 and `data.message_audit.audit_id`, sometimes with
 * HTTP 200 or 202 instead of an error status. The client core turns such a body into
 * `AuditPendingError` instead of returning a result without a message id.
 *
 * Descriptor-driven: the schema's envelope lists `pending-codes` (business codes that mean pending)
 * and `pending-id-field` (dotted path of the pending id in the body). An envelope without them has no
 * pending outcome.
 */
import type { EnvelopeInfo } from './transport.js';
import { isObject } from './is-object.js';

export interface PendingOutcome {
  /** The body's business code, when numeric. */
  code: number | undefined;
  /** The pending id (QQ official `audit_id`), when the body carries one. */
  auditId: string | undefined;
}


/**
 * Whether a REST response body (any HTTP status) is a pending outcome: its code is a pending code, or
 * it carries a pending id. Returns undefined for every other body and for retcode envelopes.
 */
export function pendingOutcome(envelope: EnvelopeInfo, body: unknown): PendingOutcome | undefined {
  if (envelope.kind !== 'none' || !isObject(body)) return undefined;
  if (!envelope.pendingCodes && !envelope.pendingIdField) return undefined;
  const codes = envelope.pendingCodes ?? [];
  const raw = body[envelope.errorFields?.['code'] ?? 'code'];
  const code = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : undefined;
  let node: unknown = body;
  for (const key of (envelope.pendingIdField ?? '').split('.')) node = isObject(node) ? node[key] : undefined;
  const auditId = typeof node === 'string' && node.length > 0 ? node : undefined;
  if (auditId === undefined && (code === undefined || !codes.includes(code))) return undefined;
  return { code, auditId };
}
