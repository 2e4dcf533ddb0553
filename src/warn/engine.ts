/**
 * The warning engine: re-evaluates problems (after reports, and on a timer because fading
 * evidence moves the posterior without new reports), opens, updates and closes warnings, runs
 * their escalation, delivers through the channels and retries failed deliveries. Everything it
 * decides is an event; its timers are rows of the warning projection with due times, so a
 * restart resumes on schedule. One operation at a time per engine.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Principal } from '../app/access.js';
import type { Store } from '../app/store.js';
import {
  DELIVERY_ATTEMPTED,
  DELIVERY_RESUMED,
  ESCALATION_EXHAUSTED,
  ESCALATION_UNREACHABLE,
  ESCALATION_WAITING,
  WARNING_ACKNOWLEDGED,
  WARNING_CLOSED,
  WARNING_NOTIFIED,
  WARNING_OPENED,
  WARNING_UPDATED,
  DISSENT_FILED,
  DISSENT_ROUTED,
  DISSENT_WITHDRAWN,
  ORGANISATION_GAPS_FORESEEN,
  type DeliveryAttemptedData,
  type DissentFiledData,
  type DissentRoutedData,
  type EscalationWaitingData,
  type WarningAcknowledgedData,
  type WarningNotifiedData,
} from '../app/warning-events.js';
import { isVigilError, VigilError } from '../core/errors.js';
import { estimativeWords } from '../core/words.js';
import type { StoredEvent } from '../log/event.js';
import type { NewEvent } from '../log/event-log.js';
import type { ChannelSender, ClosingReason, Notification } from './channel.js';
import { runEscalation, START, type EscalationAction, type EscalationCursor } from './escalation.js';
import { channelsOf, resolveTarget, type Channel, type Organisation, type Step } from './organisation.js';
import { contactOf, currentOrganisation } from './organisation-store.js';
import { dissentById, dissentsOf, openDissentWarning, openWarningOf, warningById, warningCount, type WarningRow } from './warning-reads.js';
import { dissentIssues, dissentLevel, levelReached } from './dissent.js';
import { coverageGaps } from './coverage.js';
import { decideWarning, type Judgment } from './warning-decision.js';
import { recipientReader } from './recipient.js';
import { visibleEvidence } from '../app/need-to-know.js';

/** The policy frozen into a warning when it opens. */
export interface FrozenPolicy {
  readonly levels: Readonly<Record<string, readonly Step[]>>;
  readonly control: string;
  readonly materialChange: number;
}

export interface EngineOptions {
  readonly clock?: () => Date;
  readonly channels?: readonly ChannelSender[];
  /** How often due timers are run (ms). Default 1,000. */
  readonly tickMs?: number;
  /** How often every problem is re-evaluated for fading (ms). Default 60,000. */
  readonly reevaluateMs?: number;
  /** Delivery retries: first delay (ms, default 1,000), doubling, jittered, at most `maxAttempts` (default 8). */
  readonly retryBaseMs?: number;
  readonly maxAttempts?: number;
  /** Random source in [0, 1) for the jitter (tests pass a fixed one). */
  readonly random?: () => number;
  /** Told of failures the engine survives (a channel or the store failing). */
  readonly onError?: (error: unknown) => void;
  /**
   * How often the store is caught up with what other server processes appended (ms), on a
   * timer of its own: their events reach this server's live stream and engine this soon even
   * while the engine is busy sending. Default 1,000.
   */
  readonly catchUpMs?: number;
}

const DEFAULT_MATERIAL_CHANGE = 0.1;
/** How old a notification with no delivery attempted must be before the outbox sends it. */
const UNSENT_AFTER_MS = 10_000;
/**
 * How long a claim to send one notification (its first send, an outbox send or a retry) holds:
 * longer than one send to one person on every channel can take (a webhook times out after 5 s,
 * an SMTP exchange after a few 10 s), so no engine sends what a live one is sending. A claim
 * this old with the send still not recorded was left by an engine that died: another engine
 * (or the same one restarted) takes it over with the next lease.
 */
export const SEND_LEASE_MS = 120_000;
/** The most leases one send is taken over with (one per SEND_LEASE_MS). */
const MAX_LEASES = 50;
/** How far ahead the daily check looks for roles with nobody reachable. */
const COVERAGE_AHEAD_MS = 7 * 24 * 3_600_000;
const TOP = 3;
/** Vigil roles that may acknowledge any warning (besides the people it was sent to). */
const AUTHORITY_ROLES = ['duty-officer', 'decision-maker'];

/**
 * Marks a batch of the engine's events as the one and only doing of `step`. Several server
 * processes may run an engine on one store: each sees the same state and may decide the same
 * step at once. The log lets one dedupe key through; a fingerprint of its own makes any other
 * attempt a conflict (never a silent duplicate), and the engine that loses leaves the step, its
 * notifications included, to the one that won.
 */
function claimed(events: readonly NewEvent[], step: string): NewEvent[] {
  const [first, ...rest] = events;
  if (first === undefined) return [];
  // A key is at most 256 characters: a long step (many loop counters) is named by its hash.
  const key = step.length <= 200 ? `engine:${step}` : `engine:sha256:${createHash('sha256').update(step).digest('hex')}`;
  return [{ ...first, dedupe: { key, fingerprint: randomUUID() } }, ...rest];
}

/**
 * The step of sending the notification whose `warning.notified` event is at `seq`: claimed by
 * its writer before sending, and by an outbox that finds it unsent. (Not the warning, version
 * and person: a policy's repeat tells one person twice in one version.)
 */
function sendStep(seq: number): string {
  return `send:${seq}`;
}

