/**
 * A worker thread of parallel verification (`verify-pool.ts`): checks each block it is sent
 * alone, with `checkBlock`, and answers with the block's summary under the task's id.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { BlockSetup } from './chain-verifier.js';
import { checkPoolBlock, RangeReader, unpackRecords } from './verify-pool.js';
import type { PackedRecords, PoolBlock } from './verify-pool.js';

/** A block as sent: export lines as they are, stored records packed, or a range of a store to read. */
type SentBlock = PoolBlock | { readonly startSeq: number; readonly packed: PackedRecords };

const setup = workerData as BlockSetup;
const reader = new RangeReader();
parentPort?.on('message', (task: { readonly id: number; readonly block: SentBlock }) => {
  const sent = task.block;
  const block = 'packed' in sent ? { startSeq: sent.startSeq, records: unpackRecords(sent.packed) } : sent;
  let summary;
  try {
    summary = checkPoolBlock(block, setup, reader);
  } catch {
    summary = undefined; // a range that could not be read: the calling thread checks it itself
  }
  parentPort?.postMessage({ id: task.id, summary });
});
