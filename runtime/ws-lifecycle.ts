/**
 * The two socket chores every WebSocket user here shares (forward transport, event receiver, reverse
 * server, QQ gateway): ping liveness and a bounded close. Type-only import: `ws` stays lazily loaded.
 */
import type WebSocket from 'ws';

/** The `ws` constructor, imported on first use: a bot that never opens a socket never loads it. */
export async function loadWebSocket(): Promise<typeof WebSocket> {
  return (await import('ws')).default;
}

/**
 * Pings every `intervalMs`; a socket that did not answer the previous ping is terminated after
 * `onDead` is told. Returns the stop function. No interval (0 / undefined): nothing runs.
 */
export function keepAlive(ws: WebSocket, intervalMs: number | undefined, onDead?: () => void): () => void {
  if (!intervalMs || !(intervalMs > 0)) return () => {};
  let alive = true;
  ws.on('pong', () => (alive = true));
  const timer = setInterval(() => {
    if (!alive) {
      onDead?.();
      ws.terminate();
      return;
    }
    alive = false;
    ws.ping();
  }, intervalMs);
  const stop = () => clearInterval(timer);
  ws.once('close', stop);
  return stop;
}

/** Closes `ws` (code 1000); a peer that never answers the close frame is cut off after 1 s. */
export function closeSocket(ws: WebSocket | undefined, reason: string): Promise<void> {
  if (!ws || ws.readyState === ws.CLOSED) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => ws.terminate(), 1000);
    ws.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    if (ws.readyState === ws.CONNECTING) ws.terminate();
    else ws.close(1000, reason);
  });
}
