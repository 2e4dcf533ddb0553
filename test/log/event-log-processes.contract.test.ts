/**
 * The event log contract across processes, over every adapter: several writer processes make
 * one chain, and an append that was acknowledged survives kill -9 of its process.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest';
import type { StoredEvent } from '../../src/log/event.js';
import { loadOrCreateSigningKey } from '../../src/log/signing-key.js';
import { verifyLog } from '../../src/log/verify.js';
import type { TestStore } from './support/adapters.js';
import { APPEND_CHILD, compileLogForChildren } from './support/compiled.js';
import { collect, describeEachAdapter } from './support/contract.js';

/** A running append-child.mjs and what it has printed so far. */
interface Writer {
  readonly process: ChildProcess;
  readonly acks: { batch: number; first: number; last: number; hash: string }[];
  readonly ready: Promise<void>;
  readonly exited: Promise<number | null>;
  stderr: string;
}

function startWriter(config: Record<string, unknown>): Writer {
  const child = spawn(process.execPath, [APPEND_CHILD, JSON.stringify(config)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let pending = '';
  let markReady: () => void = () => undefined;
  const writer: Writer = {
    process: child,
    acks: [],
    ready: new Promise<void>((resolve) => (markReady = resolve)),
    exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
    stderr: '',
  };
  child.stderr?.on('data', (chunk: Buffer) => (writer.stderr += chunk.toString()));
  child.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? ''; // an unfinished line was not acknowledged
    for (const line of lines) {
      if (line === 'ready') markReady();
      const match = /^ack (\d+) (\d+) (\d+) ([0-9a-f]{64})$/.exec(line);
      if (match !== null)
        writer.acks.push({
          batch: Number(match[1]),
          first: Number(match[2]),
          last: Number(match[3]),
          hash: match[4] as string,
        });
    }
  });
  return writer;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeEachAdapter('event log across processes', (adapter) => {
  let compiled: { dir: string; remove: () => void };
  let store: TestStore;
  let keyDir: string;

  beforeAll(() => {
    compiled = compileLogForChildren();
  });
  afterAll(() => compiled.remove());
  beforeEach(async () => {
    store = await adapter.create();
    keyDir = mkdtempSync(join(tmpdir(), 'vigil-key-'));
  });
  afterEach(async () => {
    await store.dispose();
    rmSync(keyDir, { recursive: true, force: true });
  });

  test('two processes appending at once make one valid chain', async () => {
    const keyPath = join(keyDir, 'signing-key.pem');
    const batches = 150;
    const batchSize = 3;
    const writers = ['A', 'B'].map((name) =>
      startWriter({
        ...store.childLocation,
        dir: compiled.dir,
        batches,
        batchSize,
        writer: name,
        keyPath,
        waitForGo: true,
        pauseMs: 1,
      }),
    );
    await Promise.all(writers.map((w) => w.ready));
    for (const w of writers) w.process.stdin?.end('go\n');
    const codes = await Promise.all(writers.map((w) => w.exited));
    expect(codes, writers.map((w) => w.stderr).join('\n')).toEqual([0, 0]);

    const events = await collect(store.log.read());
    const appended = events.filter((e) => e.type === 'test.appended');
    expect(appended).toHaveLength(2 * batches * batchSize);
    for (const w of writers) {
      expect(w.acks.map((a) => a.batch)).toEqual(Array.from({ length: batches }, (_, i) => i));
      for (const ack of w.acks) expect(events[ack.last - 1]?.hash).toBe(ack.hash);
    }
    // The writers' batches interleave: they really ran at once.
    const order = appended.map((e) => e.actor).filter((actor, i, all) => i === 0 || all[i - 1] !== actor);
    expect(order.length).toBeGreaterThan(4);

    const key = await loadOrCreateSigningKey(keyPath); // both writers used the one key they raced to create
    expect(await store.log.publicKeys()).toEqual({ [key.keyId]: key.publicKeyPem });
    expect(events.filter((e) => e.type === 'log.checkpoint').length).toBeGreaterThanOrEqual(17);
    const result = await verifyLog(store.log, { trustedPublicKeys: [key.publicKeyPem] });
    expect(result).toEqual({
      ok: true,
      events: events.length,
      lastSeq: events.length,
      lastHash: events.at(-1)?.hash,
    });
  });

  test('every acknowledged append survives kill -9, and no batch is half-written', async () => {
    const rounds = 20;
    const acked = new Map<string, { last: number; hash: string; size: number }>();
    for (let round = 0; round < rounds; round++) {
      const batchSize = 1 + ((round * 7) % 23);
      const writer = startWriter({
        ...store.childLocation,
        dir: compiled.dir,
        batches: -1,
        batchSize,
        writer: `w${round}`,
        keyPath: join(keyDir, 'signing-key.pem'),
      });
      await writer.ready;
      await sleep(5 + Math.floor(Math.random() * 60));
      writer.process.kill('SIGKILL');
      expect(await writer.exited).toBeNull();
      for (const ack of writer.acks)
        acked.set(`w${round}/${ack.batch}`, { last: ack.last, hash: ack.hash, size: batchSize });
    }
    expect(acked.size).toBeGreaterThan(rounds); // the kills came while appends were flowing

    const events = await collect(store.log.read());
    const bySeq = new Map<number, StoredEvent>(events.map((e) => [e.seq, e]));
    for (const [name, ack] of acked) expect(bySeq.get(ack.last)?.hash, name).toBe(ack.hash);
    const batchSizes = new Map<string, number>();
    for (const e of events) {
      if (e.type !== 'test.appended') continue;
      const name = `${String(e.data.writer)}/${String(e.data.batch)}`;
      batchSizes.set(name, (batchSizes.get(name) ?? 0) + 1);
    }
    for (const [name, count] of batchSizes) {
      const size = 1 + ((Number(name.slice(1, name.indexOf('/'))) * 7) % 23);
      expect(count, name).toBe(size);
    }
    expect(batchSizes.size).toBeGreaterThanOrEqual(acked.size);
    expect((await verifyLog(store.log)).ok).toBe(true);
  });
});
