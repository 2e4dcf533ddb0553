/**
 * A worker thread of parallel verification (`verify-pool.ts`): checks each block it is sent
 * alone, with `checkBlock`, and answers with the block's summary under the task's id.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { checkBlock } from './chain-verifier.js';
import type { BlockSetup, EventBlock } from './chain-verifier.js';
import { unpackRecords } from './verify-pool.js';
import type { PackedRecords } from './verify-pool.js';

/** A block as sent: export lines as they are, stored records packed. */
type SentBlock = EventBlock | { readonly startSeq: number; readonly packed: PackedRecords };

const setup = workerData as BlockSetup;
parentPort?.on('message', (task: { readonly id: number; readonly block: SentBlock }) => {
  const sent = task.block;
  const block = 'packed' in sent ? { startSeq: sent.startSeq, records: unpackRecords(sent.packed) } : sent;
  parentPort?.postMessage({ id: task.id, summary: checkBlock(block, setup) });
});
