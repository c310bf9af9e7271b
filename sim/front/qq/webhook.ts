/**
 * Webhook delivery: the simulator POSTs to the bot's URL as the platform does. First the callback URL
 * validation (op `validation` with `{plain_token, event_ts}`; the answer's signature must verify), then
 * each dispatch signed with ed25519 over `timestamp + body` (key from the bot secret, header names from
 * `transport.events.callback`). The `duplicateEvents` fault delivers each dispatch twice.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import type { CallbackEventsInfo } from '../../../runtime/transport.js';
import { qqWebhookSigner, type QqWebhookSigner } from '../../../runtime/events/qq-webhook.js';
import type { Dispatch } from './dispatch.js';

export class QqWebhookSender {
  private readonly signer: QqWebhookSigner;
  private seq = 0;
  /** Deliveries answered with a 2xx, and the others. */
  readonly stats = { delivered: 0, failed: 0 };

  constructor(private readonly facts: CallbackEventsInfo, secret: string, private readonly appId: string, private readonly url: string, private readonly duplicate: () => boolean, private readonly now: () => number) {
    this.signer = qqWebhookSigner(secret);
  }

  private async post(body: string): Promise<{ status: number; text: string }> {
    const ts = String(Math.floor(this.now() / 1000));
    const signature = Buffer.from(this.signer.sign(Buffer.from(ts + body, 'utf8'))).toString('hex');
    const headers: Record<string, string> = { 'content-type': 'application/json', [this.facts.signatureHeader]: signature, [this.facts.timestampHeader]: ts };
    if (this.facts.appIdHeader) headers[this.facts.appIdHeader] = this.appId;
    const res = await request(this.url, { method: 'POST', headers, body });
    return { status: res.statusCode, text: await res.body.text() };
  }

  /** The URL validation handshake; rejects when the bot's answer does not verify. */
  async validate(): Promise<void> {
    const f = this.facts.validationFields;
    const token = randomBytes(12).toString('hex');
    const ts = String(Math.floor(this.now() / 1000));
    const { status, text } = await this.post(JSON.stringify({ op: this.facts.opcodes.validation, d: { [f.token]: token, [f.timestamp]: ts } }));
    const answer = status === 200 ? (JSON.parse(text) as Record<string, unknown>) : {};
    const sig = answer[f.signature];
    const ok = answer[f.token] === token && typeof sig === 'string' && /^[0-9a-f]{128}$/i.test(sig) && this.signer.verify(Buffer.from(ts + token, 'utf8'), Buffer.from(sig, 'hex'));
    if (!ok) throw new Error(`webhook URL validation failed (HTTP ${status})`);
  }

  async deliver(event: Dispatch): Promise<void> {
    const body = JSON.stringify({ op: this.facts.opcodes.dispatch, s: ++this.seq, t: event.t, id: event.id, d: event.d });
    for (let i = this.duplicate() ? 2 : 1; i > 0; i--) {
      const { status } = await this.post(body);
      if (status >= 200 && status < 300) this.stats.delivered++;
      else this.stats.failed++;
    }
  }
}
