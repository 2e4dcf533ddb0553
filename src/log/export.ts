/**
 * The export of spec section 3: JSON Lines, a header line then one canonical (JCS) event per
 * line in seq order, streamed so any length takes constant memory.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { VigilError } from '../core/errors.js';
import { encodeRecord } from './event.js';
import type { EventLog } from './event-log.js';

/** The first line of an export. */
export interface ExportHeader {
  readonly vigilLog: 1;
  /** Key id -> public key PEM (SPKI), for every key that signed checkpoints in the store. */
  readonly publicKeys: Readonly<Record<string, string>>;
  /** Seq of the first event. */
  readonly from: number;
  /** Seq of the last event; `from - 1` for an export with no events. */
  readonly to: number;
}

/** Which events to export: seq in [from, to], default the whole log. */
export interface ExportRange {
  readonly from?: number;
  readonly to?: number;
}

/**
 * The header line's text (no newline), members in the spec's order:
 * `{"vigilLog":1,"publicKeys":{...},"from":N,"to":M}`.
 */
export function encodeExportHeader(header: ExportHeader): string {
  return JSON.stringify({
    vigilLog: header.vigilLog,
    publicKeys: header.publicKeys,
    from: header.from,
    to: header.to,
  });
}

/**
 * Writes the export of `range` of `log` to `out`: a file path (created or replaced) or a
 * writable stream (left open). `to` is clamped to the head as it is when the export starts,
 * so events appended meanwhile are not included and the header tells the truth. Each event
 * line carries the stored bytes; a store altered behind the log's back gives an export that
 * fails verification at the altered event. Resolves to the header written. Throws VigilError
 * `EVENT_INVALID` for a bad range.
 */
export async function exportLog(
  log: EventLog,
  out: string | Writable,
  range: ExportRange = {},
): Promise<ExportHeader> {
  const from = range.from ?? 1;
  if (!Number.isSafeInteger(from) || from < 1)
    throw new VigilError('EVENT_INVALID', `export from must be a seq >= 1, got ${from}`);
  if (range.to !== undefined && (!Number.isSafeInteger(range.to) || range.to < 0)) {
    throw new VigilError('EVENT_INVALID', `export to must be a seq >= 0, got ${range.to}`);
  }
  const headSeq = (await log.head())?.seq ?? 0;
  const to = Math.max(from - 1, Math.min(range.to ?? headSeq, headSeq));
  const header: ExportHeader = { vigilLog: 1, publicKeys: await log.publicKeys(), from, to };

  const stream = typeof out === 'string' ? createWriteStream(out) : out;
  let failure: unknown;
  const onError = (error: unknown): void => {
    failure ??= error;
  };
  stream.on('error', onError);
  const write = async (text: string): Promise<void> => {
    if (failure !== undefined) throw failure;
    // events.once rejects when the stream emits 'error' while we wait for 'drain'.
    if (!stream.write(text)) await once(stream, 'drain');
  };
  try {
    await write(encodeExportHeader(header) + '\n');
    if (to >= from) {
      for await (const page of log.readRecords({ from, to }, 5_000)) {
        let chunk = '';
        for (const record of page) chunk += encodeRecord(record) + '\n';
        await write(chunk);
      }
    }
    if (typeof out === 'string') {
      const closed = once(stream, 'close');
      stream.end();
      await closed;
    }
    if (failure !== undefined) throw failure;
  } catch (error) {
    if (typeof out === 'string') stream.destroy();
    throw error;
  } finally {
    stream.off('error', onError);
  }
  return header;
}
