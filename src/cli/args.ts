/** Command-line options, parsed with node:util parseArgs; mistakes become usage errors. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseInstant } from '../core/instant.js';
import { usageError } from './cli-error.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The values parseArgs gives for a set of options. */
export type Values = Record<string, string | boolean | string[] | undefined>;

/**
 * Parses `args` strictly against `options` (no positionals unless `positionals`), turning every
 * parse failure into a usage error that names the command.
 */
export function parseCommandArgs<T extends Options>(command: string, args: readonly string[], options: T, positionals = false) {
  try {
    const config = { args: [...args], options: { help: { type: 'boolean', short: 'h' } as const, ...options }, allowPositionals: positionals, strict: true as const };
    return parseArgs(config);
  } catch (error) {
    throw usageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, '.'), command);
  }
}

/** The value of a required string option, or a usage error naming it. */
export function requireString(command: string, values: Values, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw usageError(`missing --${name}`, command);
  return value;
}

/** An optional ISO 8601 instant option as ms since the epoch, or a usage error naming it. */
export function optionalInstant(command: string, values: Values, name: string): number | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  const ms = typeof value === 'string' ? parseInstant(value) : undefined;
  if (ms === undefined) throw usageError(`--${name} must be an ISO 8601 instant with a time zone, e.g. 2023-10-07T03:00:00Z (got "${String(value)}")`, command);
  return ms;
}
