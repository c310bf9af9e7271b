/** HTTP helpers shared by front ends: body reading, JSON answers, latency and rate-limit faults. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../runtime/read-body.js';
import type { Faults } from './types.js';
import { stringifyJson } from '../runtime/json.js';

const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** The body as text; undefined when it is larger than the simulator accepts. */
export async function readText(req: IncomingMessage): Promise<string | undefined> {
  const body = await readBody(req, MAX_BODY_BYTES);
  return body && new TextDecoder().decode(body);
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const text = typeof value === 'string' ? value : stringifyJson(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(text);
}

export const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Counts calls; says when the rate-limit fault answers this one with 429. */
export class RateLimiter {
  private calls = 0;
  constructor(private readonly faults: Faults) {}
  /** Retry-After seconds when this call is limited, else undefined. */
  hit(): number | undefined {
    const rl = this.faults.rateLimit;
    this.calls++;
    return rl && this.calls % rl.every === 0 ? rl.retryAfter : undefined;
  }
}

/** The bearer token in a header or, where allowed, in the query. */
export function presentedToken(req: IncomingMessage, header: string, scheme: string | undefined, query?: string): string | undefined {
  const value = req.headers[header.toLowerCase()];
  if (typeof value === 'string') {
    const prefix = scheme ? `${scheme} ` : '';
    return value.startsWith(prefix) ? value.slice(prefix.length) : undefined;
  }
  if (query) return new URL(req.url ?? '/', 'http://x').searchParams.get(query) ?? undefined;
  return undefined;
}
