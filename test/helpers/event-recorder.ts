/** An EventSink that records QQ dispatch frames and errors, and lets a test wait until a condition holds. */
import type { EventDeliveryInfo } from '../../runtime/events/receiver.js';

export class Recorder {
  readonly events: { frame: Record<string, unknown>; info: EventDeliveryInfo }[] = [];
  readonly errors: Error[] = [];
  private waiters: (() => void)[] = [];
  readonly sink = {
    onEvent: (frame: unknown, info: EventDeliveryInfo) => {
      this.events.push({ frame: frame as Record<string, unknown>, info });
      for (const w of this.waiters.splice(0)) w();
    },
    onError: (error: Error) => {
      this.errors.push(error);
      for (const w of this.waiters.splice(0)) w();
    },
  };
  get ids(): unknown[] {
    return this.events.map((e) => e.frame['id']);
  }
  /** Dispatches other than READY / RESUMED. */
  get messages(): Record<string, unknown>[] {
    return this.events.map((e) => e.frame).filter((f) => f['t'] !== 'READY' && f['t'] !== 'RESUMED');
  }
  async until(test: () => boolean): Promise<void> {
    while (!test()) await new Promise<void>((r) => this.waiters.push(r));
  }
}
