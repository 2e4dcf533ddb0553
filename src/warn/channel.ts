/**
 * The port every outside channel implements (webhook, email): deliver one notification once.
 * A delivery never throws: it answers delivered, or failed (temporary: try again later;
 * permanent: do not).
 */
import type { Judgment } from './warning-decision.js';
import type { Contact } from './organisation-store.js';

/**
 * Why a warning closed (its last version's reason): the official level fell back to the first
 * (`all-clear`), or a dissent's own warning ended because the dissent was withdrawn or the
 * official assessment now reaches its level (the official warning carries it from there).
 */
export type ClosingReason = 'all-clear' | 'dissent-withdrawn' | 'official-caught-up';

/** One person told of one warning version. */
export interface Notification {
  /** Stable across retries and restarts: `<warning>:<version>:<person>`. */
  readonly id: string;
  readonly warning: string;
  readonly version: number;
  readonly problem: string;
  readonly problemTitle: string;
  readonly person: string;
  readonly contact: Contact;
  /** Why this person: holder, deputy, delegate, named. */
  readonly reason: string;
  readonly role?: string;
  readonly standingInFor?: readonly string[];
  /** The judgment as the recipient may read it: evidence they may not see is left out. */
  readonly judgment: Judgment;
  /** How many reports of the judgment's evidence were left out (see recipient.ts). */
  readonly withheld: number;
  /** True for the all-clear of a closed warning. */
  readonly allClear: boolean;
  /** With `allClear`: why the warning closed. */
  readonly closedBecause?: ClosingReason;
  /** Attempt number, from 1. */
  readonly attempt: number;
}

export type DeliveryResult =
  | { readonly outcome: 'delivered'; readonly status?: number }
  | { readonly outcome: 'failed'; readonly permanent: boolean; readonly status?: number; readonly detail: string };

export interface ChannelSender {
  readonly channel: 'webhook' | 'email';
  /** True when the person has this channel (an address, a URL). */
  reaches(contact: Contact): boolean;
  deliver(notification: Notification): Promise<DeliveryResult>;
}
