/**
 * A local QQ official gateway for tests: a `ws` server that writes the frames the test scripts, byte
 * for byte, and records every frame the client sends (raw text and parsed) per connection.
 */
import { WebSocketServer, type WebSocket } from 'ws';

export interface Conn {
  ws: WebSocket;
  /** Frames the client sent on this connection, parsed. */
  frames: { op: number; d: unknown }[];
  raw: string[];
}

type Waiter = { test: () => boolean; resolve: () => void };

export class FakeQqGateway {
  readonly conns: Conn[] = [];
  private wss: WebSocketServer | undefined;
  private waiters: Waiter[] = [];
  /** Sent to every new connection first (the Hello). */
  hello = '{"op":10,"d":{"heartbeat_interval":45000}}';
  /** Answers a heartbeat with `{"op":11}`. */
  ackHeartbeats = true;

  async start(): Promise<string> {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    this.wss = wss;
    await new Promise<void>((r) => wss.once('listening', () => r()));
    wss.on('connection', (ws) => {
      const conn: Conn = { ws, frames: [], raw: [] };
      this.conns.push(conn);
      ws.on('message', (data) => {
        const text = (data as Buffer).toString('utf8');
        conn.raw.push(text);
        const frame = JSON.parse(text) as { op: number; d: unknown };
        conn.frames.push(frame);
        if (frame.op === 1 && this.ackHeartbeats) ws.send('{"op":11}');
        this.check();
      });
      ws.send(this.hello);
      this.check();
    });
    return `ws://127.0.0.1:${(wss.address() as { port: number }).port}/websocket/`;
  }

  /** The latest connection. */
  get last(): Conn {
    return this.conns.at(-1)!;
  }

  /** Resolves when `test` holds (checked after every connection and frame). */
  until(test: () => boolean): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  /** Resolves with the first frame of `op` on connection `index` (waits for it). */
  async frame(index: number, op: number): Promise<{ op: number; d: unknown }> {
    await this.until(() => this.conns[index]?.frames.some((f) => f.op === op) ?? false);
    return this.conns[index]!.frames.find((f) => f.op === op)!;
  }

  /** Notifies waiters; also used by tests after they changed what they wait on. */
  check(): void {
    for (const w of [...this.waiters]) {
      if (w.test()) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  }

  send(conn: Conn, text: string): void {
    conn.ws.send(text);
  }

  async close(): Promise<void> {
    for (const c of this.conns) c.ws.terminate();
    await new Promise<void>((r) => (this.wss ? this.wss.close(() => r()) : r()));
  }
}

/** A dispatch frame as the gateway writes it. */
export function dispatch(s: number, t: string, id: string, d: string): string {
  return `{"op":0,"s":${s},"t":"${t}","id":"${id}","d":${d}}`;
}

export const READY_D = '{"version":1,"session_id":"082ee18c-0be3-491b-9d8b-fbd95c51673a","user":{"id":"6158788878435714165","username":"bot","bot":true},"shard":[0,1]}';
