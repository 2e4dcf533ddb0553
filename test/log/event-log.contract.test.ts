/**
 * The event log contract, run over every adapter: appends, reads, dedupe, checkpoints,
 * listeners, and verification of the live store, also after tampering with it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { isVigilError } from '../../src/core/errors.js';
import { CHECKPOINT_TYPE, GENESIS_PREV, hashEvent, recordToEvent, sha256Hex } from '../../src/log/event.js';
import type { EventRecord } from '../../src/log/event.js';
import { exportLog } from '../../src/log/export.js';
import { verifyExport, verifyLog } from '../../src/log/verify.js';
import type { TestStore } from './support/adapters.js';
import { collect, describeEachAdapter, FakeClock, reports, testSigningKey } from './support/contract.js';

/** Rewrites `records` from index `from` on so the chain is whole again (what a forger does). */
function rechain(records: EventRecord[], from: number): EventRecord[] {
  const out = records.slice(0, from);
  let prev = from === 0 ? GENESIS_PREV : (out[from - 1] as EventRecord).hash;
  for (const r of records.slice(from)) {
    const event = recordToEvent({ ...r, prev });
    const hash = hashEvent(event);
    out.push({ ...r, prev, hash });
    prev = hash;
  }
  return out;
}

describeEachAdapter('event log contract', (adapter) => {
  let store: TestStore;
  let clock: FakeClock;
  const key = testSigningKey();

  beforeEach(async () => {
    clock = new FakeClock();
    store = await adapter.create({
      clock: clock.now,
      signingKey: key,
      checkpointPolicy: { everyEvents: 5, everyMs: 3_600_000 },
    });
  });
  afterEach(async () => {
    await store.dispose();
  });

  describe('append and read', () => {
    test('an empty log has no head, no events, and verifies', async () => {
      expect(await store.log.head()).toBeUndefined();
      expect(await collect(store.log.read())).toEqual([]);
      expect(await verifyLog(store.log)).toEqual({ ok: true, events: 0, lastSeq: 0, lastHash: GENESIS_PREV });
    });

    test('the first event has seq 1, prev 64 zeros, the clock time, a v7 UUID and the spec hash', async () => {
      const [event] = await store.log.append(reports(1));
      expect(event).toMatchObject({
        seq: 1,
        prev: GENESIS_PREV,
        at: '2024-03-01T12:00:00.000Z',
        type: 'report.received',
        stream: 'problem-a',
        actor: 'user-7',
      });
      expect(event?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(event?.hash).toBe(hashEvent(event!));
      expect(await store.log.head()).toEqual({ seq: 1, hash: event?.hash, at: event?.at });
      expect(await collect(store.log.read())).toEqual([event]);
    });

    test('a batch gets consecutive seqs, one at, and a chain; reads give back exactly what was appended', async () => {
      clock.advance(1234);
      const appended = await store.log.append(reports(4));
      expect(appended.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
      expect(new Set(appended.map((e) => e.at))).toEqual(new Set(['2024-03-01T12:00:01.234Z']));
      for (let i = 1; i < appended.length; i++) expect(appended[i]?.prev).toBe(appended[i - 1]?.hash);
      const read = await collect(store.log.read());
      expect(read).toEqual(appended);
      for (const event of read) expect(event.hash).toBe(hashEvent(event));
      const records = (await collect(store.log.readRecords())).flat();
      expect(records.map((r) => r.data)).toEqual(read.map((e) => canonicalize(e.data)));
    });

    test('at never goes back, even when the clock does', async () => {
      await store.log.append(reports(1));
      clock.advance(-60_000);
      const [second] = await store.log.append(reports(1, 1));
      expect(second?.at).toBe('2024-03-01T12:00:00.000Z');
      clock.advance(120_000);
      const [third] = await store.log.append(reports(1, 2));
      expect(third?.at).toBe('2024-03-01T12:01:00.000Z');
      expect((await verifyLog(store.log)).ok).toBe(true);
    });

    test('a caller-given id is kept; data members set to undefined are left out', async () => {
      const id = '018f0000-0000-7000-8000-000000000001';
      const [event] = await store.log.append([
        { type: 'note.added', stream: 'system', actor: 'system', id, data: { a: 1, gone: undefined } },
      ]);
      expect(event?.id).toBe(id);
      const [read] = await collect(store.log.read());
      expect(read?.data).toEqual({ a: 1 });
      expect(read?.hash).toBe(event?.hash);
    });

    test('reads by range, stream and limit, across pages', async () => {
      await store.log.append([...reports(3, 0, 'p1'), ...reports(4, 3, 'p2')]); // seqs 1-7; a checkpoint at 6 (after 5)
      const all = await collect(store.log.read());
      expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(all[5]?.type).toBe(CHECKPOINT_TYPE);
      expect((await collect(store.log.read({ from: 3, to: 5 }))).map((e) => e.seq)).toEqual([3, 4, 5]);
      expect((await collect(store.log.read({ stream: 'p2' }))).map((e) => e.seq)).toEqual([4, 5, 7, 8]);
      expect((await collect(store.log.read({ stream: 'p2', limit: 3 }))).map((e) => e.seq)).toEqual([
        4, 5, 7,
      ]);
      const pages = await collect(store.log.readRecords({ from: 2 }, 3));
      expect(pages.map((page) => page.map((r) => r.seq))).toEqual([[2, 3, 4], [5, 6, 7], [8]]);
      expect(await collect(store.log.read({ from: 100 }))).toEqual([]);
      await expect(collect(store.log.read({ from: 0 }))).rejects.toMatchObject({ code: 'EVENT_INVALID' });
    });

    test('appending nothing writes nothing', async () => {
      expect(await store.log.append([])).toEqual([]);
      expect(await store.log.head()).toBeUndefined();
    });

    test('a second instance on the same store continues the same chain', async () => {
      await store.log.append(reports(2));
      const other = await store.open({ clock: clock.now, signingKey: key });
      const [third] = await other.append(reports(1, 2));
      expect(third?.seq).toBe(3);
      expect((await store.log.head())?.hash).toBe(third?.hash);
      expect((await verifyLog(store.log)).ok).toBe(true);
    });

    test('a closed log refuses every call with LOG_UNAVAILABLE', async () => {
      const other = await store.open();
      await other.close();
      await other.close();
      await expect(other.append(reports(1))).rejects.toMatchObject({ code: 'LOG_UNAVAILABLE' });
      await expect(other.head()).rejects.toMatchObject({ code: 'LOG_UNAVAILABLE' });
    });
  });

  describe('invalid events', () => {
    const bad: [string, Record<string, unknown>, string][] = [
      ['a NaN in data', { data: { x: Number.NaN } }, '/data/x'],
      ['an infinity deep in data', { data: { a: [1, { b: Number.POSITIVE_INFINITY }] } }, '/data/a/1/b'],
      ['a Date in data', { data: { when: new Date(0) } }, '/data/when'],
      ['undefined in an array', { data: { list: [1, undefined] } }, '/data/list/1'],
      ['a lone surrogate', { data: { text: 'a\ud800b' } }, '/data/text'],
      ['data that is an array', { data: [1] }, '/data'],
      ['an undotted type', { type: 'received' }, '/type'],
      ['an upper-case type', { type: 'Report.Received' }, '/type'],
      ['the checkpoint type', { type: CHECKPOINT_TYPE }, '/type'],
      ['an empty stream', { stream: '' }, '/stream'],
      ['a missing actor', { actor: undefined }, '/actor'],
      ['an id that is not a UUID', { id: 'event-1' }, '/id'],
    ];
    test.each(bad)(
      '%s fails the whole batch with EVENT_INVALID, naming where',
      async (_name, change, path) => {
        const batch = reports(3).map((e, i) => (i === 2 ? { ...e, ...change } : e));
        const error: unknown = await store.log.append(batch as never).catch((e: unknown) => e);
        expect(isVigilError(error, 'EVENT_INVALID')).toBe(true);
        expect(error).toMatchObject({ details: { index: 2, path } });
        expect(await store.log.head()).toBeUndefined();
      },
    );
  });

  describe('dedupe keys', () => {
    const report = (id: string, text: string) => ({
      type: 'report.received',
      stream: 'problem-a',
      actor: 'user-7',
      data: { reportId: id, text },
      dedupe: { key: `report:problem-a:${id}` },
    });

    test('the same key with the same content returns the original event and appends nothing', async () => {
      const [first] = await store.log.append([report('r1', 'seen')]);
      clock.advance(5_000);
      const again = await store.log.append([report('r1', 'seen'), report('r2', 'new')]);
      expect(again[0]).toEqual(first);
      expect(again[1]?.seq).toBe(2);
      expect((await store.log.head())?.seq).toBe(2);
    });

    test('the same key with other content rejects the whole batch with DEDUPE_CONFLICT', async () => {
      await store.log.append([report('r1', 'seen')]);
      const error: unknown = await store.log
        .append([report('r2', 'fresh'), report('r1', 'changed')])
        .catch((e: unknown) => e);
      expect(isVigilError(error, 'DEDUPE_CONFLICT')).toBe(true);
      expect(error).toMatchObject({
        details: { conflicts: [{ index: 1, key: 'report:problem-a:r1', seq: 1 }] },
      });
      expect((await store.log.head())?.seq).toBe(1);
      // r2 was not written either: appending it now makes it new.
      expect((await store.log.append([report('r2', 'fresh')]))[0]?.seq).toBe(2);
    });

    test('a key repeated within one batch is written once, or conflicts', async () => {
      const result = await store.log.append([report('r1', 'a'), report('r1', 'a')]);
      expect(result[1]).toEqual(result[0]);
      expect((await store.log.head())?.seq).toBe(1);
      await expect(store.log.append([report('r5', 'a'), report('r5', 'b')])).rejects.toMatchObject({
        code: 'DEDUPE_CONFLICT',
        details: { conflicts: [{ index: 1, key: 'report:problem-a:r5', seq: null }] },
      });
    });

    test('a caller fingerprint decides what counts as the same content', async () => {
      const withTime = (received: string) => ({
        ...report('r1', 'seen'),
        data: { reportId: 'r1', text: 'seen', received },
        dedupe: { key: 'report:problem-a:r1', fingerprint: sha256Hex('r1|seen') },
      });
      const [first] = await store.log.append([withTime('2024-03-01T12:00:00Z')]);
      const [retry] = await store.log.append([withTime('2024-03-01T12:05:00Z')]);
      expect(retry).toEqual(first);
    });
  });

  describe('checkpoints', () => {
    test('are appended every N events inside a batch and verify', async () => {
      const stored = await store.log.append(reports(12));
      expect(stored.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 13, 14]);
      const all = await collect(store.log.read());
      const checkpoints = all.filter((e) => e.type === CHECKPOINT_TYPE);
      expect(checkpoints.map((e) => e.seq)).toEqual([6, 12]);
      for (const cp of checkpoints) {
        expect(cp).toMatchObject({ stream: 'system', actor: 'system' });
        expect(cp.data).toEqual({
          upTo: cp.seq - 1,
          head: cp.prev,
          keyId: key.keyId,
          signature: expect.any(String),
        });
      }
      expect(await store.log.publicKeys()).toEqual({ [key.keyId]: key.publicKeyPem });
      expect(await verifyLog(store.log)).toMatchObject({ ok: true, events: 14, lastSeq: 14 });
    });

    test('are appended at least hourly while events arrive, never while idle', async () => {
      await store.log.append(reports(2));
      clock.advance(3_599_999);
      await store.log.append(reports(1, 2));
      expect((await store.log.head())?.seq).toBe(3);
      clock.advance(1);
      await store.log.append(reports(1, 3));
      const head = await store.log.head();
      expect(head?.seq).toBe(5);
      const [checkpoint] = await collect(store.log.read({ from: 5 }));
      expect(checkpoint).toMatchObject({ type: CHECKPOINT_TYPE, data: { upTo: 4 } });
      clock.advance(10 * 3_600_000);
      expect((await store.log.head())?.seq).toBe(5);
    });

    test('checkpoint() signs the head now, unless the head is a checkpoint', async () => {
      expect(await store.log.checkpoint()).toBeUndefined();
      await store.log.append(reports(2));
      const cp = await store.log.checkpoint();
      expect(cp).toMatchObject({ seq: 3, type: CHECKPOINT_TYPE, data: { upTo: 2 } });
      expect(await store.log.checkpoint()).toBeUndefined();
      const unsigned = await store.open({ clock: clock.now });
      expect(await unsigned.checkpoint()).toBeUndefined();
    });

    test('a log without a key appends none', async () => {
      const plain = await adapter.create({
        clock: clock.now,
        checkpointPolicy: { everyEvents: 2, everyMs: 1 },
      });
      try {
        await plain.log.append(reports(7));
        expect((await collect(plain.log.read())).some((e) => e.type === CHECKPOINT_TYPE)).toBe(false);
        expect(await plain.log.publicKeys()).toEqual({});
      } finally {
        await plain.dispose();
      }
    });
  });

  describe('listeners', () => {
    test('get each committed batch with its checkpoints, in order, until unsubscribed', async () => {
      const seen: number[][] = [];
      const unsubscribe = store.log.subscribe((events) => seen.push(events.map((e) => e.seq)));
      await store.log.append(reports(6));
      await store.log.append(reports(1, 6));
      unsubscribe();
      await store.log.append(reports(1, 7));
      expect(seen).toEqual([[1, 2, 3, 4, 5, 6, 7], [8]]);
    });

    test('one that throws is reported and does not fail the append', async () => {
      const errors: unknown[] = [];
      const log = await store.open({ clock: clock.now, onListenerError: (e) => errors.push(e) });
      const delivered: number[] = [];
      log.subscribe(() => {
        throw new Error('listener bug');
      });
      log.subscribe((events) => delivered.push(...events.map((e) => e.seq)));
      const [event] = await log.append(reports(1));
      expect(event?.seq).toBe(1);
      expect(delivered).toEqual([1]);
      expect(errors).toHaveLength(1);
    });

    test('get nothing for a rejected batch or a pure retry', async () => {
      const seen: number[] = [];
      store.log.subscribe((events) => seen.push(...events.map((e) => e.seq)));
      const once = { type: 'a.b', stream: 's', actor: 'u', data: {}, dedupe: { key: 'k' } };
      await store.log.append([once]);
      await store.log.append([once]);
      await store.log.append([{ ...once, data: { x: 1 } }]).catch(() => undefined);
      expect(seen).toEqual([1]);
    });
  });

  describe('export and verification', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'vigil-export-'));
    });
    afterEach(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    test('an export is the header and every event as JCS, and verifies like the store', async () => {
      await store.log.append(reports(7));
      const file = join(dir, 'log.jsonl');
      const header = await exportLog(store.log, file);
      expect(header).toEqual({ vigilLog: 1, publicKeys: { [key.keyId]: key.publicKeyPem }, from: 1, to: 8 });
      const lines = readFileSync(file, 'utf8').split('\n');
      expect(lines[0]).toBe(
        JSON.stringify({ vigilLog: 1, publicKeys: { [key.keyId]: key.publicKeyPem }, from: 1, to: 8 }),
      );
      expect(lines.at(-1)).toBe('');
      const events = await collect(store.log.read());
      expect(lines.slice(1, -1)).toEqual(events.map((e) => canonicalize(e)));
      const live = await verifyLog(store.log);
      expect(live).toEqual({ ok: true, events: 8, lastSeq: 8, lastHash: events[7]?.hash });
      expect(await verifyExport(file)).toEqual(live);
    });

    test('a partial export carries the true prev and verifies, with --head at its edges', async () => {
      await store.log.append(reports(9));
      const events = await collect(store.log.read());
      const file = join(dir, 'part.jsonl');
      expect(await exportLog(store.log, file, { from: 3, to: 7 })).toMatchObject({ from: 3, to: 7 });
      const [first] = readFileSync(file, 'utf8').split('\n').slice(1);
      expect(JSON.parse(first as string)).toMatchObject({ seq: 3, prev: events[1]?.hash });
      expect(await verifyExport(file)).toEqual({
        ok: true,
        events: 5,
        lastSeq: 7,
        lastHash: events[6]?.hash,
      });
      expect((await verifyExport(file, { head: { seq: 2, hash: events[1]!.hash } })).ok).toBe(true);
      expect((await verifyExport(file, { head: { seq: 7, hash: events[6]!.hash } })).ok).toBe(true);
      expect(await verifyExport(file, { head: { seq: 8, hash: events[7]!.hash } })).toMatchObject({
        ok: false,
        seq: 8,
      });
      expect(await verifyExport(file, { head: { seq: 1, hash: events[0]!.hash } })).toMatchObject({
        ok: false,
        seq: 1,
      });
      expect(await exportLog(store.log, join(dir, 'beyond.jsonl'), { from: 5, to: 1000 })).toMatchObject({
        from: 5,
        to: 10,
      });
      expect(await exportLog(store.log, join(dir, 'empty.jsonl'), { from: 50 })).toMatchObject({
        from: 50,
        to: 49,
      });
      expect(await verifyExport(join(dir, 'empty.jsonl'))).toMatchObject({ ok: true, events: 0 });
    });

    test('--head passes for a seen head and catches a log cut short', async () => {
      await store.log.append(reports(8));
      const events = await collect(store.log.read());
      const seen = { seq: 7, hash: events[6]!.hash };
      expect((await verifyLog(store.log, { head: seen })).ok).toBe(true);
      expect((await verifyLog(store.log, { head: { seq: 7, hash: events[5]!.hash } })).ok).toBe(false);
      const rows = await store.raw.rows();
      await store.raw.replaceAll(rows.slice(0, 5));
      expect((await verifyLog(store.log)).ok).toBe(true); // a cut log is still a valid chain...
      expect(await verifyLog(store.log, { head: seen })).toMatchObject({ ok: false, seq: 6 }); // ...but not the one seen
    });

    test('trusted keys replace the ones the store names', async () => {
      await store.log.append(reports(6));
      expect((await verifyLog(store.log, { trustedPublicKeys: [key.publicKeyPem] })).ok).toBe(true);
      const other = testSigningKey();
      expect(await verifyLog(store.log, { trustedPublicKeys: [other.publicKeyPem] })).toMatchObject({
        ok: false,
        seq: 6,
      });
    });
  });

  describe('tampering with the stored events', () => {
    let original: EventRecord[];
    beforeEach(async () => {
      await store.log.append(reports(7)); // seqs 1-8, checkpoint at 6
      original = await store.raw.rows();
    });

    const columns = ['id', 'at', 'type', 'stream', 'actor', 'data', 'prev', 'hash'] as const;
    test.each(columns)('changing any character of %s of an event fails at its seq', async (column) => {
      const seq = 4;
      const value = String(original[seq - 1]?.[column]);
      for (let i = 0; i < value.length; i++) {
        const code = value.charCodeAt(i);
        const changed =
          value.slice(0, i) +
          String.fromCharCode(code === 0x30 ? 0x31 : code === 0x22 ? 0x27 : code ^ 0x01) +
          value.slice(i + 1);
        await store.raw.update(seq, column, changed);
        const result = await verifyLog(store.log);
        expect(result, `${column}[${i}]`).toMatchObject({ ok: false, seq });
      }
      await store.raw.update(seq, column, value);
      expect((await verifyLog(store.log)).ok).toBe(true);
    });

    test('a non-canonical but equivalent data text fails at its seq', async () => {
      await store.raw.update(3, 'data', (original[2]?.data as string).replace(':', ': '));
      expect(await verifyLog(store.log)).toMatchObject({
        ok: false,
        seq: 3,
        reason: expect.stringContaining('canonical'),
      });
    });

    test('changing a seq fails', async () => {
      await store.raw.update(8, 'seq', 9);
      expect(await verifyLog(store.log)).toMatchObject({ ok: false, seq: 8 });
    });

    test.each([0, -3])('an event stored at seq %i, before seq 1, fails there', async (seq) => {
      const forged = { ...(original[1] as EventRecord), seq, id: '018f0000-0000-7000-8000-0000000000aa' };
      await store.raw.replaceAll([forged, ...original]);
      expect(await store.log.lowestSeq()).toBe(seq);
      expect(await verifyLog(store.log)).toMatchObject({ ok: false, seq, reason: expect.stringContaining('before seq 1') });
    });

    test('an event stored under a seq already taken fails, wherever the reads page', async () => {
      expect(await store.log.unreadSeq(original.length)).toBeUndefined();
      await store.raw.dropSeqKey();
      const copy = { ...(original[2] as EventRecord), id: '018f0000-0000-7000-8000-0000000000ab' };
      await store.raw.replaceAll([...original, copy]);
      expect(await store.log.unreadSeq(original.length)).toBe(3);
      for (const pageSize of [2, 3, 1000]) {
        expect(await verifyLog(store.log, { parallel: { threads: 0, blockRecords: pageSize } })).toMatchObject({ ok: false, seq: 3 });
      }
    });

    test('deleting an event fails at its seq', async () => {
      await store.raw.replaceAll(original.filter((r) => r.seq !== 3));
      expect(await verifyLog(store.log)).toMatchObject({ ok: false, seq: 3 });
    });

    test('inserting an event fails at the insertion, even with a correct prev and hash', async () => {
      const template = original[1] as EventRecord;
      const forged = { ...template, id: '018f0000-0000-7000-8000-00000000000f', data: '{"forged":true}' };
      const shifted = [...original.slice(0, 2), forged, ...original.slice(2)].map((r, i) => ({
        ...r,
        seq: i + 1,
      }));
      // Naive insertion: hashes left as they were.
      await store.raw.replaceAll(shifted);
      expect(await verifyLog(store.log)).toMatchObject({ ok: false, seq: 3 });
      // Careful insertion: the forged event and everything after it re-hashed; the checkpoint
      // after it no longer names the event before it.
      await store.raw.replaceAll(rechain(shifted, 2));
      expect(await verifyLog(store.log)).toMatchObject({
        ok: false,
        seq: 7,
        reason: expect.stringContaining('checkpoint upTo'),
      });
    });

    test('swapping two events fails at the first', async () => {
      const swapped = original.map((r) => ({ ...r }));
      const [a, b] = [swapped[1] as EventRecord, swapped[4] as EventRecord];
      swapped[1] = { ...b, seq: 2 };
      swapped[4] = { ...a, seq: 5 };
      await store.raw.replaceAll(swapped);
      expect(await verifyLog(store.log)).toMatchObject({ ok: false, seq: 2 });
    });

    test('an event rewritten with the chain re-hashed after it fails at the next checkpoint', async () => {
      const edited = original.map((r) =>
        r.seq === 2 ? { ...r, data: '{"grade":"A1","reportId":"r-1"}' } : r,
      );
      await store.raw.replaceAll(rechain(edited, 1));
      expect(await verifyLog(store.log)).toMatchObject({
        ok: false,
        seq: 6,
        reason: expect.stringContaining('checkpoint head'),
      });
      // Even with the checkpoint's head fixed too, its signature gives it away.
      const rechained = rechain(edited, 1);
      const cp = rechained[5] as EventRecord;
      const data = { ...(JSON.parse(cp.data) as Record<string, unknown>), head: rechained[4]?.hash };
      rechained[5] = { ...cp, data: canonicalize(data) as string };
      await store.raw.replaceAll(rechain(rechained, 5));
      expect(await verifyLog(store.log)).toMatchObject({
        ok: false,
        seq: 6,
        reason: 'checkpoint signature does not verify',
      });
    });

    test('a tampered signature fails at the checkpoint', async () => {
      const cp = original[5] as EventRecord;
      const data = JSON.parse(cp.data) as { signature: string };
      const signature = (data.signature.startsWith('A') ? 'B' : 'A') + data.signature.slice(1);
      const forged = original.map((r) =>
        r.seq === 6 ? { ...r, data: canonicalize({ ...data, signature }) as string } : r,
      );
      await store.raw.replaceAll(rechain(forged, 5));
      expect(await verifyLog(store.log)).toMatchObject({
        ok: false,
        seq: 6,
        reason: expect.stringContaining('signature'),
      });
    });

    test('the tampering reaches the export, and the export check names the same seq', async () => {
      await store.raw.update(5, 'actor', 'user-8');
      const dir = mkdtempSync(join(tmpdir(), 'vigil-export-'));
      try {
        await exportLog(store.log, join(dir, 'x.jsonl'));
        expect(await verifyExport(join(dir, 'x.jsonl'))).toEqual(await verifyLog(store.log));
        expect(await verifyLog(store.log)).toMatchObject({ ok: false, seq: 5 });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
