/**
 * The WebSocket gateway: Hello → Identify (token, intents, shard) → READY; heartbeats acknowledged;
 * dispatches numbered per session and kept, so a Resume after a dropped socket replays exactly what the
 * bot missed before RESUMED. Reconnect (op 7), Invalid Session (op 9) and a dropped socket are faults.
 * Opcodes, intent bits and event names come from the descriptor's `transport.events.gateway`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { GatewayEventsInfo } from '../../../runtime/transport.js';
import type { Dispatch } from './dispatch.js';

interface Session {
  id: string;
  intents: number;
  seq: number;
  /** Every frame sent in this session, for resumes. */
  sent: { s: number; text: string }[];
  socket: WebSocket | undefined;
}

export interface GatewayOptions {
  facts: GatewayEventsInfo;
  heartbeatIntervalMs: number;
  /** `'ok'` for a token the REST side accepts. */
  checkToken(token: string): 'ok' | 'expired' | 'unknown';
  readyUser: () => Record<string, unknown>;
  scheme: string;
  /** The `duplicateEvents` fault: every dispatch goes out twice with the same `s`. */
  duplicate: () => boolean;
}

export class QqGatewayServer {
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  private readonly sessions = new Map<string, Session>();
  /** Connections and frames seen, for tests and the demo. */
  readonly stats = { connections: 0, identifies: 0, resumes: 0, heartbeats: 0 };

  constructor(private readonly o: GatewayOptions) {
    this.wss.on('connection', (ws) => this.onConnection(ws));
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  private get op() {
    return this.o.facts.opcodes;
  }

  private onConnection(ws: WebSocket): void {
    this.stats.connections++;
    ws.send(JSON.stringify({ op: this.op.hello, d: { [this.o.facts.heartbeatIntervalField]: this.o.heartbeatIntervalMs } }));
    let session: Session | undefined;
    ws.on('message', (data) => {
      let frame: { op?: unknown; d?: unknown };
      try {
        frame = JSON.parse(String(data)) as typeof frame;
      } catch {
        ws.close(4001, 'invalid payload');
        return;
      }
      const d = (frame.d ?? {}) as Record<string, unknown>;
      switch (frame.op) {
        case this.op.heartbeat:
          this.stats.heartbeats++;
          ws.send(JSON.stringify({ op: this.op.heartbeatAck }));
          return;
        case this.op.identify: {
          if (!this.authorized(ws, d['token'])) return;
          this.stats.identifies++;
          session = { id: randomUUID(), intents: Number(d['intents'] ?? 0), seq: 0, sent: [], socket: ws };
          this.sessions.set(session.id, session);
          this.send(session, this.o.facts.readyEvent, undefined, { version: 1, [this.o.facts.sessionIdField]: session.id, user: this.o.readyUser(), shard: d['shard'] ?? [0, 1] });
          return;
        }
        case this.op.resume: {
          if (!this.authorized(ws, d['token'])) return;
          const known = this.sessions.get(String(d[this.o.facts.sessionIdField]));
          if (!known) {
            ws.send(JSON.stringify({ op: this.op.invalidSession, d: false }));
            return;
          }
          this.stats.resumes++;
          session = known;
          if (known.socket && known.socket !== ws) known.socket.terminate();
          known.socket = ws;
          const after = Number(d['seq'] ?? 0);
          for (const f of known.sent) if (f.s > after) ws.send(f.text);
          this.send(known, this.o.facts.resumedEvent, undefined, '');
          return;
        }
        default:
          ws.close(4001, 'invalid opcode');
      }
    });
    ws.on('close', () => {
      if (session?.socket === ws) session.socket = undefined;
    });
  }

  private authorized(ws: WebSocket, token: unknown): boolean {
    const prefix = this.o.scheme ? `${this.o.scheme} ` : '';
    const ok = typeof token === 'string' && token.startsWith(prefix) && this.o.checkToken(token.slice(prefix.length)) === 'ok';
    // 4004: authentication failed; not a fatal code, so the bot reconnects with a fresh token.
    if (!ok) ws.close(4004, 'invalid token');
    return ok;
  }

  private send(session: Session, t: string, id: string | undefined, d: unknown): void {
    const s = ++session.seq;
    const text = JSON.stringify({ op: this.op.dispatch, s, t, ...(id ? { id } : {}), d });
    session.sent.push({ s, text });
    const ws = session.socket;
    if (ws && ws.readyState === ws.OPEN) {
      ws.send(text);
      if (this.o.duplicate()) ws.send(text);
    }
  }

  /** Sends a dispatch to every session whose intents include the event's. */
  dispatch(event: Dispatch): number {
    const bit = this.o.facts.intents[event.intent];
    let n = 0;
    for (const session of this.sessions.values()) {
      if (bit === undefined || Math.floor(session.intents / 2 ** bit) % 2 === 0) continue;
      this.send(session, event.t, event.id, event.d);
      n++;
    }
    return n;
  }

  /** Fault: every socket dropped without a close frame (sessions stay resumable). */
  drop(): void {
    for (const s of this.sessions.values()) s.socket?.terminate();
  }

  /** Fault: op 7, the bot should reconnect and resume. */
  reconnect(): void {
    for (const s of this.sessions.values()) s.socket?.send(JSON.stringify({ op: this.op.reconnect }));
  }

  /** Fault: op 9, every session forgotten; the bot must identify again. */
  invalidSession(): void {
    for (const s of this.sessions.values()) s.socket?.send(JSON.stringify({ op: this.op.invalidSession, d: false }));
    this.sessions.clear();
  }

  close(): void {
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }
}
