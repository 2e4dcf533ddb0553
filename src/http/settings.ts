/**
 * The server's settings, from (highest first) command-line flags, environment variables, an
 * optional config file (YAML or JSON: `--config FILE` or VIGIL_CONFIG), then defaults. A bad
 * value is an error naming where it came from.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { VigilError } from '../core/errors.js';
import { formatIssue } from '../core/issues.js';
import { issuesFromZod } from '../core/problem-schema.js';

const port = z.coerce.number({ error: 'must be a port number' }).int('must be a whole number').min(0, 'must be 0-65535').max(65535, 'must be 0-65535');
const perMinute = z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1');
const flag = z.union([z.boolean(), z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')], { error: 'must be true or false' });

export const settingsSchema = z.strictObject({
  host: z.string().min(1).optional(),
  port: port.optional(),
  data: z.string().min(1).optional(),
  databaseUrl: z.string().optional(),
  databaseSchema: z.string().optional(),
  signingKey: z.string().optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'must be fatal, error, warn, info, debug, trace or silent' }).optional(),
  requestsPerMinute: perMinute.optional(),
  signInPerMinute: perMinute.optional(),
  secureCookies: flag.optional(),
  trustProxy: flag.optional(),
  webhookSecret: z.string().min(16, 'must be at least 16 characters').optional(),
  publicUrl: z.url('must be an http(s) URL').optional(),
  smtpUrl: z.string().regex(/^smtps?:\/\/[^\s/?#]+\/?(\?[^\s#]*)?$/, 'must be smtp://[user:pass@]host[:port] or smtps://...').optional(),
  mailFrom: z.string().min(3).max(320).regex(/@/, 'must be an address: vigil@example.org or "Vigil <vigil@example.org>"').optional(),
  ackSecret: z.string().min(16, 'must be at least 16 characters').optional(),
  capSender: z.string().regex(/^[^\s,<&]{1,255}$/u, 'must be 1 to 255 characters without spaces, ",", "<" or "&" (a CAP sender, e.g. vigil@example.org)').optional(),
});

export type SettingsInput = z.input<typeof settingsSchema>;

export interface Settings {
  readonly host: string;
  readonly port: number;
  readonly data: string;
  readonly databaseUrl?: string;
  readonly databaseSchema?: string;
  readonly signingKey?: string;
  readonly logLevel: string;
  readonly requestsPerMinute: number;
  readonly signInPerMinute: number;
  readonly secureCookies?: boolean;
  readonly trustProxy: boolean;
  /** The HMAC secret of webhook signatures; default `<data>/webhook-secret`, created on first start. */
  readonly webhookSecret?: string;
  /** The SMTP server warning emails and briefings go through; no email without it. */
  readonly smtpUrl?: string;
  /** The From of every email; default `Vigil <vigil@localhost>`. */
  readonly mailFrom?: string;
  /** The HMAC secret of acknowledgment links; default `<data>/ack-secret`, created on first start. */
  readonly ackSecret?: string;
  /** The address people reach this server at (links in webhooks, emails and CAP alerts). */
  readonly publicUrl?: string;
  /** The CAP `sender` of warning alerts; default `vigil@localhost`. */
  readonly capSender?: string;
}

/** Environment variables and the setting each sets. */
export const ENVIRONMENT: Readonly<Record<string, keyof SettingsInput>> = {
  VIGIL_HOST: 'host',
  VIGIL_PORT: 'port',
  VIGIL_DATA: 'data',
  VIGIL_DATABASE_URL: 'databaseUrl',
  VIGIL_DATABASE_SCHEMA: 'databaseSchema',
  VIGIL_SIGNING_KEY: 'signingKey',
  VIGIL_LOG_LEVEL: 'logLevel',
  VIGIL_REQUESTS_PER_MINUTE: 'requestsPerMinute',
  VIGIL_SIGN_IN_PER_MINUTE: 'signInPerMinute',
  VIGIL_SECURE_COOKIES: 'secureCookies',
  VIGIL_TRUST_PROXY: 'trustProxy',
  VIGIL_WEBHOOK_SECRET: 'webhookSecret',
  VIGIL_PUBLIC_URL: 'publicUrl',
  VIGIL_SMTP_URL: 'smtpUrl',
  VIGIL_MAIL_FROM: 'mailFrom',
  VIGIL_ACK_SECRET: 'ackSecret',
  VIGIL_CAP_SENDER: 'capSender',
};

