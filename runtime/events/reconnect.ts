/**
 * Reconnect scheduling for the client-side receivers (SSE, WebSocket): the same backoff as the WS
 * transport (`backoffDelay`), one timer at most, none after `stop()`.
 */
import { backoffDelay, type BackoffOptions } from '../ws-transport.js';

export class Reconnector {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  stopped = false;

  constructor(
    private readonly connect: () => void,
    private readonly options: BackoffOptions,
    private readonly random: () => number = Math.random,
  ) {}

  /** The connection delivered data: the next drop starts the backoff from the beginning. */
  succeeded(): void {
    this.failures = 0;
  }

  /** Schedules the next attempt (once); returns its delay, or undefined when stopped or already armed. */
  schedule(): number | undefined {
    if (this.stopped || this.timer) return undefined;
    this.failures++;
    const delay = backoffDelay(this.failures, this.options, this.random);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.stopped) this.connect();
    }, delay);
    return delay;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
