/**
 * Signed checkpoints (spec section 2): every so often the log appends a `log.checkpoint` event
 * whose data signs the hash of the event before it. A head sent out of the system lets an
 * outsider notice a log cut short; a signature lets anyone notice a log rewritten wholesale
 * by someone without the key.
 */
import { sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { SigningKey } from './signing-key.js';

/** The data of a `log.checkpoint` event. */
export interface CheckpointData {
  /** Seq of the event just before the checkpoint. */
  readonly upTo: number;
  /** Hash of event `upTo`. */
  readonly head: string;
  /** Names the public key that verifies `signature`. */
  readonly keyId: string;
  /** Base64 Ed25519 signature over the ASCII bytes of `head`. */
  readonly signature: string;
}

/** How often checkpoints are due. */
export interface CheckpointPolicy {
  /** A checkpoint once this many events follow the last one. */
  readonly everyEvents: number;
  /** A checkpoint once events have followed the last one for this long (milliseconds). */
  readonly everyMs: number;
}

/** The spec's policy: at least every 10,000 events and at least hourly while events arrive. */
export const DEFAULT_CHECKPOINT_POLICY: CheckpointPolicy = { everyEvents: 10_000, everyMs: 3_600_000 };

/**
 * The last checkpoint: its seq and time (milliseconds since the epoch). For a log without one
 * yet, seq 0 and the time of the first event.
 */
export interface CheckpointMark {
  readonly seq: number;
  readonly atMs: number;
}

/**
 * Whether a checkpoint is due at `nowMs`, `eventsSince` events after `last`: when at least
 * `policy.everyEvents` events are uncovered, or when any are and `policy.everyMs` has passed
 * since `last`. Never due without new events, so an idle log gains no checkpoints. Pure.
 */
export function checkpointDue(
  last: CheckpointMark,
  eventsSince: number,
  nowMs: number,
  policy: CheckpointPolicy = DEFAULT_CHECKPOINT_POLICY,
): boolean {
  return eventsSince >= policy.everyEvents || (eventsSince > 0 && nowMs - last.atMs >= policy.everyMs);
}

/** The checkpoint data for event `upTo`, whose hash is `head`, signed with `key`. */
export function signCheckpoint(upTo: number, head: string, key: SigningKey): CheckpointData {
  const signature = sign(null, Buffer.from(head, 'ascii'), key.privateKey).toString('base64');
  return { upTo, head, keyId: key.keyId, signature };
}

/**
 * Checks a checkpoint's `data` for the event at `seq` whose `prev` is `prev`: exactly the four
 * members, `upTo` = seq - 1, `head` = prev, a known `keyId`, and a signature that verifies.
 * Returns undefined when all hold, else what failed. Never throws.
 */
export function checkCheckpoint(
  data: unknown,
  seq: number,
  prev: string,
  publicKeys: ReadonlyMap<string, KeyObject>,
): string | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return 'checkpoint data is not an object';
  const { upTo, head, keyId, signature, ...rest } = data as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0) return `checkpoint data has unexpected members: ${extra.join(', ')}`;
  if (upTo !== seq - 1) return `checkpoint upTo is ${JSON.stringify(upTo)}, expected ${seq - 1}`;
  if (head !== prev) return `checkpoint head is not the hash of seq ${seq - 1}`;
  if (typeof keyId !== 'string') return 'checkpoint keyId is not a string';
  const publicKey = publicKeys.get(keyId);
  if (publicKey === undefined) return `checkpoint signed by unknown key ${JSON.stringify(keyId)}`;
  if (typeof signature !== 'string') return 'checkpoint signature is not a string';
  const bytes = Buffer.from(signature, 'base64');
  // Buffer.from ignores stray characters; only the one canonical base64 text is accepted.
  if (bytes.toString('base64') !== signature) return 'checkpoint signature is not base64';
  let valid: boolean;
  try {
    valid = verify(null, Buffer.from(head, 'ascii'), publicKey, bytes);
  } catch {
    valid = false;
  }
  return valid ? undefined : 'checkpoint signature does not verify';
}
