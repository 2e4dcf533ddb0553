/**
 * Sends the daily briefings (briefing.ts) when due: at or after the organisation's local
 * briefing time, one email per follower per local day. A `briefing.sent {person, day}` event
 * records each; the scheduler reads the projection of those events before sending, so a restart
 * does not send it again. Several servers may run a scheduler on one store: before sending, one
 * claims the briefing (a `briefing.claimed {person, day}` event under a dedupe key of the person
 * and day), and the others leave it alone. A claim whose briefing is still not sent after
 * SEND_LEASE_MS (its server died) is taken over by another server, or by the same one restarted;
 * a send refused for now is tried again by its own server at the next check. (A server that dies between the send and its event leaves the briefing to be
 * sent twice; the stable Message-ID lets a mail client fold the two.)
 */
import type { Store } from '../app/store.js';
import { BRIEFING_CLAIMED, BRIEFING_SENT, type BriefingSentData } from '../app/warning-events.js';
import {
  checkpointWitness,
  followers,
  localClock,
  problemBriefing,
  type Briefing,
  type CheckpointWitness,
  type ProblemBriefing,
} from './briefing.js';
import { briefingEmail } from './briefing-email.js';
import { messageIdOf } from './email-channel.js';
import { claimWithLease } from './engine.js';
import type { Mailer } from './mailer.js';
import { contactOf, currentOrganisation } from './organisation-store.js';
import { recipientReader } from './recipient.js';
import { visibleEvidence } from '../app/need-to-know.js';

/** "07:30" as minutes since midnight. */
function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

export interface BriefingOptions {
  readonly mailer: Mailer;
  readonly clock?: () => Date;
  /** How often to look whether briefings are due (ms). Default 60,000. */
  readonly checkEveryMs?: number;
  /** The address people reach the server at (links). */
  readonly publicUrl?: () => string | undefined;
  /** Told of failures the scheduler survives (a refused send, the store failing). */
  readonly onError?: (error: unknown) => void;
}

/** Sends the daily briefings when due: started with the server, checked every minute. */
export class BriefingScheduler {
  readonly #clock: () => Date;
  #running: Promise<unknown> = Promise.resolve();
  #interval: NodeJS.Timeout | undefined;
  /** Person:day pairs refused for good today (a 5xx): not tried again until a restart. */
  readonly #refused = new Set<string>();
  /** Seqs of this scheduler's claims whose send failed for now: taken over at the next check. */
  readonly #released = new Set<number>();

  constructor(
    private readonly store: Store,
    private readonly options: BriefingOptions,
  ) {
    this.#clock = options.clock ?? (() => new Date());
  }

  start(): void {
    this.#interval = setInterval(
      () => void this.runDue().catch((error: unknown) => this.options.onError?.(error)),
      this.options.checkEveryMs ?? 60_000,
    );
    this.#interval.unref();
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    if (this.#interval !== undefined) clearInterval(this.#interval);
    await this.#running.catch(() => undefined);
  }

  /**
   * Sends every briefing due now (the local time is at or past the briefing time and the
   * person has none for this local day). Resolves to the briefings sent. Runs one at a time.
   */
  runDue(): Promise<BriefingSentData[]> {
    const run = this.#running.then(
      () => this.#runDue(),
      () => this.#runDue(),
    );
    this.#running = run.catch(() => undefined);
    return run;
  }

  async #runDue(): Promise<BriefingSentData[]> {
    const now = this.#clock().getTime();
    const { organisation } = await currentOrganisation(this.store);
    const schedule = organisation.briefing;
    if (schedule === undefined) return [];
    const local = localClock(now, schedule.timeZone);
    if (local.minutes < minutesOf(schedule.time)) return [];
    const sent: BriefingSentData[] = [];
    let witness: CheckpointWitness | undefined | null = null;
    for (const [person, problems] of followers(organisation, now)) {
      if (this.#refused.has(`${person}:${local.day}`)) continue;
      const done = await this.store.db.all('SELECT 1 AS x FROM warn_briefings WHERE person = ? AND day = ?', [
        person,
        local.day,
      ]);
      if (done.length > 0) continue;
      const contact = await contactOf(this.store, person);
      if (contact?.email === undefined) continue;
      // One witness for the run, taken only when someone is due.
      if (witness === null) witness = await checkpointWitness(this.store);
      const found: ProblemBriefing[] = [];
      for (const problem of problems) {
        const part = await problemBriefing(this.store, problem, now);
        if (part !== undefined) found.push(part);
      }
      // Policies for problems not defined yet: nothing to tell.
      if (found.length === 0) continue;
      // Claimed, so that of several servers checking at once one sends it.
      const claim = { type: BRIEFING_CLAIMED, stream: 'system', actor: 'system', data: { person, day: local.day } };
      const claimed = await claimWithLease(this.store, claim, `briefing:${person}:${local.day}`, now, this.#released);
      if (!claimed.claimed) continue;
      // Only the reports the recipient may see are named.
      const reader = await recipientReader(this.store, contact);
      const parts: ProblemBriefing[] = [];
      for (const part of found) {
        const moved = await visibleEvidence(this.store.db, part.problem, reader, part.moved);
        parts.push({ ...part, moved: moved.items, movedWithheld: moved.withheld });
      }
      const publicUrl = this.options.publicUrl?.()?.replace(/\/$/, '');
      const briefing: Briefing = {
        person,
        name: contact.name,
        day: local.day,
        timeZone: schedule.timeZone,
        at: new Date(now).toISOString(),
        problems: parts,
        ...(witness !== undefined ? { checkpoint: witness } : {}),
        ...(publicUrl !== undefined ? { publicUrl } : {}),
      };
      const email = briefingEmail(briefing);
      const result = await this.options.mailer.send({
        to: contact.email,
        ...email,
        messageId: messageIdOf(`${local.day}:${person}`, 'briefing'),
        headers: { 'X-Vigil-Briefing': `${local.day}:${person}` },
      });
      if (result.outcome === 'failed') {
        if (result.permanent) this.#refused.add(`${person}:${local.day}`);
        else this.#released.add(claimed.seq);
        this.options.onError?.(
          new Error(
            `briefing for ${person} not sent (${result.permanent ? 'refused' : 'will retry'}): ${result.detail}`,
          ),
        );
        continue;
      }
      const data: BriefingSentData = {
        person,
        day: local.day,
        timeZone: schedule.timeZone,
        problems: parts.map((p) => p.problem),
        ...(witness !== undefined ? { checkpoint: { upTo: witness.upTo, head: witness.head } } : {}),
      };
      // The key makes a second event for the same person and day (another server) a no-op.
      const key = `briefing:${person}:${local.day}`;
      await this.store.append([
        {
          type: BRIEFING_SENT,
          stream: 'system',
          actor: 'system',
          data: data as unknown as Record<string, unknown>,
          dedupe: { key, fingerprint: key },
        },
      ]);
      sent.push(data);
    }
    return sent;
  }
}
