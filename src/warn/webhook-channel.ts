/**
 * Webhook channel: POSTs the notification as JSON to the person's URL, signed with
 * HMAC-SHA256 over the exact body (`X-Vigil-Signature: sha256=<hex>`), with a stable
 * idempotency id (`X-Vigil-Delivery` and the body's `id`) so a receiver can drop repeats.
 * A 2xx is delivered; 408, 429, 5xx, a timeout or a network error are temporary; any other 4xx
 * is permanent.
 */
import { createHmac } from 'node:crypto';
import type { ChannelSender, DeliveryResult, Notification } from './channel.js';
import type { Contact } from './organisation-store.js';

export interface WebhookOptions {
  /** The shared secret of the signatures. */
  readonly secret: string;
  /** How long one attempt may take before it counts as failed (ms). Default 5,000. */
  readonly timeoutMs?: number;
  /** The link a receiver can show for acknowledging in the UI. */
  readonly publicUrl?: string;
}

/** The signature header's value for a body. */
export function webhookSignature(secret: string, body: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(body, 'utf8').digest('hex');
}

/** The JSON a webhook receives. */
export function webhookBody(n: Notification, publicUrl?: string): Record<string, unknown> {
  return {
    id: n.id,
    type: n.allClear ? 'warning.all-clear' : 'warning',
    // Why it closed: a dissent's warning also closes when the official one takes it over.
    ...(n.allClear ? { closedBecause: n.closedBecause ?? 'all-clear' } : {}),
    warning: n.warning,
    version: n.version,
    problem: { id: n.problem, title: n.problemTitle },
    recipient: { person: n.person, reason: n.reason, ...(n.role !== undefined ? { role: n.role } : {}), ...(n.standingInFor ? { standingInFor: n.standingInFor } : {}) },
    level: n.judgment.level,
    pDangerous: n.judgment.pDangerous,
    words: n.judgment.words,
    leading: n.judgment.leading,
    assessedAt: n.judgment.at,
    evidence: n.judgment.evidence,
    // Reports of the evidence the recipient may not see: counted, never named.
    withheld: n.withheld,
    collect: n.judgment.collect,
    ...(publicUrl !== undefined ? { link: `${publicUrl}/warnings/${n.warning}` } : {}),
  };
}

export class WebhookChannel implements ChannelSender {
  readonly channel = 'webhook' as const;
  constructor(private readonly options: WebhookOptions) {}

  reaches(contact: Contact): boolean {
    return contact.webhook !== undefined;
  }

  async deliver(n: Notification): Promise<DeliveryResult> {
    const url = n.contact.webhook;
    if (url === undefined) return { outcome: 'failed', permanent: true, detail: 'no webhook URL' };
    const body = JSON.stringify(webhookBody(n, this.options.publicUrl));
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-vigil-delivery': n.id,
          'x-vigil-attempt': String(n.attempt),
          'x-vigil-signature': webhookSignature(this.options.secret, body),
        },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
        redirect: 'error',
      });
      // The answer's body is not needed; release the connection.
      await response.body?.cancel().catch(() => undefined);
      if (response.ok) return { outcome: 'delivered', status: response.status };
      const temporary = response.status === 408 || response.status === 429 || response.status >= 500;
      return { outcome: 'failed', permanent: !temporary, status: response.status, detail: `HTTP ${response.status}` };
    } catch (error) {
      const name = (error as Error).name;
      return { outcome: 'failed', permanent: false, detail: name === 'TimeoutError' ? 'timed out' : `network error (${(error as Error).message})` };
    }
  }
}
