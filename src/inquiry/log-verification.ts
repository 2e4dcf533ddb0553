/**
 * The verification status of the log, for an inquiry report: the whole chain verified now
 * (audit-log.md section 4, over the live store), the head hash, the signed checkpoints within
 * the window and the first one after it that covers it, so that the report can be checked
 * against the log (or an export of it) by someone who does not trust Vigil.
 */
import type { Store } from '../app/store.js';
import { parseInstant } from '../core/instant.js';
import type { CheckpointData } from '../log/checkpoint.js';
import { CHECKPOINT_TYPE } from '../log/event.js';
import { verifyLog } from '../log/verify.js';

export interface CheckpointRef {
  readonly seq: number;
  readonly at: string;
  readonly upTo: number;
  readonly head: string;
  readonly keyId: string;
}

export interface LogVerification {
  /** True when every hash, link and checkpoint signature holds from seq 1 to the head. */
  readonly ok: boolean;
  readonly eventsVerified: number;
  /** The first failure, when verification failed. */
  readonly failure?: { readonly seq: number; readonly reason: string };
  /** The head when verified. */
  readonly head: { readonly seq: number; readonly hash: string; readonly at: string } | null;
  /** The problem's events in the window: the seqs this report cites lie between these. */
  readonly window: { readonly from: string; readonly to: string; readonly firstSeq: number | null; readonly lastSeq: number | null; readonly events: number };
  /** Signed checkpoints appended within the window. */
  readonly checkpoints: readonly CheckpointRef[];
  /** The first checkpoint that signs a head at or after the window's last event: it seals the window. */
  readonly sealedBy: CheckpointRef | null;
  /** Key id → public key (PEM) of the keys that signed checkpoints. */
  readonly publicKeys: Readonly<Record<string, string>>;
  /** How to check this report against the log. */
  readonly howToCheck: string;
}

/**
 * The lowest and highest of `seqs` (null for none), by a loop: a spread into Math.min would
 * overflow the call stack past about 125,000 seqs.
 */
export function seqRange(seqs: readonly number[]): { firstSeq: number | null; lastSeq: number | null } {
  let firstSeq: number | null = null;
  let lastSeq: number | null = null;
  for (const seq of seqs) {
    if (firstSeq === null || seq < firstSeq) firstSeq = seq;
    if (lastSeq === null || seq > lastSeq) lastSeq = seq;
  }
  return { firstSeq, lastSeq };
}

/**
 * Verifies the whole log and describes the window [from, to] (ms) for a problem whose events in
 * the window have `windowSeqs`. Store errors pass through; a bad log is a result, not a throw.
 */
export async function verifyForWindow(store: Store, from: number, to: number, windowSeqs: readonly number[]): Promise<LogVerification> {
  const head = (await store.log.head()) ?? null;
  const result = await verifyLog(store.log, head === null ? {} : { head: { seq: head.seq, hash: head.hash } });
  const checkpoints: CheckpointRef[] = [];
  let sealedBy: CheckpointRef | null = null;
  const { firstSeq, lastSeq } = seqRange(windowSeqs);
  for await (const page of store.log.readRecords({ stream: 'system', ...(head !== null ? { to: head.seq } : {}) }, 5_000)) {
    for (const record of page) {
      if (record.type !== CHECKPOINT_TYPE) continue;
      const data = JSON.parse(record.data) as CheckpointData;
      const checkpoint: CheckpointRef = { seq: record.seq, at: record.at, upTo: data.upTo, head: data.head, keyId: data.keyId };
      const at = parseInstant(record.at) ?? 0;
      if (at >= from && at <= to) checkpoints.push(checkpoint);
      if (sealedBy === null && lastSeq !== null && data.upTo >= lastSeq) sealedBy = checkpoint;
    }
  }
  const headClaim = head === null ? '' : ` --head ${head.seq}:${head.hash}`;
  return {
    ok: result.ok,
    eventsVerified: result.ok ? result.events : 0,
    ...(result.ok ? {} : { failure: { seq: result.seq, reason: result.reason } }),
    head: head === null ? null : { seq: head.seq, hash: head.hash, at: head.at },
    window: { from: new Date(from).toISOString(), to: new Date(to).toISOString(), firstSeq, lastSeq, events: windowSeqs.length },
    checkpoints,
    sealedBy,
    publicKeys: await store.log.publicKeys(),
    howToCheck:
      `Export the log (vigil export --out log.jsonl, or GET /api/v1/export as an auditor), check it without Vigil's help ` +
      `(vigil verify --export log.jsonl${headClaim}), then find each seq this report cites in the export and compare its hash.`,
  };
}
