/**
 * Reverse WebSocket event receiver: the bots connect to qqwire's reverse WS server (runtime/reverse-ws.ts),
 * whose connections already carry events; this exposes them through the sink with the bot's self id.
 * Given `server`, the caller owns it (`close()` only unsubscribes); given `serverOptions`, the receiver
 * creates the server and closes it.
 */
import { createReverseWsServer, type ReverseWsServer, type ReverseWsServerOptions } from '../reverse-ws.js';
import { deliver } from './deliver.js';
import type { EventReceiver, EventSink } from './receiver.js';

export type ReverseWsReceiverOptions = { sink: EventSink } & ({ server: ReverseWsServer } | { serverOptions: ReverseWsServerOptions });

export interface ReverseWsReceiver extends EventReceiver {
  /** The server the bots connect to (for calls: `server.bot(selfId)`). */
  readonly server: ReverseWsServer;
}

export function createReverseWsReceiver(options: ReverseWsReceiverOptions): ReverseWsReceiver {
  const owned = !('server' in options);
  const server = 'server' in options ? options.server : createReverseWsServer(options.serverOptions);
  const { sink } = options;
  let offs: (() => void)[] = [];
  return {
    kind: 'reverse-ws',
    server,
    async start() {
      if (!offs.length) {
        offs = [
          server.on('event', ({ selfId, event }) => void deliver(sink, event, { delivery: 'reverse-ws', selfId })),
          server.on('error', (error) => sink.onError?.(error)),
        ];
      }
      await server.ready();
    },
    async close() {
      for (const off of offs) off();
      offs = [];
      if (owned) await server.close();
    },
  };
}
