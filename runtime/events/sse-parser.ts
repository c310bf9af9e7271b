/**
 * A streaming parser for `text/event-stream` (WHATWG HTML, "Parsing an event stream"): lines end in
 * CRLF, LF or CR (a CRLF may be split across chunks), `:` lines are comments (keep-alives), `data:`
 * lines join with `\n`, a blank line dispatches, a message with no data is dropped. Feed it text
 * decoded with a streaming TextDecoder so a UTF-8 sequence split across chunks stays whole.
 */
export interface SseMessage {
  /** The `event:` field, `message` when absent. */
  event: string;
  data: string;
  /** The last `id:` seen on the stream (empty when none). */
  id: string;
}

export class SseParser {
  private rest = '';
  private skipLf = false;
  private started = false;
  private data: string[] = [];
  private event = '';
  private lastId = '';

  constructor(private readonly onMessage: (message: SseMessage) => void) {}

  feed(text: string): void {
    if (!this.started && text.length) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.skipLf && text.startsWith('\n')) text = text.slice(1);
    this.skipLf = false;
    let buffer = this.rest + text;
    let start = 0;
    // Next CR / LF at or after `start`, rescanned only once passed (a stream without CR stays linear).
    let cr = -2;
    let lf = -2;
    for (;;) {
      if (cr !== -1 && cr < start) cr = buffer.indexOf('\r', start);
      if (lf !== -1 && lf < start) lf = buffer.indexOf('\n', start);
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      if (end === -1) break;
      this.line(buffer.slice(start, end));
      if (buffer.charCodeAt(end) === 13) {
        if (end + 1 === buffer.length) {
          // A CR at the end of the chunk: its LF may open the next one.
          this.skipLf = true;
          start = end + 1;
          break;
        }
        start = buffer.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
      } else start = end + 1;
    }
    this.rest = buffer.slice(start);
    buffer = '';
  }

  /** Discards a half-received message (the connection dropped mid-event: the spec drops it too). */
  reset(): void {
    this.rest = '';
    this.skipLf = false;
    this.data = [];
    this.event = '';
  }

  private line(line: string): void {
    if (line === '') {
      this.dispatch();
      return;
    }
    if (line.charCodeAt(0) === 58) return; // ':' comment
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    switch (field) {
      case 'data':
        this.data.push(value);
        break;
      case 'event':
        this.event = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastId = value;
        break;
      default:
        break; // `retry` and unknown fields: the server's reconnect hint is not used (qqwire's backoff is)
    }
  }

  private dispatch(): void {
    const data = this.data;
    const event = this.event;
    this.data = [];
    this.event = '';
    if (data.length === 0) return;
    this.onMessage({ event: event || 'message', data: data.join('\n'), id: this.lastId });
  }
}
