/**
 * The Mailer over SMTP (nodemailer): `smtp://host:port` (STARTTLS when the server offers it) or
 * `smtps://host:port` (TLS from the start), credentials in the URL if any. A 5xx reply (except
 * 503, a command out of sequence) is a permanent refusal; a 4xx reply, a timeout or a
 * connection failure is temporary.
 */
import { createTransport } from 'nodemailer';
import type { MailMessage, Mailer, SendResult } from './mailer.js';

export interface SmtpMailerOptions {
  /** `smtp://[user:pass@]host[:port]` or `smtps://...`. */
  readonly url: string;
  /** The From of every message: `vigil@example.org` or `Vigil <vigil@example.org>`. */
  readonly from: string;
  /** How long connecting, the greeting and each reply may take (ms). Default 10,000. */
  readonly timeoutMs?: number;
}

/** What nodemailer attaches to the errors it rejects with. */
interface SmtpError {
  readonly message?: string;
  readonly code?: string;
  readonly responseCode?: number;
  readonly permanent?: boolean;
  readonly response?: string;
}

/** The failure a nodemailer error means. Never throws. */
export function smtpFailure(error: unknown): Extract<SendResult, { outcome: 'failed' }> {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SmtpError;
  const code = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const detail = (e.response ?? e.message ?? String(error)).split('\n')[0]!.slice(0, 300);
  if (code === undefined) {
    // No reply from a server: a connection, a timeout, or (EENVELOPE) no usable recipient.
    return {
      outcome: 'failed',
      permanent: e.code === 'EENVELOPE',
      detail: e.code !== undefined ? `${e.code}: ${detail}` : detail,
    };
  }
  const permanent = typeof e.permanent === 'boolean' ? e.permanent : code >= 500 && code !== 503;
  return { outcome: 'failed', permanent, code, detail };
}

export class SmtpMailer implements Mailer {
  readonly #transport;
  readonly #from: string;

  constructor(options: SmtpMailerOptions) {
    const timeout = options.timeoutMs ?? 10_000;
    this.#transport = createTransport({
      url: options.url,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
    this.#from = options.from;
  }

  async send(message: MailMessage): Promise<SendResult> {
    try {
      await this.#transport.sendMail({
        from: this.#from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        ...(message.messageId !== undefined ? { messageId: message.messageId } : {}),
        ...(message.headers !== undefined ? { headers: { ...message.headers } } : {}),
      });
      return { outcome: 'sent' };
    } catch (error) {
      return smtpFailure(error);
    }
  }

  async close(): Promise<void> {
    this.#transport.close();
  }
}