function validated(input: unknown, where: string): z.output<typeof settingsSchema> {
  const parsed = settingsSchema.safeParse(input, { reportInput: true });
  if (parsed.success) return parsed.data;
  throw new VigilError('REQUEST_INVALID', `${where}: ${issuesFromZod(parsed.error).map(formatIssue).join('; ')}`);
}

/**
 * Resolves the settings from flags (already parsed, by setting name), the environment and the
 * config file. Throws VigilError REQUEST_INVALID naming the bad value and its source.
 */
export async function resolveSettings(flags: SettingsInput, env: NodeJS.ProcessEnv, configFile?: string): Promise<Settings> {
  let file: z.output<typeof settingsSchema> = {};
  const path = configFile ?? env.VIGIL_CONFIG;
  if (path !== undefined && path !== '') {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new VigilError('REQUEST_INVALID', `config file ${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    let parsed: unknown;
    try {
      parsed = parseYaml(text);
    } catch (error) {
      throw new VigilError('REQUEST_INVALID', `config file ${path}: not YAML or JSON (${(error as Error).message.split('\n')[0]})`);
    }
    file = validated(parsed ?? {}, `config file ${path}`);
  }
  const fromEnv: Record<string, string> = {};
  for (const [name, key] of Object.entries(ENVIRONMENT)) {
    const value = env[name];
    if (value !== undefined && value !== '') fromEnv[key] = value;
  }
  const environment = validated(fromEnv, 'environment');
  const command = validated(flags, 'options');
  const merged = { ...file, ...environment, ...command };
  return {
    host: merged.host ?? '127.0.0.1',
    port: merged.port ?? 8080,
    data: merged.data ?? 'data',
    ...(merged.databaseUrl ? { databaseUrl: merged.databaseUrl } : {}),
    ...(merged.databaseSchema ? { databaseSchema: merged.databaseSchema } : {}),
    ...(merged.signingKey ? { signingKey: merged.signingKey } : {}),
    logLevel: merged.logLevel ?? 'info',
    requestsPerMinute: merged.requestsPerMinute ?? 1200,
    signInPerMinute: merged.signInPerMinute ?? 10,
    ...(merged.secureCookies !== undefined ? { secureCookies: merged.secureCookies } : {}),
    trustProxy: merged.trustProxy ?? false,
    ...(merged.webhookSecret !== undefined ? { webhookSecret: merged.webhookSecret } : {}),
    ...(merged.publicUrl !== undefined ? { publicUrl: merged.publicUrl.replace(/\/$/, '') } : {}),
    ...(merged.smtpUrl !== undefined ? { smtpUrl: merged.smtpUrl } : {}),
    ...(merged.mailFrom !== undefined ? { mailFrom: merged.mailFrom } : {}),
    ...(merged.ackSecret !== undefined ? { ackSecret: merged.ackSecret } : {}),
    ...(merged.capSender !== undefined ? { capSender: merged.capSender } : {}),
  };
}

/**
 * Warnings about settings that work on one server but not on several sharing a PostgreSQL
 * store behind a load balancer: the acknowledgment-link and webhook secrets default to files
 * in each server's own data directory, so a link made on one server fails on another, and a
 * receiver sees webhooks signed with different keys. One line per secret left to its default;
 * none on SQLite (one server). Never throws.
 */
export function unsharedSecretWarnings(settings: Settings): string[] {
  if (settings.databaseUrl === undefined) return [];
  const unset = [
    ...(settings.ackSecret === undefined ? [['ackSecret', 'VIGIL_ACK_SECRET', 'ack-secret', 'acknowledgment links made by one server are refused by the others']] : []),
    ...(settings.webhookSecret === undefined ? [['webhookSecret', 'VIGIL_WEBHOOK_SECRET', 'webhook-secret', 'each server signs webhooks with its own key']] : []),
  ];
  return unset.map(
    ([name, variable, file, effect]) =>
      `${name} is not set: this server uses ${join(settings.data, file!)}, its own. With several servers on one PostgreSQL store, ${effect}: set ${variable} (or ${name}) to the same secret on every server.`,
  );
}
