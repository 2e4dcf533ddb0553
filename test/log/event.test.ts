/** The event hash, its fast encoding, and the small rules around them. */
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { prepareEvents, planAppend } from '../../src/log/append-plan.js';
import {
  encodeRecord,
  eventToRecord,
  GENESIS_PREV,
  hashEvent,
  newEventId,
  nextAt,
  recordToEvent,
  sha256Hex,
} from '../../src/log/event.js';
import type { EventRecord, StoredEvent } from '../../src/log/event.js';

const vector: StoredEvent = {
  seq: 1,
  id: '00000000-0000-7000-8000-000000000000',
  at: '2023-10-07T03:12:44.120Z',
  type: 'report.received',
  stream: 'problem-1',
  actor: 'user-1',
  data: { b: 1, a: 'x', '€': [1e21, 0.5, -3] },
  prev: GENESIS_PREV,
  hash: '',
};

describe('hashEvent', () => {
  test('is SHA-256 of the JCS text without the hash member (checked by an independent tool)', () => {
    // sha256 of {"actor":"user-1","at":"2023-10-07T03:12:44.120Z","data":{"a":"x","b":1,"€":[1e+21,0.5,-3]},"id":...,"prev":"000...","seq":1,"stream":"problem-1","type":"report.received"}
    expect(hashEvent(vector)).toBe('d67c19a044654775e89233e0e49c7581d712793fcb0a4983cd2b38f8e8cd2de4');
    expect(hashEvent({ ...vector, hash: 'anything' })).toBe(hashEvent(vector));
  });

  test('refuses data that is not JSON', () => {
    expect(() => hashEvent({ ...vector, data: { x: Number.NaN } })).toThrow(
      /\/data\/x: number must be finite/,
    );
  });

  test('encodeRecord writes every envelope string exactly as JSON.stringify does, plain or not', () => {
    const unit = fc.oneof(fc.constantFrom('"', '\\', '\n', '\u0000', '\u001f', '\u007f', '\u2028', '\ud800', '\udc00', '😀', 'é'), fc.string({ maxLength: 1 }));
    const text = fc.string({ unit, maxLength: 10 });
    fc.assert(
      fc.property(text, text, text, (actor, stream, type) => {
        const record: EventRecord = { ...eventToRecord({ ...vector, hash: 'h' }), actor, stream, type };
        const expected = `{"actor":${JSON.stringify(actor)},"at":${JSON.stringify(record.at)},"data":${record.data},"id":${JSON.stringify(record.id)},"prev":${JSON.stringify(record.prev)},"seq":1,"stream":${JSON.stringify(stream)},"type":${JSON.stringify(type)}}`;
        expect(encodeRecord(record, false)).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });

  test('the log computes the same hash through encodeRecord, for generated events', () => {
    const name = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !/\p{Cs}/u.test(s));
    fc.assert(
      fc.property(
        name,
        name,
        fc.jsonValue({ maxDepth: 3 }),
        fc.integer({ min: 1, max: 2 ** 40 }),
        (stream, actor, payload, seq) => {
          const event: StoredEvent = { ...vector, seq, stream, actor, data: { payload: payload as never } };
          const record = eventToRecord({ ...event, hash: hashEvent(event) });
          expect(encodeRecord(record)).toBe(canonicalize({ ...event, hash: record.hash }));
          expect(sha256Hex(encodeRecord(record, false))).toBe(record.hash);
          expect(recordToEvent(record)).toEqual(JSON.parse(encodeRecord(record)));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('planAppend', () => {
  test('chains prepared events exactly as hashEvent defines them', () => {
    const prepared = prepareEvents(
      [
        { type: 'a.b', stream: 's', actor: 'u', data: { z: [1, 2], a: 'é' } },
        { type: 'a.c', stream: 's', actor: 'u', data: {} },
      ],
      0,
    );
    const plan = planAppend(prepared, {
      tail: { seq: 41, hash: 'f'.repeat(64), at: '2024-01-01T00:00:00.000Z' },
      storedKeys: new Map(),
      nowMs: 0,
    });
    expect(plan.events.map((e) => e.seq)).toEqual([42, 43]);
    expect(plan.events[0]?.prev).toBe('f'.repeat(64));
    expect(plan.events[0]?.at).toBe('2024-01-01T00:00:00.000Z');
    for (const event of plan.events) expect(event.hash).toBe(hashEvent(event));
  });

  test('hashes any names, data and ids as hashEvent does, and stores what it hashed', () => {
    const name = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !/\p{Cs}/u.test(s));
    const type = fc.stringMatching(/^[a-z][a-z0-9_-]{0,5}(?:\.[a-z][a-z0-9_-]{0,5}){1,2}$/);
    const data = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }));
    fc.assert(
      fc.property(
        fc.array(fc.record({ type, stream: name, actor: name, data, id: fc.option(fc.uuid(), { nil: undefined }) }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.integer({ min: 0, max: 2 ** 40 }),
        (events, nowMs) => {
          const plan = planAppend(prepareEvents(events, nowMs), { tail: undefined, storedKeys: new Map(), nowMs });
          plan.events.forEach((event, i) => {
            const record = plan.records[i];
            expect(event.hash).toBe(hashEvent(event));
            expect(record?.hash).toBe(sha256Hex(encodeRecord(record as EventRecord, false)));
            expect(recordToEvent(record as EventRecord)).toEqual(JSON.parse(JSON.stringify(event)));
          });
        },
      ),
    );
  });
});

describe('nextAt', () => {
  test('is the clock as ISO UTC with milliseconds, or the previous at when the clock went back', () => {
    expect(nextAt(Date.parse('2024-05-01T10:00:00.5Z'), undefined)).toBe('2024-05-01T10:00:00.500Z');
    expect(nextAt(Date.parse('2024-05-01T10:00:00Z'), '2024-05-01T10:00:01.000Z')).toBe(
      '2024-05-01T10:00:01.000Z',
    );
    expect(nextAt(Date.parse('2024-05-01T10:00:02Z'), '2024-05-01T10:00:01.000Z')).toBe(
      '2024-05-01T10:00:02.000Z',
    );
  });
});

describe('newEventId', () => {
  test('is a version 7 UUID that sorts by time', () => {
    const ids = [newEventId(1_700_000_000_000), newEventId(1_700_000_000_001), newEventId(1_800_000_000_000)];
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]?.startsWith('018bcfe5-6800-7')).toBe(true);
    expect(new Set(Array.from({ length: 1000 }, () => newEventId(0))).size).toBe(1000);
  });
});
