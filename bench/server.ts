/**
 * Loopback servers for the bench, in their own process so the client's CPU is measured alone:
 * a Milky HTTP API (`POST /api/<action>`) and a OneBot 11 forward WebSocket that answers every frame
 * with an ok envelope carrying its echo. Prints `{"http":port,"ws":port}` once listening.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { getMessageResult, sendGroupMessageResult } from './payloads.js';

const bodies: Record<string, string> = {
  '/api/send_group_message': JSON.stringify({ status: 'ok', retcode: 0, data: sendGroupMessageResult }),
  '/api/get_message': JSON.stringify({ status: 'ok', retcode: 0, data: getMessageResult }),
};

const http = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const body = bodies[req.url ?? ''];
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
    res.end(body ?? '{"status":"failed","retcode":-404,"message":"no such action"}');
  });
});

// Idle keep-alive sockets stay open for the whole bench (the default 5 s races with pooled clients).
http.keepAliveTimeout = 600_000;

const wsHttp = createServer();
const wss = new WebSocketServer({ server: wsHttp, perMessageDeflate: false });
wss.on('connection', (ws) => {
  ws.on('message', (data: Buffer) => {
    const frame = JSON.parse(data.toString('utf8')) as { echo: unknown };
    ws.send(`{"status":"ok","retcode":0,"data":{"message_id":123456},"echo":${JSON.stringify(frame.echo)}}`);
  });
});

await Promise.all([new Promise<void>((r) => http.listen(0, '127.0.0.1', r)), new Promise<void>((r) => wsHttp.listen(0, '127.0.0.1', r))]);
process.stdout.write(`${JSON.stringify({ http: (http.address() as AddressInfo).port, ws: (wsHttp.address() as AddressInfo).port })}\n`);
process.on('disconnect', () => process.exit(0));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
