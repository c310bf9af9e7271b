import { QQWireError, type ErrorContext } from '../errors.js';

/**
 * A delivery whose signature is missing or does not verify. It was answered with `status` and never
 * handed to the sink. Carries no secret, no signature and no body.
 */
export class SignatureError extends QQWireError {
  /** The HTTP status the delivery was answered with (401). */
  readonly status: number;
  /** `webhook`, `http-post`, … */
  readonly delivery: string;

  constructor(context: ErrorContext, message: string, init: { status: number; delivery: string }) {
    super(context, message);
    this.status = init.status;
    this.delivery = init.delivery;
  }
}
