/**
 * Outcomes: how a problem resolved, which hypothesis came true and when. Recorded as an event
 * in the problem's stream (`problem.resolved`), never edited: a correction is a newer
 * `problem.resolved`, and the latest one is in force (every one stays in the record).
 */
import { VigilError } from '../core/errors.js';
import { formatInstant, parseInstant } from '../core/instant.js';
import type { Problem } from '../core/model.js';
import type { Store } from '../app/store.js';
import { CLOCK_SKEW_MS } from '../app/store.js';

export const PROBLEM_RESOLVED = 'problem.resolved';

/** The longest note an outcome may carry. */
export const MAX_OUTCOME_NOTE = 2000;

/** `problem.resolved`: which hypothesis came true, when, and a note (sources, how we know). */
export interface ProblemResolvedData {
  hypothesis: string;
  /** ISO instant the outcome happened (the attack began, the exercise ended). */
  at: string;
  note?: string;
}

/** An outcome as recorded: the event's data, who recorded it, when, at which seq. */
export interface RecordedOutcome extends ProblemResolvedData {
  readonly seq: number;
  readonly hash: string;
  readonly recordedAt: string;
  readonly actor: string;
}

/** What to record. */
export interface OutcomeInput {
  readonly hypothesis: string;
  /** When it happened (ms since the epoch). */
  readonly at: number;
  readonly note?: string;
}

/**
 * Checks an outcome against the problem's current model and the clock (an outcome cannot lie
 * more than a minute in the future). Throws VigilError REQUEST_INVALID naming the field.
 */
export function checkOutcome(problem: Problem, input: OutcomeInput, now: number): void {
  if (!problem.hypotheses.some((h) => h.id === input.hypothesis)) {
    throw new VigilError('REQUEST_INVALID', `/hypothesis: names no hypothesis of problem "${problem.id}" (it has ${problem.hypotheses.map((h) => h.id).join(', ')})`, {
      path: '/hypothesis',
    });
  }
  if (!Number.isFinite(input.at)) throw new VigilError('REQUEST_INVALID', '/at: must be an ISO 8601 instant with a time zone', { path: '/at' });
  if (input.at > now + CLOCK_SKEW_MS) {
    throw new VigilError('REQUEST_INVALID', `/at: is in the future (the server's time is ${formatInstant(now)}): record an outcome once it has happened`, { path: '/at' });
  }
  if (input.note !== undefined && input.note.length > MAX_OUTCOME_NOTE) {
    throw new VigilError('REQUEST_INVALID', `/note: must be at most ${MAX_OUTCOME_NOTE} characters`, { path: '/note' });
  }
}

/**
 * Records how a problem resolved: a `problem.resolved` event by `actor`. Throws
 * PROBLEM_NOT_FOUND, or REQUEST_INVALID naming the field (see `checkOutcome`).
 */
export async function recordOutcome(store: Store, problemId: string, input: OutcomeInput, actor: string, now: number): Promise<RecordedOutcome> {
  const model = await store.problem(problemId);
  if (model === undefined) throw new VigilError('PROBLEM_NOT_FOUND', `no problem "${problemId}"`);
  checkOutcome(model.problem, input, now);
  const data: ProblemResolvedData = {
    hypothesis: input.hypothesis,
    at: formatInstant(input.at),
    ...(input.note !== undefined && input.note !== '' ? { note: input.note } : {}),
  };
  const [event] = await store.append([{ type: PROBLEM_RESOLVED, stream: problemId, actor, data: { ...data } }]);
  return { ...data, seq: event!.seq, hash: event!.hash, recordedAt: event!.at, actor };
}

/**
 * Every outcome recorded for a problem, oldest first (the last is in force). Reads the
 * problem's stream, parsing only the outcome events.
 */
export async function outcomesOf(store: Store, problemId: string): Promise<RecordedOutcome[]> {
  const out: RecordedOutcome[] = [];
  for await (const page of store.log.readRecords({ stream: problemId }, 5_000)) {
    for (const record of page) {
      if (record.type !== PROBLEM_RESOLVED) continue;
      out.push({ ...(JSON.parse(record.data) as ProblemResolvedData), seq: record.seq, hash: record.hash, recordedAt: record.at, actor: record.actor });
    }
  }
  return out;
}

/** The outcome in force (the latest recorded), or undefined. */
export async function currentOutcome(store: Store, problemId: string): Promise<RecordedOutcome | undefined> {
  return (await outcomesOf(store, problemId)).at(-1);
}

/** The instant of an outcome in ms. */
export function outcomeInstant(outcome: Pick<ProblemResolvedData, 'at'>): number {
  return parseInstant(outcome.at) ?? NaN;
}
