/**
 * A worker thread of parallel verification (`verify-pool.ts`): checks each block it is sent
 * alone, with `checkBlock`, and answers with the block's summary under the task's id.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { checkBlock } from './chain-verifier.js';
import type { BlockSetup, EventBlock } from './chain-verifier.js';

const setup = workerData as BlockSetup;
parentPort?.on('message', (task: { readonly id: number; readonly block: EventBlock }) => {
  parentPort?.postMessage({ id: task.id, summary: checkBlock(task.block, setup) });
});
