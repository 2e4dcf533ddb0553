/**
 * A real SMTP server on loopback for the email tests (smtp-server: no TLS, no authentication),
 * keeping every message it accepts, parsed (mailparser). Each recipient's RCPT can be answered
 * with an SMTP reply code per attempt (451: try later, 550: refused) to test retries.
 */
import { once } from 'node:events';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A message the server accepted. */
export interface ReceivedMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly messageId: string;
  readonly headers: ReadonlyMap<string, unknown>;
  /** Clock instant it arrived at (ms), as the test's clock says. */
  readonly at: number;
}

export interface SmtpFixture {
  /** `smtp://127.0.0.1:<port>` */
  readonly url: string;
  readonly received: ReceivedMail[];
  /** How RCPT TO answers attempt n (from 1) for an address: undefined accepts, a code refuses. */
  answer(address: string, fn: (attempt: number) => number | undefined): void;
  /** Messages to an address. */
  to(address: string): ReceivedMail[];
  /** Waits until at least `n` messages reached `address` (SMTP hands them over asynchronously). */
  waitFor(address: string, n: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

export async function startSmtp(clock: () => Date = () => new Date()): Promise<SmtpFixture> {
  const received: ReceivedMail[] = [];
  const answers = new Map<string, (attempt: number) => number | undefined>();
  const attempts = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    secure: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const attempt = (attempts.get(address.address) ?? 0) + 1;
      attempts.set(address.address, attempt);
      const code = answers.get(address.address)?.(attempt);
      if (code === undefined) return callback();
      const error = Object.assign(new Error(code >= 500 ? 'mailbox unavailable' : 'try again later'), {
        responseCode: code,
      });
      return callback(error);
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          for (const rcpt of session.envelope.rcptTo) {
            received.push({
              to: rcpt.address,
              subject: mail.subject ?? '',
              text: mail.text ?? '',
              html: typeof mail.html === 'string' ? mail.html : '',
              messageId: mail.messageId ?? '',
              headers: mail.headers,
              at: clock().getTime(),
            });
          }
          callback();
        },
        (error: unknown) => callback(error as Error),
      );
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const { port } = server.server.address() as { port: number };
  const fixture: SmtpFixture = {
    url: `smtp://127.0.0.1:${port}`,
    received,
    answer: (address, fn) => void answers.set(address, fn),
    to: (address) => received.filter((m) => m.to === address),
    async waitFor(address, n, timeoutMs = 5_000) {
      const until = Date.now() + timeoutMs;
      while (fixture.to(address).length < n) {
        if (Date.now() > until)
          throw new Error(`${address} received ${fixture.to(address).length} of ${n} messages`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return fixture.to(address);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return fixture;
}
