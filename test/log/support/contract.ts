/**
 * What the contract test files share: the adapter loop that announces an adapter it cannot
 * run (and fails under CI, where every adapter must run), a fake clock, a test key.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'vitest';
import type { StoredEvent } from '../../../src/log/event.js';
import type { NewEvent } from '../../../src/log/event-log.js';
import { signingKeyFromPem } from '../../../src/log/signing-key.js';
import type { SigningKey } from '../../../src/log/signing-key.js';
import { ADAPTERS } from './adapters.js';
import type { AdapterFixture } from './adapters.js';

/**
 * Declares `suite` once per adapter. An adapter that cannot run here is announced on stderr
 * and as a test named "NOT RUN: ...", which fails when the CI variable is set.
 */
export function describeEachAdapter(title: string, suite: (adapter: AdapterFixture) => void): void {
  for (const adapter of ADAPTERS) {
    if (adapter.unavailable !== undefined) {
      const why = `${adapter.name === 'postgres' ? 'PostgreSQL' : adapter.name} ${title} NOT RUN: ${adapter.unavailable}`;
      console.warn(why);
      describe(`${title} on ${adapter.name}`, () => {
        test(why, () => {
          if (process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false') {
            throw new Error(`under CI every adapter must run: ${why}`);
          }
        });
      });
      continue;
    }
    describe(`${title} on ${adapter.name}`, () => suite(adapter));
  }
}

/** A clock the test moves by hand. */
export class FakeClock {
  constructor(public ms = Date.parse('2024-03-01T12:00:00.000Z')) {}
  readonly now = (): Date => new Date(this.ms);
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** A fresh Ed25519 signing key, in memory. */
export function testSigningKey(): SigningKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  return signingKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
}

/** `n` report-like events, numbered from `start`. */
export function reports(n: number, start = 0, stream = 'problem-a'): NewEvent[] {
  return Array.from({ length: n }, (_, k) => ({
    type: 'report.received',
    stream,
    actor: 'user-7',
    data: {
      reportId: `r-${start + k}`,
      grade: 'B2',
      text: `Column seen near the crossing, item ${start + k}`,
      weight: (start + k) / 8,
    },
  }));
}

/** Everything an async iterable yields. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** The events of a log, in order. */
export type Events = StoredEvent[];