/** The seq of the event holding the dedupe key of a DEDUPE_CONFLICT, when the log names it. */
function holderSeq(error: VigilError): number | undefined {
  const [conflict] = (error.details?.conflicts ?? []) as { seq: number | null }[];
  return conflict?.seq ?? undefined;
}

/** The time (ms) of the event at `seq`; +Infinity when there is none (so a claim holds). */
async function eventTime(store: Store, seq: number | undefined): Promise<number> {
  if (seq === undefined) return Infinity;
  for await (const event of store.log.read({ from: seq, to: seq, limit: 1 })) return Date.parse(event.at);
  return Infinity;
}

/**
 * Claims one send (a notification, a retry, a daily briefing) for the caller, by appending
 * `claim` as the doing of `step` (see `claimed`): lease 1 under the step's own key. When a
 * claim holds that key and is SEND_LEASE_MS old or more at `now` (ms), its claimant is taken to
 * have died (the caller has checked that the send is still not recorded) and the next lease is
 * tried, under `<step>:lease:<n>`; so is one the caller gave up itself (its seq in `released`:
 * a send of its own that failed for now, to be tried again sooner). Resolves to the seq of the
 * claim, or to until when a live claim of another process holds the send. Never sends
 * anything; store failures other than a lost claim pass through.
 */
export async function claimWithLease(store: Store, claim: NewEvent, step: string, now: number, released: ReadonlySet<number> = new Set()): Promise<{ claimed: true; seq: number } | { claimed: false; heldUntil: number }> {
  for (let lease = 1; lease <= MAX_LEASES; lease++) {
    try {
      const [event] = await store.append(claimed([claim], lease === 1 ? step : `${step}:lease:${lease}`));
      return { claimed: true, seq: event!.seq };
    } catch (error) {
      if (!isVigilError(error, 'DEDUPE_CONFLICT')) throw error;
      const holder = holderSeq(error);
      if (holder !== undefined && released.has(holder)) continue;
      const heldUntil = (await eventTime(store, holder)) + SEND_LEASE_MS;
      if (heldUntil > now) return { claimed: false, heldUntil };
    }
  }
  return { claimed: false, heldUntil: Infinity };
}

/**
 * The level index the engine's previous evaluation of a problem left it at: the level of its
 * open warning (every level change makes a version), the first level when none is open.
 * Undefined when the current model no longer has that level (then the replay's level stands).
 */
function previousLevel(levels: readonly { id: string }[], open: WarningRow | undefined): number | undefined {
  if (open === undefined) return 0;
  const index = levels.findIndex((l) => l.id === open.judgment.level);
  return index < 0 ? undefined : index;
}

/** A closing version's recorded reason as a ClosingReason (anything unknown is a plain all-clear). */
function closingReason(reason: string): ClosingReason {
  return reason === 'dissent-withdrawn' || reason === 'official-caught-up' ? reason : 'all-clear';
}

/** The hypothesis with the highest probability (the first on ties). */
function leadingOf(posterior: Readonly<Record<string, number>>): string {
  let best = '';
  let p = -1;
  for (const [id, q] of Object.entries(posterior)) {
    if (q > p) {
      best = id;
      p = q;
    }
  }
  return best;
}

export class WarningEngine {
  readonly #clock: () => Date;
  readonly #channels: readonly ChannelSender[];
  /** The channels this server tells people through: the in-app inbox, and its senders'. */
  readonly #available: ReadonlySet<Channel>;
  #running: Promise<unknown> = Promise.resolve();
  #interval: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;
  #lastSweep = 0;
  /** The UTC day of the last coverage check. */
  #coverageDay = '';
  /** Problems with an evaluation queued. */
  readonly #pending = new Set<string>();
  /** Notifications the outbox has looked at (warning:version:person). */
  readonly #lookedAt = new Set<string>();
  /** Sends another engine holds a live claim on, and until when (ms): not asked again before. */
  readonly #heldUntil = new Map<string, number>();
  #catchUpInterval: NodeJS.Timeout | undefined;
  /** Events of other processes caught up with since the last tick (by the catch-up timer too). */
  #othersSinceTick = 0;

  constructor(
    private readonly store: Store,
    private readonly options: EngineOptions = {},
  ) {
    this.#clock = options.clock ?? (() => new Date());
    this.#channels = options.channels ?? [];
    this.#available = new Set<Channel>(['in-app', ...this.#channels.map((c) => c.channel)]);
  }

  /**
   * The channels this engine tells people through: `in-app` always, plus one per sender (no
   * `email` without an SMTP server). Who is reachable, for the escalation and for the coverage
   * ahead, is judged by these.
   */
  get availableChannels(): ReadonlySet<Channel> {
    return this.#available;
  }

