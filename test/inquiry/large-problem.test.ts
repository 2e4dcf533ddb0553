/**
 * A problem with more reports than a call can take arguments (about 125,000): nothing in the
 * inquiry spreads them into a call. The functions are tested directly with large arrays, which
 * is what a 130,000-report store hands them, without the minutes it takes to load one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/app/store.js';
import type { Problem, Report } from '../../src/core/model.js';
import type { ReportEntry, VersionEntry } from '../../src/inquiry/history.js';
import { defaultWindowStart } from '../../src/inquiry/inquiry.js';
import { seqRange, verifyForWindow } from '../../src/inquiry/log-verification.js';

const N = 300_000;
const T0 = Date.parse('2023-01-01T00:00:00Z');
const TINY: Problem = {
  id: 'tiny',
  title: 't',
  hypotheses: [
    { id: 'calm', title: 'c', prior: 0.9 },
    { id: 'strike', title: 's', prior: 0.1, dangerous: true },
  ],
  indicators: [{ id: 'scouts', title: 'Scouts', likelihood: { calm: 0.2, strike: 0.8 } }],
  warning: { levels: [{ id: 'normal', threshold: 0 }, { id: 'warning', threshold: 0.5 }] },
};

describe(`the inquiry's window over ${N} reports`, () => {
  it('starts at the earliest report received, without overflowing the stack', () => {
    const version: VersionEntry = { seq: 1, hash: 'h', appendedAt: T0 + 10_000_000, actor: 'senior', version: 1, problem: TINY };
    const reports = Array.from({ length: N }, (_, k): ReportEntry => {
      const received = T0 + (N - k) * 1_000;
      const report: Report = { id: `r${k}`, indicator: 'scouts', observed: 'present', at: received, received, source: 's', reliability: 'B', credibility: '2' };
      return { seq: k + 2, hash: 'h', appendedAt: received, actor: 'x', report, classification: 'UNCLASSIFIED', compartments: [], backfilled: true };
    });
    expect(defaultWindowStart({ versions: [version], reports })).toBe(T0 + 1_000);
    expect(defaultWindowStart({ versions: [version], reports: [] })).toBe(T0 + 10_000_000);
  });

  it('finds the first and last seq of the window', () => {
    const seqs = Array.from({ length: N }, (_, k) => (k * 7_919) % N + 5);
    expect(seqRange(seqs)).toEqual({ firstSeq: 5, lastSeq: N + 4 });
    expect(seqRange([])).toEqual({ firstSeq: null, lastSeq: null });
  });
});

describe(`the verification of a window of ${N} events`, () => {
  let dir: string;
  let store: Store;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-inq-large-'));
    store = await Store.open({ dataDir: dir, clock: () => new Date(T0) });
    await store.defineProblem(TINY, 'senior');
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('describes the window without overflowing the stack', async () => {
    const seqs = Array.from({ length: N }, (_, k) => k + 1);
    const v = await verifyForWindow(store, T0, T0 + 1, seqs);
    expect(v.ok).toBe(true);
    expect(v.window).toMatchObject({ firstSeq: 1, lastSeq: N, events: N });
  });
});
