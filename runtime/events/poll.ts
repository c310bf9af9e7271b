/**
 * Polling receiver (OneBot 12 `get_latest_events` over HTTP): calls the schema's poll action in a loop
 * with `timeout` (long poll, ms) and `limit`, and delivers each returned event in order. A failed call
 * is reported and retried with the WS transport's backoff. `close()` aborts the call in flight.
 *
 *   const client = createOnebot12Client({ baseUrl: 'http://127.0.0.1:5700', accessToken });
 *   const receiver = createPollReceiver({ protocol, client, sink: hub, timeoutMs: 30_000 });
 */
import { NetworkError, ProtocolError } from '../errors.js';
import type { AbortSignalLike, ProtocolDescriptor } from '../transport.js';
import type { BackoffOptions } from '../ws-transport.js';
import { deliver, report } from './deliver.js';
import type { EventReceiver, EventSink } from './receiver.js';
import { Reconnector } from './reconnect.js';

export interface PollClient {
  call(action: string, params?: unknown, options?: { timeoutMs?: number | undefined; signal?: AbortSignalLike | undefined }): Promise<unknown>;
}

export interface PollReceiverOptions extends BackoffOptions {
  protocol: ProtocolDescriptor;
  /** A generated client (HTTP) of the protocol. */
  client: PollClient;
  sink: EventSink;
  /** Long-poll wait the implementation is asked for, ms. Default 30 000; 0 = answer at once. */
  timeoutMs?: number | undefined;
  /** Most events per call. Default 0 (no limit). */
  limit?: number | undefined;
  /** Pause between calls that returned nothing, when `timeoutMs` is 0. Default 1000 ms. */
  intervalMs?: number | undefined;
  random?: (() => number) | undefined;
}

export function createPollReceiver(options: PollReceiverOptions): EventReceiver {
  const { protocol, sink, client } = options;
  const poll = protocol.transport.events?.poll;
  if (!poll) throw new TypeError(`${protocol.name} has no event polling`);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const ctx = { protocol: protocol.name, action: poll.action };
  const info = { delivery: 'poll' } as const;
  let controller: AbortController | undefined;
  let idle: { timer: ReturnType<typeof setTimeout>; wake: () => void } | undefined;
  let running: Promise<void> | undefined;
  const reconnector = new Reconnector(() => void (running = loop()), options, options.random);

  function params(): Record<string, unknown> {
    const p: Record<string, unknown> = {};
    if (poll!.limitParam) p[poll!.limitParam] = options.limit ?? 0;
    if (poll!.timeoutParam) p[poll!.timeoutParam] = timeoutMs;
    return p;
  }

  async function once(): Promise<number> {
    controller = new AbortController();
    // The call's own timeout must outlast the long poll.
    const result = await client.call(poll!.action, params(), { signal: controller.signal, timeoutMs: timeoutMs + 10_000 });
    controller = undefined;
    if (!Array.isArray(result)) {
      report(sink, new ProtocolError(ctx, `expected an array of events, got ${typeof result}`, JSON.stringify(result) ?? ''));
      return 0;
    }
    // In order: a reply (none for polling) is not awaited between events, but order is kept.
    for (const event of result) void deliver(sink, event, info);
    return result.length;
  }

  async function loop(): Promise<void> {
    while (!reconnector.stopped) {
      let count: number;
      try {
        count = await once();
        reconnector.succeeded();
      } catch (error) {
        controller = undefined;
        if (reconnector.stopped) return;
        const delay = reconnector.schedule();
        report(sink, new NetworkError(ctx, `polling failed: ${error instanceof Error ? error.message : String(error)}; retrying in ${delay} ms`, { cause: error }));
        return; // the reconnector restarts the loop
      }
      if (count === 0 && timeoutMs === 0 && !reconnector.stopped) {
        await new Promise<void>((wake) => (idle = { timer: setTimeout(wake, options.intervalMs ?? 1000), wake }));
        idle = undefined;
      }
    }
  }

  return {
    kind: 'poll',
    async start() {
      running ??= loop();
    },
    async close() {
      reconnector.stop();
      controller?.abort();
      if (idle) {
        clearTimeout(idle.timer);
        idle.wake();
      }
      await running?.catch(() => undefined);
    },
  };
}
