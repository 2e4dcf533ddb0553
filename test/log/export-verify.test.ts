/**
 * Verification of export files: whatever is done to the bytes of an export, the check fails
 * and names the first seq at fault. (The export's content is the store's; the contract suite
 * checks that on every adapter.)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import canonicalize from 'canonicalize';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ChainVerifier } from '../../src/log/chain-verifier.js';
import { encodeRecord, GENESIS_PREV, hashEvent, sha256Hex } from '../../src/log/event.js';
import type { EventRecord, StoredEvent } from '../../src/log/event.js';
import { MAX_DEPTH } from '../../src/log/jcs.js';
import { encodeExportHeader, exportLog } from '../../src/log/export.js';
import { signCheckpoint } from '../../src/log/checkpoint.js';
import { openSqliteEventLog } from '../../src/log/sqlite-event-log.js';
import { parseHeadClaim, verifyExport, verifyLog } from '../../src/log/verify.js';
import type { VerifyResult } from '../../src/log/verify.js';
import { collect, FakeClock, reports, testSigningKey } from './support/contract.js';

const key = testSigningKey();
let dir: string;
let exported: Buffer;
let events: StoredEvent[];

const verifyBytes = (bytes: Buffer | string, options = {}): Promise<VerifyResult> =>
  verifyExport(Readable.from([Buffer.from(bytes)]), options);
const linesOf = (bytes: Buffer): string[] => bytes.toString('utf8').split('\n').slice(0, -1);
const withLines = (lines: readonly string[]): string => lines.map((l) => l + '\n').join('');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-export-'));
  const clock = new FakeClock();
  const log = await openSqliteEventLog({
    dataDir: dir,
    clock: clock.now,
    signingKey: key,
    checkpointPolicy: { everyEvents: 4, everyMs: 3_600_000 },
  });
  await log.append([
    {
      type: 'note.added',
      stream: 'p',
      actor: 'u',
      data: { text: 'Grüße 😀 "quoted" \\ back\nslash', n: [1e21, -0.25] },
    },
  ]);
  clock.advance(1500);
  await log.append(reports(5, 0));
  clock.advance(250);
  await log.append(reports(1, 5));
  await exportLog(log, join(dir, 'log.jsonl'));
  exported = readFileSync(join(dir, 'log.jsonl'));
  events = await collect(log.read());
  await log.close();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('an untouched export', () => {
  test('verifies from a file and from a stream, with or without its last newline', async () => {
    expect(events.map((e) => e.type)).toContain('log.checkpoint');
    const ok = { ok: true, events: events.length, lastSeq: events.length, lastHash: events.at(-1)?.hash };
    expect(await verifyExport(join(dir, 'log.jsonl'))).toEqual(ok);
    expect(await verifyBytes(exported)).toEqual(ok);
    expect(await verifyBytes(exported.subarray(0, -1))).toEqual(ok);
    // Split at every byte boundary of a small chunk size: lines cross chunks, UTF-8 too.
    expect(
      await verifyExport(
        Readable.from(
          Array.from({ length: Math.ceil(exported.length / 7) }, (_, i) =>
            exported.subarray(i * 7, i * 7 + 7),
          ),
        ),
      ),
    ).toEqual(ok);
  });

  test('holds exactly the events, each as its JCS text with a matching hash', () => {
    const lines = linesOf(exported);
    expect(JSON.parse(lines[0] as string)).toEqual({
      vigilLog: 1,
      publicKeys: { [key.keyId]: key.publicKeyPem },
      from: 1,
      to: events.length,
    });
    expect(lines.slice(1)).toEqual(events.map((e) => canonicalize(e)));
    for (const e of events) expect(e.hash).toBe(hashEvent(e));
    expect(events[0]?.prev).toBe(GENESIS_PREV);
  });

  test('passes --head for any event it holds, and for seq 0', async () => {
    for (const e of events)
      expect((await verifyBytes(exported, { head: { seq: e.seq, hash: e.hash } })).ok).toBe(true);
    expect((await verifyBytes(exported, { head: { seq: 0, hash: GENESIS_PREV } })).ok).toBe(true);
  });
});

describe('a tampered export fails at the first seq at fault', () => {
  test('for a change of any single byte of any event line', async () => {
    const headerLength = exported.indexOf(0x0a) + 1;
    let checked = 0;
    for (let at = headerLength; at < exported.length; at++) {
      const changed = Buffer.from(exported);
      changed[at] = (changed[at] as number) ^ 0x01;
      const seq = exported.subarray(0, at).filter((b) => b === 0x0a).length; // the line's seq
      const result = await verifyBytes(changed);
      expect(result.ok, `byte ${at}`).toBe(false);
      expect(result, `byte ${at}`).toMatchObject({ seq });
      checked += 1;
    }
    expect(checked).toBeGreaterThan(2000);
  });

  test('for a line removed, repeated, moved or added in the middle', async () => {
    const lines = linesOf(exported);
    const [header, ...body] = lines as [string, ...string[]];
    expect(await verifyBytes(withLines([header, ...body.slice(0, 2), ...body.slice(3)]))).toMatchObject({
      ok: false,
      seq: 3,
    });
    expect(
      await verifyBytes(withLines([header, ...body.slice(0, 3), body[2] as string, ...body.slice(3)])),
    ).toMatchObject({ ok: false, seq: 4 });
    expect(
      await verifyBytes(
        withLines([header, body[0] as string, body[2] as string, body[1] as string, ...body.slice(3)]),
      ),
    ).toMatchObject({ ok: false, seq: 2 });
    const forged = { ...events[1]!, id: '018f0000-0000-7000-8000-0000000000ff', data: { forged: true } };
    const inserted = [
      header,
      body[0] as string,
      canonicalize({ ...forged, hash: hashEvent(forged) }) as string,
      ...body.slice(1),
    ];
    expect(await verifyBytes(withLines(inserted))).toMatchObject({ ok: false, seq: 3 });
    expect(await verifyBytes(withLines([header, ...body, '']))).toMatchObject({
      ok: false,
      seq: events.length + 1,
    });
  });

  test('for a log cut short: by the header, or else by --head', async () => {
    const lines = linesOf(exported);
    const n = events.length;
    expect(await verifyBytes(withLines(lines.slice(0, -2)))).toMatchObject({
      ok: false,
      seq: n - 1,
      reason: expect.stringContaining('header announces'),
    });
    const header = JSON.parse(lines[0] as string) as { publicKeys: Record<string, string> };
    const rewritten = [
      encodeExportHeader({ vigilLog: 1, publicKeys: header.publicKeys, from: 1, to: n - 2 }),
      ...lines.slice(1, -2),
    ];
    expect((await verifyBytes(withLines(rewritten))).ok).toBe(true);
    const seen = parseHeadClaim(`${n}:${events[n - 1]?.hash}`);
    expect(await verifyBytes(withLines(rewritten), { head: seen })).toMatchObject({
      ok: false,
      seq: n - 1,
      reason: expect.stringContaining('removed'),
    });
  });

  test('for CRLF line ends, a byte-order mark, or bytes that are not UTF-8', async () => {
    // The header is read as JSON, which allows a trailing \r; an event line is not.
    expect(await verifyBytes(exported.toString('utf8').replaceAll('\n', '\r\n'))).toMatchObject({
      ok: false,
      seq: 1,
    });
    expect(await verifyBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), exported]))).toMatchObject({
      ok: false,
      seq: 0,
    });
    // The first byte of ü in "Grüße", looked for past the header (whose random public key may
    // hold a "Gr" of its own).
    const at = exported.indexOf('Grü', exported.indexOf('\n')) + 2;
    const broken = Buffer.from(exported);
    broken[at] = 0xff;
    expect(await verifyBytes(broken)).toMatchObject({
      ok: false,
      seq: 1,
      reason: expect.stringContaining('UTF-8'),
    });
  });

  test('for a bad header, at seq 0', async () => {
    const lines = linesOf(exported);
    const body = lines.slice(1);
    const header = JSON.parse(lines[0] as string) as { publicKeys: Record<string, string> };
    const cases: string[] = [
      'not json',
      '[]',
      JSON.stringify({ vigilLog: 2, publicKeys: header.publicKeys, from: 1, to: body.length }),
      JSON.stringify({ vigilLog: 1, publicKeys: header.publicKeys, from: 0, to: body.length }),
      JSON.stringify({
        vigilLog: 1,
        publicKeys: { ['0123456789abcdef']: key.publicKeyPem },
        from: 1,
        to: body.length,
      }),
      JSON.stringify({ vigilLog: 1, publicKeys: { [key.keyId]: 'junk' }, from: 1, to: body.length }),
      JSON.stringify({ vigilLog: 1, publicKeys: header.publicKeys, from: 1, to: 'all' }),
    ];
    for (const bad of cases)
      expect(await verifyBytes(withLines([bad, ...body])), bad).toMatchObject({ ok: false, seq: 0 });
    expect(await verifyBytes('')).toMatchObject({ ok: false, seq: 0 });
  });

  test('for a forger who re-signs with a key of their own: only trusted keys catch it', async () => {
    const forger = testSigningKey();
    const edited = events.map((e) => ({ ...e }));
    edited[2] = { ...edited[2]!, data: { ...edited[2]!.data, grade: 'A1' } };
    let prev = edited[1]!.hash;
    const forged = edited.slice(0, 2);
    for (const e of edited.slice(2)) {
      const data = e.type === 'log.checkpoint' ? { ...signCheckpoint(e.seq - 1, prev, forger) } : e.data;
      const event = { ...e, prev, data };
      const hash = hashEvent(event);
      forged.push({ ...event, hash });
      prev = hash;
    }
    const file = withLines([
      encodeExportHeader({
        vigilLog: 1,
        publicKeys: { [forger.keyId]: forger.publicKeyPem },
        from: 1,
        to: forged.length,
      }),
      ...forged.map((e) => canonicalize(e) as string),
    ]);
    expect((await verifyBytes(file)).ok).toBe(true);
    const checkpointSeq = events.find((e) => e.type === 'log.checkpoint')?.seq;
    expect(await verifyBytes(file, { trustedPublicKeys: [key.publicKeyPem] })).toMatchObject({
      ok: false,
      seq: checkpointSeq,
      reason: expect.stringContaining('unknown key'),
    });
    expect((await verifyBytes(exported, { trustedPublicKeys: [key.publicKeyPem] })).ok).toBe(true);
  });
});

describe('the same verdict on a stored record and on its export line', () => {
  const record = (data: string): EventRecord => {
    const content = {
      seq: 1,
      id: '00000000-0000-7000-8000-000000000000',
      at: '2023-10-07T03:12:44.120Z',
      type: 'note.added',
      stream: 'p',
      actor: 'u',
      data,
      prev: GENESIS_PREV,
      hash: '',
    };
    return { ...content, hash: sha256Hex(encodeRecord(content, false)) };
  };
  const verdicts = (r: EventRecord): [boolean, boolean] => [
    new ChainVerifier(1, undefined, undefined, new Map(), undefined).pushRecord(r),
    new ChainVerifier(1, undefined, undefined, new Map(), undefined).pushLine(encodeRecord(r)),
  ];

  test('data that is not exactly one canonical object fails, though its hash was recomputed to match', () => {
    expect(verdicts(record('{"a":[1,"x"],"b":{}}'))).toEqual([true, true]);
    for (const data of [
      '{"a":1}x',
      '{"a":1}}',
      '{"a":1} ',
      '{"a":1}{}',
      ' {"a":1}',
      '{"a":01}',
      '{"b":1,"a":2}',
      '{"a":1',
      '[1]',
      '',
    ]) {
      expect(verdicts(record(data)), data).toEqual([false, false]);
    }
  });

  test('the deepest data the log writes verifies in the store and in its export; one level more is refused when written', async () => {
    const nested = (levels: number): Record<string, unknown> => {
      let data: Record<string, unknown> = {};
      for (let i = 1; i < levels; i++) data = { a: data };
      return data;
    };
    const deepDir = mkdtempSync(join(tmpdir(), 'vigil-deep-'));
    try {
      const log = await openSqliteEventLog({ dataDir: deepDir });
      await log.append([{ type: 'note.added', stream: 'p', actor: 'u', data: nested(MAX_DEPTH) as never }]);
      await expect(
        log.append([{ type: 'note.added', stream: 'p', actor: 'u', data: nested(MAX_DEPTH + 1) as never }]),
      ).rejects.toThrow(/nested deeper than 256/);
      await exportLog(log, join(deepDir, 'log.jsonl'));
      expect(await verifyLog(log)).toMatchObject({ ok: true, events: 1 });
      expect(await verifyExport(join(deepDir, 'log.jsonl'))).toMatchObject({ ok: true, events: 1 });
      await log.close();
    } finally {
      rmSync(deepDir, { recursive: true, force: true });
    }
  });
});

describe('parseHeadClaim', () => {
  test('reads SEQ:HASH and nothing else', () => {
    const hash = 'a'.repeat(64);
    expect(parseHeadClaim(`12:${hash}`)).toEqual({ seq: 12, hash });
    expect(parseHeadClaim(`12:${hash.toUpperCase()}`)).toBeUndefined();
    expect(parseHeadClaim(`-1:${hash}`)).toBeUndefined();
    expect(parseHeadClaim(`12:${hash}0`)).toBeUndefined();
    expect(parseHeadClaim('12')).toBeUndefined();
  });
});

test('exportLog writes to a stream it leaves open, and refuses a bad range', async () => {
  const log = await openSqliteEventLog({ dataDir: join(dir, 'second') });
  try {
    await log.append(reports(3));
    const chunks: Buffer[] = [];
    const { Writable } = await import('node:stream');
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    });
    expect(await exportLog(log, sink, { to: 2 })).toMatchObject({ from: 1, to: 2, publicKeys: {} });
    expect(sink.writable).toBe(true);
    expect(linesOf(Buffer.concat(chunks))).toHaveLength(3);
    await expect(exportLog(log, sink, { from: 0 })).rejects.toMatchObject({ code: 'EVENT_INVALID' });
    await expect(exportLog(log, join(dir, 'no', 'such', 'dir', 'x.jsonl'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
  } finally {
    await log.close();
  }
});
