/**
 * Group commit: concurrent appends are written together, yet each request keeps its own
 * all-or-nothing answer, on both databases; pipelined, the next group is written while the
 * one before is in flight, and answers keep the groups' order.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isVigilError } from '../../src/core/errors.js';
import type { Problem, Report } from '../../src/core/model.js';
import { parseProblemText } from '../../src/core/problem-file.js';
import { REPORT_RECEIVED } from '../../src/app/events.js';
import { GroupCommit } from '../../src/app/group-commit.js';
import type { StoredEvent } from '../../src/log/event.js';
import type { NewEvent } from '../../src/log/event-log.js';
import { announceUnavailable, Store, STORES } from './stores.js';

const problem = (parseProblemText(readFileSync(new URL('../fixtures/tiny-problem.yaml', import.meta.url), 'utf8'), 'yaml') as { value: Problem }).value;
const T = Date.parse('2023-10-07T03:00:00Z');

function report(id: string, observed: 'present' | 'absent' = 'present'): Report {
  return { id, indicator: 'scouts', observed, at: T, received: T, source: `s-${id}`, reliability: 'B', credibility: '2' };
}

for (const fixture of STORES) {
  describe.runIf(fixture.unavailable === undefined)(`group commit on ${fixture.name}`, () => {
    let fresh: Awaited<ReturnType<typeof fixture.fresh>>;
    let store: Store;
    beforeEach(async () => {
      fresh = await fixture.fresh();
      store = await Store.open(fresh.options);
      await store.defineProblem(problem, 'test');
    });
    afterEach(async () => {
      await store.close();
      await fresh.dispose();
    });

    it('writes concurrent requests in fewer transactions than requests', async () => {
      const batches: number[] = [];
      store.log.subscribe((events) => batches.push(events.filter((e) => e.type === REPORT_RECEIVED).length));
      const results = await Promise.all(Array.from({ length: 40 }, (_, k) => store.recordReports('tiny', [{ report: report(`r${k}`) }], { actor: 'a', backfill: true })));
      expect(results.every((r) => r.accepted === 1)).toBe(true);
      expect(batches.reduce((a, b) => a + b, 0)).toBe(40);
      expect(batches.length).toBeLessThan(40);
      // Every request's seq is its own event's.
      const seqs = new Set(results.map((r) => r.seq));
      expect(seqs.size).toBe(40);
      expect((await store.assess('tiny', T)).counted).toHaveLength(40);
    });

    it('closing the store waits for the appends under way, which are written and answered', async () => {
      const appends = Array.from({ length: 20 }, (_, k) => store.append([{ type: 'test.filler', stream: 's', actor: 'a', data: { k } }]));
      await store.close();
      const stored = await Promise.all(appends);
      expect(stored.flat()).toHaveLength(20);
      // Reopened for afterEach's close: everything is there.
      store = await Store.open(fresh.options);
      const head = await store.log.head();
      expect(head!.seq).toBeGreaterThanOrEqual(21);
    });

    it('refuses only the request whose report id conflicts; the others in its group are written whole', async () => {
      await store.recordReports('tiny', [{ report: report('taken') }], { actor: 'a', backfill: true });
      const requests = [
        store.recordReports('tiny', [{ report: report('a1') }, { report: report('a2') }], { actor: 'a', backfill: true }),
        store.recordReports('tiny', [{ report: report('b1') }, { report: report('taken', 'absent') }], { actor: 'b', backfill: true }),
        store.recordReports('tiny', [{ report: report('c1') }, { report: report('taken') }], { actor: 'c', backfill: true }),
        // Two concurrent requests with one new id and different content: one wins, whichever
        // reaches the log first (on PostgreSQL the model read before it may reorder them).
        store.recordReports('tiny', [{ report: report('d1') }], { actor: 'd', backfill: true }),
        store.recordReports('tiny', [{ report: report('d1', 'absent') }], { actor: 'e', backfill: true }),
      ];
      const settled = await Promise.allSettled(requests);
      expect(settled.slice(0, 3).map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      const winner = settled[3]!.status === 'fulfilled' ? 'present' : 'absent';
      expect(settled.slice(3).filter((s) => s.status === 'fulfilled')).toHaveLength(1);
      const b = settled[1] as PromiseRejectedResult;
      expect(isVigilError(b.reason, 'REPORT_ID_CONFLICT')).toBe(true);
      expect((b.reason as { details: { items: { index: number }[] } }).details.items).toEqual([{ index: 1, id: 'taken' }]);
      expect(settled[2]).toMatchObject({ value: { accepted: 1, duplicates: 1 } });
      const counted = (await store.assess('tiny', T)).counted.map((r) => r.id).sort();
      // b1 is not written: its request failed as a whole.
      expect(counted).toEqual(['a1', 'a2', 'c1', 'd1', 'taken']);
      const d1 = (await store.assess('tiny', T)).counted.find((r) => r.id === 'd1');
      expect(d1?.observed).toBe(winner);
    });
  });
  announceUnavailable(fixture);
}

describe('group commit pipelined', () => {
  /** A write that records its batches and finishes when the test says. */
  function heldWrites() {
    const calls: { events: readonly NewEvent[]; finish: () => void }[] = [];
    let seq = 0;
    const write = (events: readonly NewEvent[]) =>
      new Promise<StoredEvent[]>((resolve) => {
        const stored = events.map((e) => ({ ...e, seq: ++seq, id: `e${seq}`, at: '', prev: '', hash: '' }) as unknown as StoredEvent);
        calls.push({ events, finish: () => resolve(stored) });
      });
    return { write, calls };
  }
  const turns = async (n = 10) => {
    for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
  };
  const event = (type: string): NewEvent => ({ type, stream: 's', actor: 'a', data: {} });

  it('writes the next group while the one before is in flight, and answers in order', async () => {
    const { write, calls } = heldWrites();
    const projected: number[] = [];
    const group = new GroupCommit(write, async () => void projected.push(calls.length), 2);
    const answers: string[] = [];
    const a = group.append([event('a')]).then(() => answers.push('a'));
    await turns();
    const b = group.append([event('b')]).then(() => answers.push('b'));
    await turns();
    // Both written although the first has not finished.
    expect(calls.map((c) => c.events[0]!.type)).toEqual(['a', 'b']);
    // The second finishes first; it is still answered after the first.
    calls[1]!.finish();
    await turns();
    expect(answers).toEqual([]);
    calls[0]!.finish();
    await Promise.all([a, b]);
    expect(answers).toEqual(['a', 'b']);
    expect(projected).toHaveLength(2);
  });

  it('with depth 1 writes a group only after the one before is answered', async () => {
    const { write, calls } = heldWrites();
    const group = new GroupCommit(write, async () => undefined, 1);
    const a = group.append([event('a')]);
    await turns();
    const b = group.append([event('b')]);
    await turns();
    expect(calls).toHaveLength(1);
    calls[0]!.finish();
    await a;
    await turns();
    expect(calls).toHaveLength(2);
    calls[1]!.finish();
    await b;
  });
});

describe('group commit when the log cannot confirm a write', () => {
  it('fails every request of the group with LOG_UNAVAILABLE and writes none of them again', async () => {
    const { VigilError } = await import('../../src/core/errors.js');
    let writes = 0;
    const group = new GroupCommit(
      async () => {
        writes += 1;
        throw new VigilError('LOG_UNAVAILABLE', 'the disk did not confirm the write');
      },
      async () => undefined,
      4,
    );
    const results = await Promise.allSettled([1, 2, 3].map((k) => group.append([{ type: 'test.noted', stream: 's', actor: 'a', data: { k } }])));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(results.every((r) => r.status === 'rejected' && isVigilError(r.reason, 'LOG_UNAVAILABLE'))).toBe(true);
    expect(writes).toBe(1);
  });
});
