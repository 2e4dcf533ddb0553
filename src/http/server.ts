/**
 * The running server: opens the store and the accounts, creates the first admin of an empty
 * store, builds the app, listens, and shuts down gracefully on SIGINT/SIGTERM (stops accepting,
 * finishes the requests in flight, ends the event streams, closes the store).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Accounts } from '../app/accounts.js';
import { WarningEngine } from '../warn/engine.js';
import { WebhookChannel } from '../warn/webhook-channel.js';
import { AckTokens } from '../warn/ack-token.js';
import { BriefingScheduler } from '../warn/briefing-scheduler.js';
import { EmailChannel } from '../warn/email-channel.js';
import { SmtpMailer } from '../warn/smtp-mailer.js';
import { Store } from '../app/store.js';
import { buildApp, type VigilApp } from './app.js';
import { unsharedSecretWarnings, type Settings } from './settings.js';
import { findWebRoot } from './web-ui.js';

export interface RunningServer extends VigilApp {
  readonly store: Store;
  readonly accounts: Accounts;
  /** The daily briefings, when email is configured (`smtpUrl`). */
  readonly briefing?: BriefingScheduler;
  /** The address it listens on, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** Stops the server and closes the store (idempotent). */
  close(): Promise<void>;
}

export interface StartOptions {
  /** Told once, when the first admin is created with a generated password. */
  readonly onAdminCreated?: (username: string, password: string, generated: boolean) => void;
  /** The admin password for an empty store (default VIGIL_ADMIN_PASSWORD); generated when absent. */
  readonly adminPassword?: string;
  readonly clock?: () => Date;
}

/** Opens everything and listens. Throws (and closes what it opened) when it cannot. */
export async function startServer(settings: Settings, options: StartOptions = {}): Promise<RunningServer> {
  const store = await Store.open({
    dataDir: settings.data,
    ...(settings.databaseUrl !== undefined ? { databaseUrl: settings.databaseUrl } : {}),
    ...(settings.databaseSchema !== undefined ? { schema: settings.databaseSchema } : {}),
    ...(settings.signingKey !== undefined ? { signingKeyPath: settings.signingKey } : {}),
    ...(options.clock !== undefined ? { clock: options.clock } : {}),
  });
  let built: VigilApp | undefined;
  let mailer: SmtpMailer | undefined;
  try {
    const accounts = await Accounts.open(store, options.clock !== undefined ? { clock: options.clock } : {});
    const admin = await accounts.ensureAdmin(options.adminPassword ?? nonEmpty(process.env.VIGIL_ADMIN_PASSWORD));
    if (admin !== undefined) options.onAdminCreated?.(admin.username, admin.password, admin.generated);
    const webhooks = new WebhookChannel({
      secret: settings.webhookSecret ?? (await ownerOnlySecret(join(settings.data, 'webhook-secret'))),
      ...(settings.publicUrl !== undefined ? { publicUrl: settings.publicUrl } : {}),
    });
    const ackTokens = new AckTokens(settings.ackSecret ?? (await ownerOnlySecret(join(settings.data, 'ack-secret'))));
    // Links point at the public address, else at the address listened on (known after listen).
    let listening: string | undefined = undefined;
    const publicUrl = () => settings.publicUrl ?? listening;
    mailer = settings.smtpUrl !== undefined ? new SmtpMailer({ url: settings.smtpUrl, from: settings.mailFrom ?? DEFAULT_MAIL_FROM }) : undefined;
    const email = mailer !== undefined ? [new EmailChannel({ mailer, tokens: ackTokens, publicUrl, ...(options.clock !== undefined ? { clock: options.clock } : {}) })] : [];
    const warnings = new WarningEngine(store, {
      channels: [webhooks, ...email],
      ...(options.clock !== undefined ? { clock: options.clock } : {}),
      onError: (error) => built?.app.log.error({ err: error }, 'warning engine'),
    });
    built = await buildApp({
      store,
      accounts,
      warnings,
      ackTokens,
      logger: settings.logLevel === 'silent' ? false : { level: settings.logLevel },
      requestsPerMinute: settings.requestsPerMinute,
      signInPerMinute: settings.signInPerMinute,
      trustProxy: settings.trustProxy,
      ...(settings.capSender !== undefined ? { capSender: settings.capSender } : {}),
      ...(settings.publicUrl !== undefined ? { publicUrl: settings.publicUrl } : {}),
      webRoot: findWebRoot(),
      ...(settings.secureCookies !== undefined ? { secureCookies: settings.secureCookies } : {}),
      ...(options.clock !== undefined ? { clock: options.clock } : {}),
    });
    for (const warning of unsharedSecretWarnings(settings)) built.app.log.warn(warning);
    const url = await built.app.listen({ host: settings.host, port: settings.port });
    listening = url;
    const app = built.app;
    const briefing =
      mailer !== undefined
        ? new BriefingScheduler(store, { mailer, publicUrl, ...(options.clock !== undefined ? { clock: options.clock } : {}), onError: (error) => app.log.error({ err: error }, 'daily briefing') })
        : undefined;
    briefing?.start();
    const openMailer = mailer;
    let closing: Promise<void> | undefined;
    return {
      ...built,
      store,
      accounts,
      url,
      ...(briefing !== undefined ? { briefing } : {}),
      close: () =>
        (closing ??= (async () => {
          await briefing?.stop();
          await app.close();
          await openMailer?.close();
          await store.close();
        })()),
    };
  } catch (error) {
    await built?.app.close().catch(() => undefined);
    await mailer?.close();
    await store.close();
    throw error;
  }
}

/** The From of emails when `mailFrom` is not set. */
export const DEFAULT_MAIL_FROM = 'Vigil <vigil@localhost>';

/** Reads a secret file, creating it (random, owner-only) when absent. */
async function ownerOnlySecret(path: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(dirname(path), { recursive: true });
    const secret = randomBytes(32).toString('base64url');
    await writeFile(path, secret + '\n', { mode: 0o600, flag: 'wx' }).catch(async () => undefined);
    return (await readFile(path, 'utf8')).trim();
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** Closes the server on SIGINT or SIGTERM; a second signal exits at once. */
export function closeOnSignals(server: RunningServer, log: (line: string) => void): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) process.exit(130);
      stopping = true;
      log(`${signal}: finishing requests in flight, then closing the store`);
      void server.close().then(resolve, (error: unknown) => {
        log(`error while closing: ${String(error)}`);
        resolve();
      });
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
}
