/**
 * Email channel: sends each notification as an email through a Mailer, with a one-click
 * acknowledgment link (a signed, expiring token: see ack-token.ts) for a warning version, and
 * without one for an all-clear. The Message-ID is stable across retries (like the webhook's
 * idempotency id). A temporary refusal or an unreachable server is `failed` (the engine
 * retries); a permanent refusal (5xx) is permanent.
 */
import type { AckTokens } from './ack-token.js';
import type { ChannelSender, DeliveryResult, Notification } from './channel.js';
import type { Mailer } from './mailer.js';
import type { Contact } from './organisation-store.js';
import { warningEmail, type WarningLinks } from './warning-email.js';

export interface EmailChannelOptions {
  readonly mailer: Mailer;
  /** Signs the acknowledgment links; without it the email has none. */
  readonly tokens?: AckTokens;
  /** The address people reach the server at (`https://vigil.example.org`); links need it. */
  readonly publicUrl?: () => string | undefined;
  readonly clock?: () => Date;
}

/** The acknowledgment route of a token. */
export function ackPath(token: string): string {
  return `/api/v1/ack/${token}`;
}

/** A Message-ID made of the notification id (a person id may hold `:`, which a Message-ID may not). */
export function messageIdOf(id: string, kind = 'warning'): string {
  return `<${kind}.${id.replace(/[^A-Za-z0-9._-]/g, (c) => `=${c.charCodeAt(0).toString(16)}`)}@vigil>`;
}

export class EmailChannel implements ChannelSender {
  readonly channel = 'email' as const;
  readonly #clock: () => Date;

  constructor(private readonly options: EmailChannelOptions) {
    this.#clock = options.clock ?? (() => new Date());
  }

  reaches(contact: Contact): boolean {
    return contact.email !== undefined;
  }

  /** The links of a notification's email, minted now. */
  links(n: Notification): WarningLinks {
    const base = this.options.publicUrl?.()?.replace(/\/$/, '');
    if (base === undefined) return {};
    const view = `${base}/warnings/${encodeURIComponent(n.warning)}`;
    if (n.allClear || this.options.tokens === undefined) return { view };
    const now = this.#clock().getTime();
    const token = this.options.tokens.mint({ warning: n.warning, version: n.version, person: n.person }, now);
    const until = this.options.tokens.check(token, now);
    return {
      acknowledge: base + ackPath(token),
      ...(until.ok ? { acknowledgeUntil: new Date(until.claim.expires).toISOString() } : {}),
      view,
    };
  }

  async deliver(n: Notification): Promise<DeliveryResult> {
    const to = n.contact.email;
    if (to === undefined) return { outcome: 'failed', permanent: true, detail: 'no email address' };
    const email = warningEmail(n, this.links(n));
    const result = await this.options.mailer.send({
      to,
      ...email,
      messageId: messageIdOf(n.id, n.allClear ? 'all-clear' : 'warning'),
      headers: { 'X-Vigil-Delivery': n.id, 'X-Vigil-Attempt': String(n.attempt) },
    });
    if (result.outcome === 'sent') return { outcome: 'delivered' };
    return {
      outcome: 'failed',
      permanent: result.permanent,
      ...(result.code !== undefined ? { status: result.code } : {}),
      detail: result.detail,
    };
  }
}
