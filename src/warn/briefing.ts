/**
 * The daily briefing: what a person needs to know, in one email, at the organisation's local
 * briefing time. For each problem they follow: its level and the change since yesterday, the
 * evidence that moved it, what to collect next, open dissents and warnings still
 * unacknowledged; and the log's latest checkpoint head, an outside witness of the log.
 *
 * Who follows a problem: whoever answers today for each target of its escalation policy (every
 * level) and for its control role (the holder, or the person standing in for them). Sending,
 * once per person and local day: briefing-scheduler.ts.
 */
import type { Store } from '../app/store.js';
import { CHECKPOINT_TYPE } from '../log/event.js';
import { resolveTarget, type Organisation } from './organisation.js';
import { dissentsOf, listWarnings } from './warning-reads.js';

const DAY_MS = 24 * 3600 * 1000;
const TOP = 3;

/** One problem as a briefing tells it. */
export interface ProblemBriefing {
  readonly problem: string;
  readonly title: string;
  readonly level: string;
  readonly pDangerous: number;
  readonly leading: string;
  /** The same 24 hours earlier; undefined when the problem did not exist then. */
  readonly yesterday?: { readonly level: string; readonly pDangerous: number };
  /** Reports received in the last 24 hours, by |impact| on pDangerous now (top 3). */
  readonly moved: readonly { report: string; impact: number; flips: boolean }[];
  /** How many of those top reports were left out of `moved` for the recipient (see recipient.ts). */
  readonly movedWithheld?: number;
  readonly collect: readonly {
    indicator: string;
    eig: number;
    pDangerousIfPresent: number;
    pDangerousIfAbsent: number;
  }[];
  readonly dissents: readonly OpenDissent[];
  readonly unacknowledged: readonly {
    warning: string;
    version: number;
    level: string;
    pDangerous: number;
    since: string;
    dissent?: string;
  }[];
}

/** An open dissent, as far as a briefing shows it. */
export interface OpenDissent {
  readonly dissent: string;
  readonly author: string;
  readonly level: string;
  readonly pDangerous: number;
  readonly rationale: string;
  readonly filedAt: string;
}

/** The log's head at a checkpoint: the hash of event `upTo`, signed by the log. */
export interface CheckpointWitness {
  readonly seq: number;
  readonly upTo: number;
  readonly head: string;
  readonly at: string;
}

export interface Briefing {
  readonly person: string;
  readonly name: string;
  /** The local date (`YYYY-MM-DD`) in `timeZone`. */
  readonly day: string;
  readonly timeZone: string;
  /** When it was put together (ISO). */
  readonly at: string;
  readonly problems: readonly ProblemBriefing[];
  readonly checkpoint?: CheckpointWitness;
  /** The server's address, for links. */
  readonly publicUrl?: string;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** The local date (`YYYY-MM-DD`) and minutes since local midnight of an instant (ms) in an IANA time zone. */
export function localClock(at: number, timeZone: string): { day: string; minutes: number } {
  let format = formats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(timeZone, format);
  }
  const parts = format.formatToParts(new Date(at));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '00';
  return {
    day: `${part('year')}-${part('month')}-${part('day')}`,
    minutes: Number(part('hour')) * 60 + Number(part('minute')),
  };
}

/**
 * Who follows which problem at `at` (ms): for each policy, whoever answers for each of its
 * escalation targets (every level) and for its control role. Person id -> problem ids, sorted.
 */
export function followers(org: Organisation, at: number): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  for (const policy of org.policies) {
    const targets = new Set<string>(['control']);
    for (const steps of Object.values(policy.levels))
      for (const step of steps) if ('notify' in step) for (const t of step.notify) targets.add(t);
    for (const target of targets) {
      const person = resolveTarget(org, target, at, policy.control)?.person;
      if (person === undefined) continue;
      const problems = out.get(person) ?? new Set<string>();
      problems.add(policy.problem);
      out.set(person, problems);
    }
  }
  return new Map(
    [...out]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([person, problems]) => [person, [...problems].sort()]),
  );
}

/** The open dissents of a problem (the hook the briefing reads dissents through). */
export async function openDissents(store: Store, problem: string): Promise<OpenDissent[]> {
  const open = await dissentsOf(store.db, problem, { openOnly: true });
  return open.map((d) => ({
    dissent: d.dissent,
    author: d.author,
    level: d.level,
    pDangerous: d.pDangerous,
    rationale: d.rationale,
    filedAt: d.filedAt,
  }));
}

/** One problem's part of a briefing at `at` (ms). */
export async function problemBriefing(
  store: Store,
  problem: string,
  at: number,
): Promise<ProblemBriefing | undefined> {
  const model = await store.problem(problem);
  if (model === undefined) return undefined;
  const now = await store.assess(problem, at, { ignored: 'count' });
  const defined = await store.db.all<{ defined_ms: number | null }>(
    'SELECT min(at_ms) AS defined_ms FROM proj_problem_versions WHERE problem = ?',
    [problem],
  );
  let yesterday: ProblemBriefing['yesterday'];
  if (Number(defined[0]?.defined_ms ?? at) <= at - DAY_MS) {
    const then = await store.assess(problem, at - DAY_MS, { ignored: 'count' });
    yesterday = { level: then.level, pDangerous: then.pDangerous };
  }
  const received = new Map(now.counted.map((r) => [r.id, r.received]));
  const moved = now.sensitivity.filter((s) => (received.get(s.report) ?? 0) > at - DAY_MS).slice(0, TOP);
  const warnings = (await listWarnings(store.db, 'open')).filter((w) => w.problem === problem);
  return {
    problem,
    title: model.problem.title,
    level: now.level,
    pDangerous: now.pDangerous,
    leading: now.leading,
    ...(yesterday !== undefined ? { yesterday } : {}),
    moved: moved.map((s) => ({ report: s.report, impact: s.impact, flips: s.flips })),
    collect: now.collect.slice(0, TOP).map((c) => ({
      indicator: c.indicator,
      eig: c.eig,
      pDangerousIfPresent: c.pDangerousIfPresent,
      pDangerousIfAbsent: c.pDangerousIfAbsent,
    })),
    dissents: await openDissents(store, problem),
    unacknowledged: warnings.map((w) => ({
      warning: w.id,
      version: w.version,
      level: w.judgment.level,
      pDangerous: w.judgment.pDangerous,
      since: w.updatedAt,
      ...(w.dissent !== undefined ? { dissent: w.dissent } : {}),
    })),
  };
}

/**
 * The log's checkpoint as a witness: a fresh one when events follow the last (the log signs a
 * checkpoint on request, for digests like this), else the last one; undefined when the log has
 * none (no signing key, or empty).
 */
export async function checkpointWitness(store: Store): Promise<CheckpointWitness | undefined> {
  const fresh = await store.log.checkpoint();
  let event = fresh;
  if (event === undefined) {
    const head = await store.log.head();
    if (head === undefined) return undefined;
    for await (const e of store.log.read({ from: head.seq, to: head.seq })) event = e;
  }
  if (event === undefined || event.type !== CHECKPOINT_TYPE) return undefined;
  return { seq: event.seq, upTo: Number(event.data.upTo), head: String(event.data.head), at: event.at };
}
