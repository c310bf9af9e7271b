/** Helpers every receiver shares: hand one payload to the sink, and report a bad one with its raw text. */
import { ProtocolError } from '../errors.js';
import type { EventDeliveryInfo, EventSink } from './receiver.js';

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Reports to the sink's `onError`, or to `console.error` when it has none: never silently. */
export function report(sink: EventSink, error: Error): void {
  if (sink.onError) {
    try {
      sink.onError(error);
      return;
    } catch {
      // An onError that throws must not take the receiver down; fall through to the console.
    }
  }
  console.error(error);
}

/** Delivers one event; a throwing or rejecting sink is reported, never thrown into the receiver. */
export async function deliver(sink: EventSink, payload: unknown, info: EventDeliveryInfo): Promise<unknown> {
  try {
    return await sink.onEvent(payload, info);
  } catch (error) {
    report(sink, asError(error));
    return undefined;
  }
}

/** A payload that could not be decoded; `raw` is exactly what arrived. */
export function badPayload(sink: EventSink, protocol: string, delivery: string, raw: string, cause: unknown): void {
  const error = new ProtocolError({ protocol }, `undecodable ${delivery} event: ${asError(cause).message}`, raw);
  report(sink, error);
}
