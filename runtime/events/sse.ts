/**
 * SSE event receiver (Milky `GET /event`): qqwire connects, reads `text/event-stream`, and hands each
 * message named `transport.events.sse.event` to the sink; reconnects with the WS transport's backoff.
 *
 *   const receiver = createSseReceiver({ protocol, url: 'http://127.0.0.1:3000', accessToken, sink: hub });
 *   await receiver.start();   // resolves once the stream is open
 *
 * A message cut by a dropped connection is discarded whole (as the SSE spec says) and never half-parsed;
 * everything dispatched before the drop was delivered once. A 401/403 stops the receiver (AuthError).
 */
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { AuthError, NetworkError, ProtocolError, redactError } from '../errors.js';
import { parseJson } from '../json.js';
import type { ProtocolDescriptor } from '../transport.js';
import type { BackoffOptions } from '../ws-transport.js';
import { safeHost, streamHeaders, streamUrl } from './client-url.js';
import type { StreamAuthOptions } from './stream-auth.js';
import { badPayload, deliver, report } from './deliver.js';
import type { EventReceiver, EventSink } from './receiver.js';
import { Reconnector } from './reconnect.js';
import { SseParser } from './sse-parser.js';

export interface SseReceiverOptions extends StreamAuthOptions, BackoffOptions {
  protocol: ProtocolDescriptor;
  /** `http://host:port` (the schema's path is added) or the full stream URL. */
  url: string;
  sink: EventSink;
  headers?: Record<string, string> | undefined;
  /** Random source for the backoff jitter (tests). */
  random?: (() => number) | undefined;
}

export function createSseReceiver(options: SseReceiverOptions): EventReceiver {
  const { protocol, sink } = options;
  const sse = protocol.transport.events?.sse;
  if (!sse) throw new TypeError(`${protocol.name} has no SSE event stream`);
  const url = streamUrl(options.url, sse.path, protocol, options);
  const ctx = { protocol: protocol.name };
  const secrets = options.accessToken ? [options.accessToken] : [];
  const info = { delivery: 'sse' } as const;
  let req: ClientRequest | undefined;
  let started: { resolve: () => void; reject: (e: unknown) => void } | undefined;
  let startPromise: Promise<void> | undefined;
  const reconnector = new Reconnector(connect, options, options.random);

  function fail(error: Error): void {
    report(sink, redactError(error, secrets));
  }

  function fatal(error: Error): void {
    reconnector.stop();
    fail(error);
    started?.reject(error);
    started = undefined;
  }

  function dropped(why: string): void {
    req = undefined;
    if (reconnector.stopped) return;
    const delay = reconnector.schedule();
    if (delay !== undefined) fail(new NetworkError(ctx, `event stream ${safeHost(url)} ${why}; reconnecting in ${delay} ms`));
  }

  function onResponse(r: ClientRequest, res: IncomingMessage): void {
    const status = res.statusCode ?? 0;
    if (status === 401 || status === 403) {
      res.resume();
      fatal(new AuthError(ctx, `event stream rejected: HTTP ${status} (check the access token)`, { status, attempts: 1 }));
      return;
    }
    const type = String(res.headers['content-type'] ?? '');
    if (status !== 200 || !type.startsWith('text/event-stream')) {
      res.resume();
      dropped(`answered HTTP ${status} ${type || '(no content type)'}`);
      return;
    }
    started?.resolve();
    started = undefined;
    const decoder = new TextDecoder('utf-8');
    const parser = new SseParser((message) => {
      reconnector.succeeded();
      if (message.event !== sse!.event) {
        report(sink, new ProtocolError(ctx, `unexpected SSE event "${message.event}"`, message.data));
        return;
      }
      let payload: unknown;
      try {
        payload = parseJson(message.data);
      } catch (error) {
        badPayload(sink, protocol.name, 'sse', message.data, error);
        return;
      }
      void deliver(sink, payload, info);
    });
    res.on('data', (chunk: Buffer) => parser.feed(decoder.decode(chunk, { stream: true })));
    res.on('error', () => undefined); // 'close' follows and reconnects
    res.on('close', () => {
      if (req === r) dropped('closed');
    });
  }

  function connect(): void {
    const headers = { accept: 'text/event-stream', 'cache-control': 'no-cache', ...options.headers, ...streamHeaders(protocol, options) };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const r = send(url, { method: 'GET', headers, agent: false });
    req = r;
    r.on('response', (res) => onResponse(r, res));
    r.on('error', (error) => {
      if (req !== r) return;
      fail(new NetworkError(ctx, `event stream ${safeHost(url)} failed: ${error.message}`));
      dropped('failed');
    });
    r.end();
  }

  return {
    kind: 'sse',
    start() {
      if (startPromise) return startPromise;
      startPromise = new Promise<void>((resolve, reject) => (started = { resolve, reject }));
      connect();
      return startPromise;
    },
    async close() {
      reconnector.stop();
      started?.reject(new NetworkError(ctx, 'receiver closed'));
      started = undefined;
      const r = req;
      req = undefined;
      if (r && !r.destroyed) {
        await new Promise<void>((resolve) => {
          r.once('close', () => resolve());
          r.destroy();
        });
      }
    },
  };
}
