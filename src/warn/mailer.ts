/**
 * The port for sending email: one message to one address, as plain text with an HTML
 * alternative. Adapter: `smtp-mailer.ts`. A send never throws: it answers sent, or failed
 * (temporary: try again later; permanent: the server refused this message for good).
 */

export interface MailMessage {
  /** One address. */
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** A stable Message-ID (`<left@right>`), so that a resent message is recognisably the same one. */
  readonly messageId?: string;
  /** Extra headers (`X-Vigil-*`). */
  readonly headers?: Readonly<Record<string, string>>;
}

export type SendResult =
  | { readonly outcome: 'sent' }
  | {
      readonly outcome: 'failed';
      readonly permanent: boolean;
      /** The SMTP reply code, when the server answered with one. */
      readonly code?: number;
      readonly detail: string;
    };

export interface Mailer {
  send(message: MailMessage): Promise<SendResult>;
  /** Releases connections (idempotent). */
  close(): Promise<void>;
}
