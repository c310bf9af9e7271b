/**
 * The abort signal of one call. A platform `AbortController` + `EventTarget` costs several
 * microseconds per call on a path that takes tens; this is a plain object with a listener array.
 * undici and the WebSocket transports accept any `AbortSignalLike`; `fetch` insists on a real
 * `AbortSignal`, which `native()` makes on demand and keeps in step.
 */
import type { AbortSignalLike } from './transport.js';

export class CallSignal implements AbortSignalLike {
  aborted = false;
  reason: unknown = undefined;
  private listeners: (() => void)[] | undefined;
  private controller: AbortController | undefined;

  addEventListener(_type: 'abort', listener: () => void): void {
    (this.listeners ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const at = this.listeners?.indexOf(listener) ?? -1;
    if (at >= 0) this.listeners!.splice(at, 1);
  }

  /** Aborts once; each listener runs once (as with `{ once: true }`). */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners;
    this.listeners = undefined;
    this.controller?.abort(reason);
    if (listeners) for (const listener of listeners) listener();
  }

  /** A platform `AbortSignal` that aborts with this one. */
  native(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }
}

/** A platform `AbortSignal` for an API that checks for one (`fetch`). */
export function nativeSignal(signal: AbortSignalLike): AbortSignal {
  return signal instanceof CallSignal ? signal.native() : (signal as AbortSignal);
}