  /** Re-evaluates after every projected change to a problem, and runs timers every tick. */
  start(): void {
    this.#unsubscribe = this.store.onProjected((events) => {
      // Coalesced: under a stream of reports a problem waits for one evaluation, not one per batch.
      for (const e of events) {
        if (!e.type.startsWith('report.') && e.type !== 'problem.defined') continue;
        if (this.#pending.has(e.stream)) continue;
        this.#pending.add(e.stream);
        this.#background(() => {
          this.#pending.delete(e.stream);
          return this.evaluate(e.stream);
        });
      }
      if (events.some((e) => e.type === 'organisation.defined')) this.#background(() => this.evaluateAll());
    });
    this.#interval = setInterval(() => this.#background(() => this.tick()), this.options.tickMs ?? 1_000);
    this.#interval.unref();
    // Not queued behind the engine's operations: a slow send must not keep other servers'
    // events from this server's live stream (the evaluations they call for are queued as ever).
    this.#catchUpInterval = setInterval(() => void this.#catchUp().catch((error: unknown) => this.options.onError?.(error)), this.options.catchUpMs ?? 1_000);
    this.#catchUpInterval.unref();
  }

  /** Stops the timers and waits for the operation in progress. */
  async stop(): Promise<void> {
    this.#unsubscribe?.();
    if (this.#interval !== undefined) clearInterval(this.#interval);
    if (this.#catchUpInterval !== undefined) clearInterval(this.#catchUpInterval);
    await this.#running.catch(() => undefined);
  }

  /** Waits until every queued operation has run (tests). */
  async idle(): Promise<void> {
    for (;;) {
      const current = this.#running;
      await current.catch(() => undefined);
      if (current === this.#running) return;
    }
  }

  /** Runs `task` after the operations queued before it; its failure is the caller's to handle. */
  #serial<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#running.then(task, task);
    this.#running = result.catch(() => undefined);
    return result;
  }

  /** Queues an operation nobody awaits: its failure is told to `onError`. */
  #background(task: () => Promise<unknown>): void {
    this.#serial(task).catch((error: unknown) => this.options.onError?.(error));
  }

  #now(): number {
    return this.#clock().getTime();
  }

  /** Catches the store up; how many events of other processes that found is kept for the next tick. */
  async #catchUp(): Promise<number> {
    const others = await this.store.catchUp();
    this.#othersSinceTick += others;
    return others;
  }

  /**
   * Runs due timers; re-evaluates every problem once per `reevaluateMs`. First it catches the
   * store up with what other server processes wrote: their reports reach the engine (and the
   * live stream) like this process's own, and are evaluated in turn.
   */
  async tick(): Promise<void> {
    const now = this.#now();
    for (const [step, until] of this.#heldUntil) if (until <= now) this.#heldUntil.delete(step);
    await this.#catchUp();
    const others = this.#othersSinceTick;
    this.#othersSinceTick = 0;
    if (others > 0 || now - this.#lastSweep >= (this.options.reevaluateMs ?? 60_000)) {
      this.#lastSweep = now;
      await this.evaluateAll();
    }
    await this.#checkCoverage(now);
    await this.#deliverUnsent(now);
    const due = await this.store.db.all<{ id: string; kind: string; body: string }>('SELECT id, kind, body FROM warn_timers WHERE due_ms <= ? ORDER BY due_ms, id', [now]);
    for (const timer of due) {
      if (timer.kind === 'escalation') await this.#resumeEscalation(JSON.parse(timer.body) as EscalationWaitingData);
      else if (timer.kind === 'delivery') await this.#retryDelivery(JSON.parse(timer.body) as DeliveryAttemptedData);
    }
  }

  /**
   * Once a day (UTC, per process): warns administrators ahead of time of a role that will have
   * nobody reachable in the coming week (an `organisation.gaps-foreseen` event, pushed to
   * admins on the stream).
   */
  async #checkCoverage(now: number): Promise<void> {
    const day = new Date(now).toISOString().slice(0, 10);
    if (day === this.#coverageDay) return;
    this.#coverageDay = day;
    const { seq, organisation } = await currentOrganisation(this.store);
    if (seq === 0) return;
    const until = now + COVERAGE_AHEAD_MS;
    const gaps = coverageGaps(organisation, now, until, this.#available);
    if (gaps.length === 0) return;
    await this.#appendClaimed([{ type: ORGANISATION_GAPS_FORESEEN, stream: 'system', actor: 'system', data: { day, until: new Date(until).toISOString(), gaps: gaps.map((g) => ({ ...g })) } }], `coverage:${day}`);
  }

  async evaluateAll(): Promise<void> {
    for (const p of await this.store.problems()) await this.evaluate(p.id);
  }

  /**
   * The judgment of a problem now. Its level is one evaluation of the level rule from the level
   * of the engine's previous evaluation (`previousLevel`), so the hysteresis holds between
   * reports as well as at them.
   */
  async judge(problem: string): Promise<{ judgment: Judgment; title: string }> {
    const now = this.#now();
    const model = await this.store.problem(problem);
    const levels = model?.problem.warning.levels ?? [];
    const a = await this.store.assessLatest(problem, now, previousLevel(levels, await openWarningOf(this.store.db, problem)));
    const judgment: Judgment = {
      at: new Date(now).toISOString(),
      level: a.level,
      levelIndex: Math.max(0, levels.findIndex((l) => l.id === a.level)),
      pDangerous: a.pDangerous,
      words: estimativeWords(a.pDangerous),
      leading: a.leading,
      evidence: a.sensitivity.slice(0, TOP).map((s) => ({ report: s.report, impact: s.impact, flips: s.flips })),
      collect: a.collect.slice(0, TOP).map((c) => ({ indicator: c.indicator, eig: c.eig, pDangerousIfPresent: c.pDangerousIfPresent, pDangerousIfAbsent: c.pDangerousIfAbsent })),
    };
    return { judgment, title: model?.problem.title ?? problem };
  }

  /**
   * Re-evaluates one problem: opens, updates or closes its warning as the judgment says, then
   * the warnings of its open dissents.
   */
  async evaluate(problem: string): Promise<void> {
    if ((await this.store.problem(problem)) === undefined) return;
    await this.#evaluateOfficial(problem);
    await this.#evaluateDissents(problem);
  }

  async #evaluateOfficial(problem: string): Promise<void> {
    const { organisation } = await currentOrganisation(this.store);
    const policy = organisation.policies.find((p) => p.problem === problem);
    // Counted before the open warning is read: a decision to open then rests on a count no
    // newer than what it saw, so two engines deciding at once make the same claim.
    const warningsSoFar = await warningCount(this.store.db, problem);
    const open = await openWarningOf(this.store.db, problem);
    const materialChange = open?.policy.materialChange ?? policy?.materialChange ?? DEFAULT_MATERIAL_CHANGE;
    const levels = (await this.store.problem(problem))?.problem.warning.levels ?? [];
    // The open warning's level as the current model ranks it: a version that adds or removes a
    // level below moves the indexes, not the level (which would otherwise read as a level-up).
    const previous = previousLevel(levels, open);
    const current = open === undefined ? undefined : { id: open.id, version: open.version, judgment: { ...open.judgment, levelIndex: previous ?? open.judgment.levelIndex } };
    // Most evaluations change nothing: decide on the quick figures first (O(indicators)), and
    // assess in full (evidence, advice) only when a warning opens, changes or closes.
    const quick = await this.store.quickLatest(problem, this.#now(), previous);
    if (quick !== undefined && decideWarning(current, { ...quick, at: '', words: '', evidence: [], collect: [] }, materialChange).kind === 'none') return;
    const { judgment } = await this.judge(problem);
    const decision = decideWarning(current, judgment, materialChange);
    const data = { judgment: judgment as unknown as Record<string, unknown> };
    switch (decision.kind) {
      case 'none':
        return;
      case 'open': {
        const frozen: FrozenPolicy = { levels: policy?.levels ?? {}, control: policy?.control ?? '', materialChange };
        const warning = randomUUID();
        const opened: NewEvent = { type: WARNING_OPENED, stream: problem, actor: 'system', data: { warning, version: 1, reason: 'opened', ...data, policy: frozen as unknown as Record<string, unknown> } };
        const nth = warningsSoFar + 1;
        await this.#escalate(problem, warning, 1, judgment.level, frozen, START, organisation, `warning-opened:${problem}:${nth}`, [opened]);
        return;
      }
      case 'update': {
        const version = open!.version + 1;
        const updated: NewEvent = { type: WARNING_UPDATED, stream: problem, actor: 'system', data: { warning: open!.id, version, reason: decision.reason, ...data } };
        await this.#escalate(problem, open!.id, version, judgment.level, open!.policy, START, organisation, `warning:${open!.id}:${version}`, [updated]);
        return;
      }
      case 'close': {
        const version = open!.version + 1;
        const closed: NewEvent = { type: WARNING_CLOSED, stream: problem, actor: 'system', data: { warning: open!.id, version, reason: 'all-clear', ...data } };
        await this.#allClear(problem, open!, version, organisation, closed);
        return;
      }
      default: {
        const never: never = decision;
        throw new Error(`unknown decision ${String(never)}`);
      }
    }
  }

  /**
   * A dissent raises its own warning while it reaches a level the official assessment has not
   * (its escalation: the control role), and closes it when the official assessment catches up
   * or the dissent is withdrawn.
   */
  async #evaluateDissents(problem: string): Promise<void> {
    const dissents = await dissentsOf(this.store.db, problem);
    // Most problems have none: spare them a second assessment.
    if (dissents.length === 0) return;
    const model = await this.store.problem(problem);
    if (model === undefined) return;
    const { organisation } = await currentOrganisation(this.store);
    const policy = organisation.policies.find((p) => p.problem === problem);
    const { judgment } = await this.judge(problem);
    for (const dissent of dissents) {
      const dissentWarningsSoFar = await warningCount(this.store.db, problem, dissent.dissent);
      const warning = await openDissentWarning(this.store.db, dissent.dissent);
      // The level the dissent reaches under the current model (a new version may add or move
      // levels: the index stored when it was filed is of the model of then).
      const reached = levelReached(model.problem.warning.levels, dissent.pDangerous);
      const above = dissent.state === 'open' && reached.levelIndex > judgment.levelIndex;
      if (above && warning === undefined) {
        const dissentJudgment: Judgment = { ...judgment, ...reached, pDangerous: dissent.pDangerous, words: estimativeWords(dissent.pDangerous), leading: leadingOf(dissent.posterior), evidence: [], collect: judgment.collect };
        const frozen: FrozenPolicy = { levels: { [reached.level]: [{ notify: ['control'] }] }, control: policy?.control ?? '', materialChange: 1 };
        const id = randomUUID();
        const opened: NewEvent = {
          type: WARNING_OPENED,
          stream: problem,
          actor: 'system',
          data: { warning: id, version: 1, reason: 'dissent', dissent: dissent.dissent, judgment: dissentJudgment as unknown as Record<string, unknown>, policy: frozen as unknown as Record<string, unknown> },
        };
        const nth = dissentWarningsSoFar + 1;
        await this.#escalate(problem, id, 1, reached.level, frozen, START, organisation, `dissent-warning:${dissent.dissent}:${nth}`, [opened]);
      } else if (!above && warning !== undefined) {
        // Closed as an official warning closes: an all-clear to everyone it told. Its last
        // version carries the official judgment of now, not the dissent's (which no longer
        // stands, or is no longer beyond the official one).
        const reason = dissent.state === 'withdrawn' ? 'dissent-withdrawn' : 'official-caught-up';
        const version = warning.version + 1;
        const closed: NewEvent = { type: WARNING_CLOSED, stream: problem, actor: 'system', data: { warning: warning.id, version, reason, dissent: dissent.dissent, judgment: judgment as unknown as Record<string, unknown> } };
        await this.#allClear(problem, warning, version, organisation, closed);
      }
    }
  }

  /**
   * Files a dissent: checked against the problem, recorded, routed to the control role's person
   * (outside the analyst's chain), and its own warning raised when it is above the official level.
   */
  fileDissent(problem: string, author: Principal, posterior: Readonly<Record<string, number>>, rationale: string): Promise<DissentFiledData & { seq: number }> {
    return this.#serial(async () => {
      const model = await this.store.problem(problem);
      if (model === undefined) throw new VigilError('PROBLEM_NOT_FOUND', `no problem "${problem}"`);
      const issues = dissentIssues(model.problem, posterior);
      if (issues.length > 0) throw new VigilError('REQUEST_INVALID', issues.map((i) => `${i.path}: ${i.message}`).join('; '), { issues, ...(issues.length === 1 ? { path: issues[0]!.path } : {}) });
      const { judgment } = await this.judge(problem);
      const reached = dissentLevel(model.problem, posterior);
      const data: DissentFiledData = {
        dissent: randomUUID(),
        author: author.id,
        posterior: { ...posterior },
        ...reached,
        rationale,
        official: { level: judgment.level, pDangerous: judgment.pDangerous, at: judgment.at },
      };
      const { organisation } = await currentOrganisation(this.store);
      const policy = organisation.policies.find((p) => p.problem === problem);
      const events: NewEvent[] = [{ type: DISSENT_FILED, stream: problem, actor: author.id, data: data as unknown as Record<string, unknown> }];
      const control = policy === undefined ? undefined : resolveTarget(organisation, 'control', this.#now(), policy.control, this.#available);
      if (control !== undefined) {
        const routed: DissentRoutedData = { dissent: data.dissent, person: control.person, role: policy!.control, reason: control.reason, ...(control.standingInFor ? { standingInFor: [...control.standingInFor] } : {}) };
        events.push({ type: DISSENT_ROUTED, stream: problem, actor: 'system', data: routed as unknown as Record<string, unknown> });
      } else {
        events.push({ type: ESCALATION_UNREACHABLE, stream: problem, actor: 'system', data: { dissent: data.dissent, target: 'control' } });
      }
      const [filed] = await this.store.append(events);
      await this.#evaluateDissents(problem);
      return { ...data, seq: filed!.seq };
    });
  }

  /** Withdraws a dissent: only its author may; the dissent stays in the record. */
  withdrawDissent(id: string, author: Principal, reason?: string): Promise<{ seq: number }> {
    return this.#serial(async () => {
      const dissent = await dissentById(this.store.db, id);
      if (dissent === undefined) throw new VigilError('NOT_FOUND', `no dissent "${id}"`);
      if (dissent.author !== author.id) throw new VigilError('FORBIDDEN', 'only the author of a dissent may withdraw it');
      if (dissent.state === 'withdrawn') return { seq: 0 };
      const [event] = await this.store.append([{ type: DISSENT_WITHDRAWN, stream: dissent.problem, actor: author.id, data: { dissent: id, ...(reason !== undefined && reason !== '' ? { reason } : {}) } }]);
      await this.#evaluateDissents(dissent.problem);
      return { seq: event!.seq };
    });
  }

  /**
   * Runs a version's escalation from `cursor`: notifications, errors, the next timer. `first`
   * (the warning's own opened or updated event) is written in the same append, so the people
   * are told one write sooner, and a crash cannot leave a version without its escalation.
   */
  async #escalate(problem: string, warning: string, version: number, level: string, policy: FrozenPolicy, cursor: EscalationCursor, org: Organisation, step: string, first: readonly NewEvent[] = []): Promise<void> {
    const steps = policy.levels[level] ?? [];
    const actions = steps.length === 0 ? [] : runEscalation(steps, cursor, org, policy.control, this.#now(), this.#available);
    const events = [...first, ...actions.map((action) => this.#eventOf(problem, warning, version, action, org))];
    const stored = await this.#appendClaimed(events, step);
    if (stored === undefined) return;
    for (const [k, action] of actions.entries()) {
      if (action.kind === 'notify') await this.#sendClaimed(problem, warning, version, action.recipient.person, false, stored[first.length + k]!.seq);
    }
  }

  /**
   * Sends a notification this engine has just written (its `warning.notified` event at
   * `notifiedSeq`), once it has claimed the send as the outbox claims one, under the same key:
   * while this engine sends to one person after another, another engine's outbox may find the
   * later ones unsent, and of the two only the claimant sends. Nothing is claimed for a person
   * no channel of this engine reaches.
   */
  async #sendClaimed(problem: string, warning: string, version: number, person: string, allClear: boolean, notifiedSeq: number): Promise<void> {
    const contact = await contactOf(this.store, person);
    if (contact === undefined || !this.#channels.some((c) => c.reaches(contact))) return;
    const claim: NewEvent = { type: DELIVERY_RESUMED, stream: problem, actor: 'system', data: { warning, version, person } };
    if (!(await this.#claimSend(claim, sendStep(notifiedSeq)))) return;
    await this.#deliverAll(problem, warning, version, person, allClear, 1);
  }

  /**
   * Claims one send for this engine (see `claimWithLease`). False when a live claim of another
   * engine holds it; the caller then leaves the send to it, and asks again once its lease is over.
   */
  async #claimSend(claim: NewEvent, step: string): Promise<boolean> {
    const now = this.#now();
    if ((this.#heldUntil.get(step) ?? -Infinity) > now) return false;
    const result = await claimWithLease(this.store, claim, step, now);
    if (result.claimed) this.#heldUntil.delete(step);
    else this.#heldUntil.set(step, result.heldUntil);
    return result.claimed;
  }

  /**
   * Appends `events` as the doing of `step` (see `claimed`), resolving to them as stored;
   * undefined when another engine did it first, or there is nothing to append.
   */
  async #appendClaimed(events: readonly NewEvent[], step: string): Promise<StoredEvent[] | undefined> {
    if (events.length === 0) return undefined;
    try {
      return await this.store.append(claimed(events, step));
    } catch (error) {
      if (isVigilError(error, 'DEDUPE_CONFLICT')) return undefined;
      throw error;
    }
  }

  #eventOf(problem: string, warning: string, version: number, action: EscalationAction, org: Organisation): NewEvent {
    switch (action.kind) {
      case 'notify': {
        const data: WarningNotifiedData = {
          warning,
          version,
          step: action.step,
          person: action.recipient.person,
          reason: action.recipient.reason,
          ...(action.recipient.role !== undefined ? { role: action.recipient.role } : {}),
          ...(action.recipient.standingInFor !== undefined ? { standingInFor: [...action.recipient.standingInFor] } : {}),
          channels: channelsOf(org, action.recipient.person, this.#available),
        };
        return { type: WARNING_NOTIFIED, stream: problem, actor: 'system', data: data as unknown as Record<string, unknown> };
      }
      case 'unreachable':
        return { type: ESCALATION_UNREACHABLE, stream: problem, actor: 'system', data: { warning, version, step: action.step, target: action.target } };
      case 'wait': {
        const data: EscalationWaitingData = { warning, version, step: action.step, due: new Date(action.due).toISOString(), cursor: { step: action.cursor.step, loops: { ...action.cursor.loops } } };
        return { type: ESCALATION_WAITING, stream: problem, actor: 'system', data: data as unknown as Record<string, unknown> };
      }
      case 'exhausted':
        return { type: ESCALATION_EXHAUSTED, stream: problem, actor: 'system', data: { warning, version, step: action.step } };
      default: {
        const never: never = action;
        throw new Error(`unknown action ${String(never)}`);
      }
    }
  }

  async #resumeEscalation(timer: EscalationWaitingData): Promise<void> {
    const warning = await warningById(this.store.db, timer.warning);
    if (warning === undefined || warning.state !== 'open' || warning.version !== timer.version) return;
    // Acknowledged meanwhile (perhaps on another server, after this tick read its timers): the
    // escalation of this version stops here.
    if (await this.#acknowledged(warning.id, warning.version)) return;
    const { organisation } = await currentOrganisation(this.store);
    const step = `escalation:${warning.id}:${warning.version}:${timer.cursor.step}:${JSON.stringify(timer.cursor.loops)}`;
    await this.#escalate(warning.problem, warning.id, warning.version, warning.judgment.level, warning.policy, timer.cursor, organisation, step);
  }

  /** Closes a warning (`closed`, its event) and tells everyone told of it that it is over, in one append. */
  async #allClear(problem: string, open: WarningRow, version: number, org: Organisation, closed: NewEvent): Promise<void> {
    const people = await this.store.db.all<{ person: string }>('SELECT DISTINCT person FROM warn_notifications WHERE warning = ? ORDER BY person', [open.id]);
    const events = people.map((p): NewEvent => {
      const data: WarningNotifiedData = {
        warning: open.id,
        version,
        step: -1,
        person: p.person,
        reason: 'named',
        channels: channelsOf(org, p.person, this.#available),
        allClear: true,
      };
      return { type: WARNING_NOTIFIED, stream: problem, actor: 'system', data: data as unknown as Record<string, unknown> };
    });
    const stored = await this.#appendClaimed([closed, ...events], `warning:${open.id}:${version}`);
    if (stored === undefined) return;
    for (const [k, p] of people.entries()) await this.#sendClaimed(problem, open.id, version, p.person, true, stored[1 + k]!.seq);
  }

  async #deliverAll(problem: string, warning: string, version: number, person: string, allClear: boolean, attempt: number): Promise<void> {
    const notification = await this.#notificationFor(problem, warning, version, person, allClear, attempt);
    if (notification === undefined) return;
    for (const channel of this.#channels) {
      if (channel.reaches(notification.contact)) await this.#deliver(channel, notification);
    }
  }

  /** What one person is sent of a version (the same through every channel); undefined when the person or the warning is gone. */
  async #notificationFor(problem: string, warningId: string, version: number, person: string, allClear: boolean, attempt: number): Promise<Notification | undefined> {
    const contact = await contactOf(this.store, person);
    const warning = await warningById(this.store.db, warningId);
    if (contact === undefined || warning === undefined) return;
    const notified = await this.store.db.all<{ body: string }>('SELECT body FROM warn_notifications WHERE warning = ? AND version = ? AND person = ? ORDER BY seq DESC LIMIT 1', [warningId, version, person]);
    const told = notified[0] === undefined ? undefined : (JSON.parse(notified[0].body) as WarningNotifiedData);
    const model = await this.store.problem(problem);
    const closing = allClear ? await this.store.db.all<{ reason: string }>('SELECT reason FROM warn_versions WHERE warning = ? AND version = ?', [warningId, version]) : [];
    const reader = await recipientReader(this.store, contact);
    const evidence = await visibleEvidence(this.store.db, problem, reader, warning.judgment.evidence);
    return {
      id: `${warningId}:${version}:${person}`,
      warning: warningId,
      version,
      problem,
      problemTitle: model?.problem.title ?? problem,
      person,
      contact,
      reason: told?.reason ?? 'named',
      ...(told?.role !== undefined ? { role: told.role } : {}),
      ...(told?.standingInFor !== undefined ? { standingInFor: told.standingInFor } : {}),
      judgment: { ...warning.judgment, evidence: evidence.items },
      withheld: evidence.withheld,
      allClear,
      ...(closing[0] !== undefined ? { closedBecause: closingReason(closing[0].reason) } : {}),
      attempt,
    };
  }

  /** Sends `notification` through `channel` and records the attempt. */
  async #deliver(channel: ChannelSender, notification: Notification): Promise<void> {
    const { problem, warning: warningId, version, person, allClear, attempt } = notification;
    let result;
    try {
      result = await channel.deliver(notification);
    } catch (error) {
      result = { outcome: 'failed' as const, permanent: false, detail: `channel error (${(error as Error).message})` };
    }
    const maxAttempts = this.options.maxAttempts ?? 8;
    const data: DeliveryAttemptedData = { warning: warningId, version, person, channel: channel.channel, attempt, outcome: 'delivered' };
    if (result.outcome === 'failed') {
      const giveUp = result.permanent || attempt >= maxAttempts;
      data.outcome = giveUp ? 'gave-up' : 'failed';
      data.detail = result.detail;
      if (!giveUp) data.retryAt = new Date(this.#now() + this.#backoff(attempt)).toISOString();
    }
    if (result.status !== undefined) data.status = result.status;
    await this.store.append([{ type: DELIVERY_ATTEMPTED, stream: problem, actor: 'system', data: { ...data, allClear } as unknown as Record<string, unknown> }]);
  }

  /** Exponential backoff with jitter: base x 2^(attempt-1), times a factor in [0.5, 1). */
  #backoff(attempt: number): number {
    const base = (this.options.retryBaseMs ?? 1_000) * 2 ** (attempt - 1);
    return Math.round(base * (0.5 + 0.5 * (this.options.random ?? Math.random)()));
  }

  /**
   * The outbox: a notification of a warning's current version with no delivery attempted at
   * least UNSENT_AFTER_MS after it was written (the process died between writing it and
   * sending it, or another process wrote it and did not get to send) is sent now, once this
   * engine has claimed it (see `#claimSend`: a live engine's claim, its writer's included, is
   * left alone; a dead one's is taken over after SEND_LEASE_MS). Each is looked at until this
   * process has claimed it or found that no channel reaches its person (the inbox alone).
   */
  async #deliverUnsent(now: number): Promise<void> {
    const rows = await this.store.db.all<{ seq: number; warning: string; version: number; person: string; body: string; problem: string }>(
      `SELECT n.seq, n.warning, n.version, n.person, n.body, w.problem FROM warn_notifications n
       JOIN warn_warnings w ON w.id = n.warning AND w.version = n.version
       WHERE n.at_ms <= ? AND NOT EXISTS (SELECT 1 FROM warn_deliveries d WHERE d.warning = n.warning AND d.version = n.version AND d.person = n.person)
       ORDER BY n.seq`,
      [now - UNSENT_AFTER_MS],
    );
    for (const row of rows) {
      const key = `${row.warning}:${row.version}:${row.person}`;
      if (this.#lookedAt.has(key)) continue;
      const told = JSON.parse(row.body) as WarningNotifiedData;
      // Someone only the inbox reaches has nothing to send.
      const contact = await contactOf(this.store, row.person);
      if (contact === undefined || !this.#channels.some((c) => c.reaches(contact))) {
        this.#lookedAt.add(key);
        continue;
      }
      // Claimed, so that of several processes' outboxes (and the writer) one sends it.
      const resumed: NewEvent = { type: DELIVERY_RESUMED, stream: row.problem, actor: 'system', data: { warning: row.warning, version: Number(row.version), person: row.person } };
      if (!(await this.#claimSend(resumed, sendStep(Number(row.seq))))) continue;
      this.#lookedAt.add(key);
      await this.#deliverAll(row.problem, row.warning, Number(row.version), row.person, told.allClear === true, 1);
    }
  }

  async #retryDelivery(last: DeliveryAttemptedData & { allClear?: boolean }): Promise<void> {
    const warning = await warningById(this.store.db, last.warning);
    const channel = this.#channels.find((c) => c.channel === last.channel);
    if (warning === undefined || channel === undefined || (warning.version !== last.version && last.allClear !== true)) {
      // A newer version has its own notifications: this one is not retried (the event ends its timer).
      const data: DeliveryAttemptedData = { ...last, attempt: last.attempt + 1, outcome: 'gave-up', detail: warning === undefined ? 'warning gone' : channel === undefined ? 'channel not configured' : `superseded by version ${warning.version}` };
      delete data.retryAt;
      delete data.status;
      await this.store.append([{ type: DELIVERY_ATTEMPTED, stream: warning?.problem ?? 'system', actor: 'system', data: data as unknown as Record<string, unknown> }]);
      return;
    }
    // Claimed, so that of several processes running their timers one sends the retry; a claim
    // whose claimant died before recording the attempt is taken over after SEND_LEASE_MS.
    const attempt = last.attempt + 1;
    const resumed: NewEvent = { type: DELIVERY_RESUMED, stream: warning.problem, actor: 'system', data: { warning: last.warning, version: last.version, person: last.person, channel: last.channel, attempt } };
    // The retry's due time tells apart two deliveries to one person in one version (a policy's
    // repeat notifies again), whose retries have the same attempt numbers.
    if (!(await this.#claimSend(resumed, `retry:${last.warning}:${last.version}:${last.person}:${last.channel}:${attempt}:${last.retryAt ?? ''}`))) return;
    const notification = await this.#notificationFor(warning.problem, last.warning, last.version, last.person, last.allClear === true, attempt);
    if (notification !== undefined) await this.#deliver(channel, notification);
  }

  /**
   * Acknowledges the current version of a warning for `principal`: a person that version was
   * sent to (being told of an earlier one is not enough), or a duty officer or decision-maker.
   * Throws NOT_FOUND, FORBIDDEN, or WARNING_STALE when a newer version exists than the one
   * read, including one another server wrote between this read and the append (the log's order
   * decides: see `#acceptedAck`).
   */
  acknowledge(warningId: string, principal: Principal, options: { version?: number; note?: string; via: 'in-app' | 'email' | 'api' }): Promise<WarningAcknowledgedData & { seq: number }> {
    return this.#serial(async () => {
      const warning = await warningById(this.store.db, warningId);
      if (warning === undefined) throw new VigilError('NOT_FOUND', `no warning "${warningId}"`);
      if (options.version !== undefined && options.version !== warning.version) {
        throw new VigilError('WARNING_STALE', `version ${options.version} is not the current one (${warning.version}): read the current version first`, { path: '/version' });
      }
      const { organisation } = await currentOrganisation(this.store);
      const person = organisation.people.find((p) => p.user === principal.name && principal.kind === 'user')?.id;
      const told = person !== undefined && (await this.#told(warningId, warning.version, person));
      const authority = principal.roles.some((r) => AUTHORITY_ROLES.includes(r)) || told;
      if (!authority) throw new VigilError('FORBIDDEN', 'only a person this version was sent to, a duty officer or a decision-maker may acknowledge it');
      const data: WarningAcknowledgedData = {
        warning: warningId,
        version: warning.version,
        ...(person !== undefined ? { person } : {}),
        user: principal.id,
        ...(options.note !== undefined && options.note !== '' ? { note: options.note } : {}),
        via: options.via,
        judgment: { level: warning.judgment.level, pDangerous: warning.judgment.pDangerous, at: warning.judgment.at },
      };
      const [event] = await this.store.append([{ type: WARNING_ACKNOWLEDGED, stream: warning.problem, actor: principal.id, data: data as unknown as Record<string, unknown> }]);
      if (!(await this.#acceptedAck(event!.seq))) {
        throw new VigilError('WARNING_STALE', `version ${warning.version} was superseded while it was acknowledged: read the current version first`, { path: '/version' });
      }
      return { ...data, seq: event!.seq };
    });
  }

  /**
   * Acknowledges `version` of a warning for an organisation person who is not signed in (an
   * email's acknowledgment link): allowed when the person was told of this warning. A person
   * who already acknowledged this version gets that acknowledgment back (`repeated`) and no new
   * event, so a link works once. Expected refusals are values: `stale` (a newer version, or the
   * all-clear, exists), `not-told`, `not-found`.
   */
  acknowledgeAsPerson(warningId: string, person: string, version: number, via: WarningAcknowledgedData['via']): Promise<PersonAcknowledgment> {
    return this.#serial(async (): Promise<PersonAcknowledgment> => {
      const warning = await warningById(this.store.db, warningId);
      if (warning === undefined) return { outcome: 'not-found' };
      const before = await this.store.db.all<{ seq: number; body: string }>('SELECT seq, body FROM warn_acks WHERE warning = ? AND version = ? AND person = ? ORDER BY seq LIMIT 1', [warningId, version, person]);
      if (before[0] !== undefined) return { outcome: 'repeated', acknowledgment: { ...(JSON.parse(before[0].body) as WarningAcknowledgedData), seq: Number(before[0].seq) } };
      if (version !== warning.version) return { outcome: 'stale', warning };
      if (!(await this.#told(warningId, version, person))) return { outcome: 'not-told' };
      const data: WarningAcknowledgedData = {
        warning: warningId,
        version,
        person,
        // No Vigil user: the person, by organisation id.
        user: `person:${person}`,
        via,
        judgment: { level: warning.judgment.level, pDangerous: warning.judgment.pDangerous, at: warning.judgment.at },
      };
      const [event] = await this.store.append([{ type: WARNING_ACKNOWLEDGED, stream: warning.problem, actor: `person:${person}`, data: data as unknown as Record<string, unknown> }]);
      if (!(await this.#acceptedAck(event!.seq))) return { outcome: 'stale', warning: (await warningById(this.store.db, warningId)) ?? warning };
      return { outcome: 'acknowledged', acknowledgment: { ...data, seq: event!.seq } };
    });
  }

  /** True when `person` was sent `version` of the warning. */
  async #told(warning: string, version: number, person: string): Promise<boolean> {
    const rows = await this.store.db.all('SELECT 1 AS x FROM warn_notifications WHERE warning = ? AND version = ? AND person = ? LIMIT 1', [warning, version, person]);
    return rows.length > 0;
  }

  /** True when the version has an acknowledgment (the projection keeps only those of a version still current when written). */
  async #acknowledged(warning: string, version: number): Promise<boolean> {
    const rows = await this.store.db.all('SELECT 1 AS x FROM warn_acks WHERE warning = ? AND version = ? LIMIT 1', [warning, version]);
    return rows.length > 0;
  }

  /**
   * True when the acknowledgment appended at `seq` was accepted. The version was current when
   * read, but another server may have written a newer one before this append: the log orders
   * the two, and the projection (applied in log order, everything before `seq` included once
   * the append resolves) keeps an acknowledgment only of the version current at its place. One
   * it did not keep stays in the log as a record of a read, and stops nothing.
   */
  async #acceptedAck(seq: number): Promise<boolean> {
    const rows = await this.store.db.all('SELECT 1 AS x FROM warn_acks WHERE seq = ?', [seq]);
    return rows.length > 0;
  }
}

/** What acknowledging as a person came to. */
export type PersonAcknowledgment =
  | { readonly outcome: 'acknowledged' | 'repeated'; readonly acknowledgment: WarningAcknowledgedData & { seq: number } }
  /** The version is no longer the current one: the warning as it is now (open with a newer version, or closed). */
  | { readonly outcome: 'stale'; readonly warning: WarningRow }
  | { readonly outcome: 'not-told' }
  | { readonly outcome: 'not-found' };
