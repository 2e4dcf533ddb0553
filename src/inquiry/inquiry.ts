/**
 * The inquiry report: for one problem and a window, who knew what, and when, and what they
 * did, drawn from the log alone. Built whole (as the store sees it); `redactInquiry` then takes
 * out what a reader may not see.
 */
import type { Store } from '../app/store.js';
import { VigilError } from '../core/errors.js';
import { formatInstant } from '../core/instant.js';
import type { Report } from '../core/model.js';
import { estimativeWords } from '../core/words.js';
import { contacts } from '../warn/organisation-store.js';
import type { Organisation } from '../warn/organisation.js';
import { formatDuration } from './duration.js';
import { coreCorrections, loadHistory, type ProblemHistory } from './history.js';
import type {
  AbsenceView,
  AcknowledgmentView,
  AdviceRow,
  DelegationView,
  DissentView,
  ErrorView,
  EvidenceRow,
  InquiryReport,
  Intervals,
  LevelChangeRow,
  LoadedLaterRow,
  Milestone,
  ModelChangeView,
  NotificationView,
  OutcomeView,
  PersonTold,
  PersonView,
  ReportRow,
  StateView,
  WarningView,
} from './inquiry-types.js';
import { verifyForWindow } from './log-verification.js';
import { modelDiff } from './model-diff.js';
import { assessInstants } from './log-assessment.js';
import { officialTimeline, versionsInForce, type SeqCorrection } from './official-timeline.js';
import { outcomeInstant } from './outcome.js';
import { outcomeModel, problemScores, reliabilityAcross, truthOf } from './scores.js';
import { dissentFate, warningHistory, type AckRow, type EscalationError, type NotificationRow } from './warning-record.js';

export interface InquiryOptions {
  /** The window (ms); default from the problem's first event (its first model version or its earliest report) to now. */
  readonly from?: number;
  readonly to?: number;
  /** The clock (ms): when the report is drawn. */
  readonly now: number;
  /** Names of users and tokens by id, for "who did it". */
  readonly actorNames?: ReadonlyMap<string, string>;
}

/** The grade of a report as people write it: `B2`, or a sensor's `s=0.8 f=0.1`. */
export function gradeOf(report: Pick<Report, 'reliability' | 'credibility' | 'sensitivity' | 'falseAlarmRate'>): string {
  return report.sensitivity !== undefined && report.falseAlarmRate !== undefined ? `s=${report.sensitivity} f=${report.falseAlarmRate}` : `${report.reliability}${report.credibility}`;
}

function iso(ms: number): string {
  return formatInstant(ms);
}

function within(at: number, from: number, to: number): boolean {
  return at >= from && at <= to;
}

/**
 * The default start of the window (ms): the problem's first event, its first model version or
 * its earliest report (by `received`), whichever is earlier. A loop, not a spread into
 * Math.min, which overflows the call stack past about 125,000 reports.
 */
export function defaultWindowStart(history: Pick<ProblemHistory, 'versions' | 'reports'>): number {
  let start = history.versions[0]!.appendedAt;
  for (const entry of history.reports) if (entry.report.received < start) start = entry.report.received;
  return start;
}

/** Rules this report follows where the record leaves a choice. */
const NOTES = [
  'Instants are UTC. "Received" is when the report reached Vigil as it says; "recorded" is when its event was appended to the log; "first counted" when it first entered the assessment (a report older than its source\'s latest word on the indicator never counts).',
  'A backfilled report (loaded later with an earlier "received") is marked as such, with the instant it was recorded. The assessment counts every report from its "received" (as the store\'s as-of assessment does), so a report recorded in the window is counted from its "received" even if that is earlier than its recording. A report recorded after the window ended was not known in it: it is left out of the reports, level changes, key intervals and the states at the start and end, and listed apart as loaded later.',
  'What a report did to P(dangerous): the assessment at its arrival, before and after adding it, under the model version in force (reports arriving together are added one at a time, in the order the log received them).',
  'Level changes follow the level rule of the assessment spec (section 6) at each report instant, under the model version in force; a new model version that replays the history to another level is shown as a change caused by the model.',
  'The first indicator is the first report in the window that said an indicator was present and raised P(dangerous). A decision is recorded as an acknowledgment with a note: the first such note is the first decision recorded.',
  'Warnings, notifications, deliveries, acknowledgments, escalation errors and dissents are those of the log; a warning is shown whole when any part of it falls in the window.',
  'Scores cover the problem\'s history from its first report to its recorded outcome, at regular instants, as the system knew it at each (vigil score computes the same). Lead time is how long before the outcome a level (or a higher one) was first reached, from the whole record (negative when only after it). An outcome is judged against the model version in force when it was recorded: a later version that renames or redefines its hypothesis does not change what it meant.',
  'Sources: everything in this report is recomputed from the log\'s events, which the verification covers: the reports, corrections, level changes, the states at the start and end, the scores and the reliability diagram (the as-of assessment recomputed from the model versions, reports and corrections), warnings, acknowledgments, dissents, model changes, outcomes and absences (the organisations loaded). Only the names of people and users come from outside the log (personal data is kept out of it).',
];

/**
 * Draws the inquiry report of a problem over [from, to] from the log (the problem's events, the
 * organisations loaded; every assessment recomputed from them, no projection table read) and
 * the verification of the whole chain; names of people and users from outside the log. Reports
 * recorded after `to` are no part of what was known: they are listed as loaded later. Throws
 * PROBLEM_NOT_FOUND, or REQUEST_INVALID naming `from` for an empty window.
 */
export async function buildInquiry(store: Store, problemId: string, options: InquiryOptions): Promise<InquiryReport> {
  const history = await loadHistory(store, problemId);
  const from = options.from ?? defaultWindowStart(history);
  const to = options.to ?? options.now;
  if (!(from < to)) throw new VigilError('REQUEST_INVALID', `from: must be before to (${iso(from)} is not before ${iso(to)})`, { path: '/query/from', field: 'from' });
  const model = history.versions.at(-1)!;
  const problem = model.problem;
  const names = new Map<string, string>(options.actorNames ?? []);
  for (const contact of await contacts(store)) {
    names.set(`person:${contact.person}`, contact.name);
  }
  const personName = (person: string | undefined) => (person === undefined ? undefined : names.get(`person:${person}`));
  const actorName = (actor: string) => names.get(actor) ?? (actor.startsWith('person:') ? names.get(actor) : undefined);
  const withName = <T extends object>(value: T, key: string, name: string | undefined) => (name === undefined ? value : { ...value, [key]: name });

  const hypothesisTitle = (id: string) => problem.hypotheses.find((h) => h.id === id)?.title ?? id;
  const indicatorTitle = (id: string) => problem.indicators.find((i) => i.id === id)?.title ?? id;
  const reportsById = new Map(history.reports.map((r) => [r.report.id, r]));
  const describe = (id: string): string => {
    const entry = reportsById.get(id);
    if (entry === undefined) return id;
    const r = entry.report;
    return `${indicatorTitle(r.indicator)}: ${r.observed} (${gradeOf(r)}, source ${r.source}, seen ${iso(r.at)})`;
  };
  const evidenceRows = (list: readonly { report: string; impact: number; flips: boolean }[]): EvidenceRow[] =>
    list.map((e) => ({ report: e.report, impact: e.impact, flips: e.flips, description: describe(e.report) }));
  const adviceRows = (list: readonly { indicator: string; eig: number; pDangerousIfPresent: number; pDangerousIfAbsent: number }[]): AdviceRow[] =>
    list.map((c) => ({ indicator: c.indicator, indicatorTitle: indicatorTitle(c.indicator), eig: c.eig, pDangerousIfPresent: c.pDangerousIfPresent, pDangerousIfAbsent: c.pDangerousIfAbsent }));

  // What the record held at the end of the window: a report recorded (its event appended)
  // after the window is no part of what was known in it, whatever its `received`; it is listed
  // apart, as loaded later.
  const recorded = history.reports.filter((r) => r.appendedAt <= to);
  const loadedLater: LoadedLaterRow[] = history.reports
    .filter((r) => r.appendedAt > to && r.report.received <= to && r.report.received >= from)
    .map((r) => ({ seq: r.seq, hash: r.hash, id: r.report.id, receivedAt: iso(r.report.received), recordedAt: iso(r.appendedAt), backfilled: r.backfilled }));

  // The official timeline, recomputed from the log's events, up to the end of the window.
  const versions = versionsInForce(history.versions);
  const corrections: SeqCorrection[] = coreCorrections(history).map((c, k) => ({ ...c, seq: history.corrections[k]!.seq }));
  const knownReports = recorded.map((r) => r.report);
  const timeline = officialTimeline(versions, knownReports, corrections, to);

  const [startState, endState] = assessInstants(
    versions.filter((v) => v.from <= to),
    knownReports,
    corrections.filter((c) => c.at <= to),
    timeline.path,
    [from, to],
  ).map((a): StateView => ({ at: iso(a.at), level: a.level, pDangerous: a.pDangerous, words: estimativeWords(a.pDangerous), leading: a.leading, leadingTitle: hypothesisTitle(a.leading) }));

  // Reports of the window (received in it, or recorded in it with an earlier `received`), in the order received.
  const reports: ReportRow[] = recorded
    .filter((r) => within(r.report.received, from, to) || within(r.appendedAt, from, to))
    .sort((a, b) => a.report.received - b.report.received || a.seq - b.seq)
    .map((entry): ReportRow => {
      const r = entry.report;
      const effect = timeline.effects.get(r.id);
      const pBefore = effect?.pBefore ?? NaN;
      const pAfter = effect?.pAfter ?? NaN;
      const firstCounted = effect?.firstCounted ?? null;
      const row: ReportRow = {
        seq: entry.seq,
        hash: entry.hash,
        id: r.id,
        indicator: r.indicator,
        indicatorTitle: indicatorTitle(r.indicator),
        observed: r.observed,
        source: r.source,
        grade: gradeOf(r),
        observedAt: iso(r.at),
        receivedAt: iso(r.received),
        recordedAt: iso(entry.appendedAt),
        firstCountedAt: firstCounted !== null && firstCounted <= to ? iso(firstCounted) : null,
        ...(effect?.notCounted !== undefined ? { notCounted: effect.notCounted } : {}),
        pBefore,
        pAfter,
        delta: pAfter - pBefore,
        version: effect?.version ?? 1,
        classification: entry.classification,
        compartments: entry.compartments,
        backfilled: entry.backfilled,
        postedBy: entry.actor,
        ...(r.text !== undefined ? { text: r.text } : {}),
      };
      return withName(row, 'postedByName', actorName(entry.actor));
    });

  const correctionRows = history.corrections
    .filter((c) => within(c.appendedAt, from, to))
    .map((c) => {
      const effect = timeline.correctionEffects.get(c.seq);
      return withName(
        {
          seq: c.seq,
          hash: c.hash,
          at: iso(c.appendedAt),
          kind: c.kind,
          report: c.report,
          reason: c.reason,
          ...(c.grades !== undefined ? { grade: gradeOf(c.grades) } : {}),
          by: c.actor,
          pBefore: effect?.pBefore ?? NaN,
          pAfter: effect?.pAfter ?? NaN,
        },
        'byName',
        actorName(c.actor),
      );
    });

  const levelChanges: LevelChangeRow[] = timeline.changes
    .filter((c) => within(c.atMs, from, to))
    .map((c) => {
      const levels = versions.find((v) => v.version === c.version)?.problem.warning.levels ?? problem.warning.levels;
      const rank = (id: string) => levels.findIndex((l) => l.id === id);
      return {
        at: c.at,
        from: c.from,
        to: c.to,
        direction: rank(c.to) > rank(c.from) ? 'up' : 'down',
        cause: c.cause,
        version: c.version,
        pDangerous: c.pDangerous,
        words: estimativeWords(c.pDangerous),
        leading: c.leading,
        leadingTitle: hypothesisTitle(c.leading),
        evidence: evidenceRows(c.evidence),
        collect: adviceRows(c.collect),
        withheld: 0,
      };
    });

  // Warnings, notifications, acknowledgments, escalation and dissents, from their events.
  const record = warningHistory(history.events);
  const errorText = (e: EscalationError): string => {
    switch (e.kind) {
      case 'unreachable':
        return e.dissent !== undefined && e.warning === undefined
          ? `dissent could not be routed: nobody reachable for ${e.target ?? 'the control role'}`
          : `step ${e.step ?? '?'} of version ${e.version ?? '?'} reached nobody for ${e.target ?? '?'} (holder, deputies and delegates absent or without a channel): escalated at once`;
      case 'gave-up':
        return `delivery to ${personName(e.person) ?? e.person ?? '?'} by ${e.channel ?? '?'} abandoned${e.detail !== undefined ? `: ${e.detail}` : ''}`;
      default: {
        const never: never = e.kind;
        return String(never);
      }
    }
  };
  const errorView = (e: EscalationError): ErrorView => ({
    seq: e.seq,
    hash: e.hash,
    at: iso(e.at),
    kind: e.kind,
    ...(e.warning !== undefined ? { warning: e.warning } : {}),
    ...(e.version !== undefined ? { version: e.version } : {}),
    ...(e.dissent !== undefined ? { dissent: e.dissent } : {}),
    ...(e.step !== undefined ? { step: e.step } : {}),
    ...(e.target !== undefined ? { target: e.target } : {}),
    ...(e.person !== undefined ? { person: e.person } : {}),
    ...(e.channel !== undefined ? { channel: e.channel } : {}),
    ...(e.detail !== undefined ? { detail: e.detail } : {}),
    text: errorText(e),
  });
  const notificationView = (n: NotificationRow): NotificationView =>
    withName(
      {
        seq: n.seq,
        hash: n.hash,
        at: iso(n.at),
        person: n.person,
        reason: n.reason,
        ...(n.role !== undefined ? { role: n.role } : {}),
        ...(n.standingInFor !== undefined ? { standingInFor: n.standingInFor } : {}),
        channels: n.channels,
        allClear: n.allClear,
        deliveries: n.deliveries.map((d) => ({ at: iso(d.at), channel: d.channel, attempt: d.attempt, outcome: d.outcome, ...(d.status !== undefined ? { status: d.status } : {}), ...(d.detail !== undefined ? { detail: d.detail } : {}) })),
        ...(n.deliveredAt !== undefined ? { deliveredAfterMs: n.deliveredAt - n.at } : {}),
        ...(n.acknowledgedAt !== undefined ? { acknowledgedAfterMs: n.acknowledgedAt - n.at } : {}),
      },
      'name',
      personName(n.person),
    );
  const ackView = (a: AckRow): AcknowledgmentView => {
    const view: AcknowledgmentView = {
      seq: a.seq,
      hash: a.hash,
      at: iso(a.at),
      warning: a.warning,
      version: a.version,
      ...(a.person !== undefined ? { person: a.person } : {}),
      user: a.user,
      via: a.via,
      ...(a.note !== undefined ? { note: a.note } : {}),
      afterVersionMs: a.afterVersionMs,
      ...(a.afterNotifiedMs !== undefined ? { afterNotifiedMs: a.afterNotifiedMs } : {}),
    };
    return withName(withName(view, 'name', personName(a.person)), 'userName', actorName(a.user));
  };
  const warnings: WarningView[] = record.warnings
    .filter((w) => w.openedAt <= to && (w.closedAt ?? Infinity) >= from)
    .map((w) => ({
      id: w.id,
      kind: w.dissent === undefined ? 'official' : 'dissent',
      ...(w.dissent !== undefined ? { dissent: w.dissent } : {}),
      openedAt: iso(w.openedAt),
      ...(w.closedAt !== undefined ? { closedAt: iso(w.closedAt) } : {}),
      ...(w.closeReason !== undefined ? { closeReason: w.closeReason } : {}),
      versions: w.versions.map((v) => ({
        seq: v.seq,
        hash: v.hash,
        version: v.version,
        at: iso(v.at),
        reason: v.reason,
        closing: v.closing,
        level: v.judgment.level,
        pDangerous: v.judgment.pDangerous,
        words: estimativeWords(v.judgment.pDangerous),
        leading: v.judgment.leading,
        evidence: evidenceRows(v.judgment.evidence ?? []),
        collect: adviceRows(v.judgment.collect ?? []),
        withheld: 0,
        notifications: v.notifications.map(notificationView),
        acknowledgments: v.acknowledgments.map(ackView),
        errors: v.errors.map(errorView),
        ...(v.exhausted !== undefined ? { escalationEnded: iso(v.exhausted.at) } : {}),
      })),
    }));

  // Absences in force during the window, from every organisation in force then.
  const orgs: Organisation[] = history.organisations
    .filter((o, k) => {
      const next = history.organisations[k + 1]?.appendedAt ?? Infinity;
      return (k === 0 || o.appendedAt <= to) && next >= from;
    })
    .map((o) => o.organisation);
  const seenAbsences = new Set<string>();
  const absences: AbsenceView[] = [];
  for (const org of orgs) {
    for (const a of org.absences) {
      const start = Date.parse(a.from);
      const end = Date.parse(a.to);
      const key = JSON.stringify([a.person, a.from, a.to, a.delegate ?? '']);
      if (end < from || start > to || seenAbsences.has(key)) continue;
      seenAbsences.add(key);
      const view: AbsenceView = { person: a.person, from: iso(start), to: iso(end), ...(a.delegate !== undefined ? { delegate: a.delegate } : {}) };
      absences.push(withName(withName(view, 'name', personName(a.person)), 'delegateName', personName(a.delegate)));
    }
  }

  const notificationsInWindow = record.notifications.filter((n) => within(n.at, from, to));
  const dissentsInWindow = record.dissents.filter((d) => d.at <= to && (d.withdrawn?.at ?? Infinity) >= from);
  const delegations: DelegationView[] = [
    ...notificationsInWindow
      .filter((n) => (n.standingInFor?.length ?? 0) > 0)
      .map((n) =>
        withName(
          { at: iso(n.at), seq: n.seq, person: n.person, standingInFor: n.standingInFor ?? [], ...(n.role !== undefined ? { role: n.role } : {}), warning: n.warning, version: n.version } as DelegationView,
          'name',
          personName(n.person),
        ),
      ),
    ...dissentsInWindow
      .filter((d) => (d.routedTo?.standingInFor?.length ?? 0) > 0)
      .map((d) =>
        withName(
          { at: iso(d.routedTo!.at), seq: d.routedTo!.seq, person: d.routedTo!.person, standingInFor: d.routedTo!.standingInFor ?? [], role: d.routedTo!.role, dissent: d.dissent } as DelegationView,
          'name',
          personName(d.routedTo!.person),
        ),
      ),
  ].sort((a, b) => a.seq - b.seq);

  const escalationErrors = record.errors.filter((e) => within(e.at, from, to)).map(errorView);

  const dissents: DissentView[] = dissentsInWindow.map((d) => {
    const view: DissentView = {
      seq: d.seq,
      hash: d.hash,
      dissent: d.dissent,
      author: d.author,
      filedAt: iso(d.at),
      posterior: d.posterior,
      pDangerous: d.pDangerous,
      words: estimativeWords(d.pDangerous),
      level: d.level,
      rationale: d.rationale,
      officialAtFiling: d.official,
      ...(d.routedTo !== undefined
        ? {
            routedTo: withName(
              { at: iso(d.routedTo.at), person: d.routedTo.person, role: d.routedTo.role, reason: d.routedTo.reason, ...(d.routedTo.standingInFor !== undefined ? { standingInFor: d.routedTo.standingInFor } : {}) },
              'name',
              personName(d.routedTo.person),
            ),
          }
        : {}),
      ...(d.unroutable !== undefined ? { unroutable: iso(d.unroutable.at) } : {}),
      ...(d.withdrawn !== undefined ? { withdrawn: { at: iso(d.withdrawn.at), ...(d.withdrawn.reason !== undefined ? { reason: d.withdrawn.reason } : {}) } } : {}),
      ...(d.warning !== undefined ? { warning: d.warning } : {}),
      fate: dissentFate(d, record.warnings, to),
    };
    return withName(view, 'authorName', actorName(d.author));
  });

  const modelChanges: ModelChangeView[] = history.versions
    .filter((v) => within(v.appendedAt, from, to))
    .map((v) => {
      const previous = history.versions.find((p) => p.version === v.version - 1);
      const changes = previous === undefined ? ['the first version of the model'] : modelDiff(previous.problem, v.problem);
      return withName({ seq: v.seq, hash: v.hash, version: v.version, at: iso(v.appendedAt), by: v.actor, changes }, 'byName', actorName(v.actor));
    });

  // For each person: what they were told and when.
  const versionOf = new Map(record.warnings.flatMap((w) => w.versions.map((v) => [`${w.id}\u0000${v.version}`, { warning: w, version: v }] as const)));
  const byPerson = new Map<string, PersonTold[]>();
  const tell = (person: string, told: PersonTold) => {
    const list = byPerson.get(person) ?? [];
    list.push(told);
    byPerson.set(person, list);
  };
  for (const n of notificationsInWindow) {
    const found = versionOf.get(`${n.warning}\u0000${n.version}`);
    const finals = new Map<string, { outcome: string; at: string }>();
    for (const d of n.deliveries) finals.set(d.channel, { outcome: d.outcome, at: iso(d.at) });
    tell(n.person, {
      seq: n.seq,
      hash: n.hash,
      at: iso(n.at),
      what: n.allClear ? 'all-clear' : 'warning',
      warning: n.warning,
      version: n.version,
      ...(found !== undefined ? { level: found.version.judgment.level, pDangerous: found.version.judgment.pDangerous, words: estimativeWords(found.version.judgment.pDangerous) } : {}),
      reason: n.reason,
      ...(n.role !== undefined ? { role: n.role } : {}),
      ...(n.standingInFor !== undefined ? { standingInFor: n.standingInFor } : {}),
      channels: n.channels,
      deliveries: [...finals].map(([channel, f]) => ({ channel, ...f })),
      ...(n.acknowledgedAt !== undefined ? { acknowledgedAt: iso(n.acknowledgedAt), acknowledgedAfterMs: n.acknowledgedAt - n.at } : {}),
    });
  }
  for (const d of dissentsInWindow) {
    if (d.routedTo === undefined || !within(d.routedTo.at, from, to)) continue;
    tell(d.routedTo.person, {
      seq: d.routedTo.seq,
      hash: d.routedTo.hash,
      at: iso(d.routedTo.at),
      what: 'dissent',
      dissent: d.dissent,
      level: d.level,
      pDangerous: d.pDangerous,
      words: estimativeWords(d.pDangerous),
      reason: d.routedTo.reason,
      role: d.routedTo.role,
      ...(d.routedTo.standingInFor !== undefined ? { standingInFor: d.routedTo.standingInFor } : {}),
      channels: [],
      deliveries: [],
    });
  }
  const acksInWindow = record.acknowledgments.filter((a) => within(a.at, from, to));
  const people: PersonView[] = [...byPerson]
    .map(([person, told]) => withName({ person, told: told.sort((a, b) => a.seq - b.seq), acknowledgments: acksInWindow.filter((a) => a.person === person).length }, 'name', personName(person)))
    .sort((a, b) => a.told[0]!.seq - b.told[0]!.seq);

  // The key intervals.
  const official = new Set(record.warnings.filter((w) => w.dissent === undefined).map((w) => w.id));
  const firstIndicatorRow = reports.find((r) => r.observed === 'present' && r.delta > 0 && within(Date.parse(r.receivedAt), from, to));
  const firstIndicator: Milestone | null =
    firstIndicatorRow === undefined ? null : { at: firstIndicatorRow.receivedAt, seq: firstIndicatorRow.seq, what: `report ${firstIndicatorRow.id}: ${describe(firstIndicatorRow.id)}` };
  // The first warning: the first official warning version (not an all-clear) issued in the
  // window; when the window opens on a warning already out, that warning's first version
  // (before the window, and said so), so that what follows is measured from it.
  const warningVersions = record.warnings.filter((w) => official.has(w.id)).flatMap((w) => w.versions.filter((v) => !v.closing));
  const openAtStart = record.warnings.find((w) => official.has(w.id) && w.openedAt < from && (w.closedAt ?? Infinity) >= from);
  const firstInWindow = warningVersions.filter((v) => within(v.at, from, to)).sort((a, b) => a.seq - b.seq)[0];
  const firstBefore = openAtStart?.versions.find((v) => !v.closing);
  const firstOpened = firstBefore ?? firstInWindow;
  const firstWarning: Milestone | null =
    firstOpened === undefined
      ? null
      : {
          at: iso(firstOpened.at),
          seq: firstOpened.seq,
          what: `warning at level ${firstOpened.judgment.level} (P(dangerous) ${(firstOpened.judgment.pDangerous * 100).toFixed(0)} %)${firstOpened === firstBefore ? ', issued before the window and still out when it opened' : ''}`,
          ...(firstOpened === firstBefore ? { beforeWindow: true } : {}),
        };
  // The first acknowledgment is of a warning version (an acknowledged all-clear is not one),
  // in the window, at or after the first warning: never before what it acknowledges.
  const warningVersionSeqs = new Map(warningVersions.map((v) => [v.seq, v]));
  const acknowledgedVersion = (a: AckRow) => versionOf.get(`${a.warning}\u0000${a.version}`)?.version;
  const officialAcks =
    firstOpened === undefined
      ? []
      : acksInWindow.filter((a) => {
          const v = acknowledgedVersion(a);
          return official.has(a.warning) && v !== undefined && warningVersionSeqs.has(v.seq) && v.seq >= firstOpened.seq && a.seq > firstOpened.seq;
        });
  const ackMilestone = (a: AckRow | undefined, decision: boolean): Milestone | null =>
    a === undefined
      ? null
      : {
          at: iso(a.at),
          seq: a.seq,
          what: `${personName(a.person) ?? a.person ?? actorName(a.user) ?? a.user} acknowledged version ${a.version}${decision && a.note !== undefined ? `: "${a.note}"` : ''}`,
        };
  const firstAcknowledgment = ackMilestone(officialAcks[0], false);
  const firstDecision = ackMilestone(
    officialAcks.find((a) => a.note !== undefined && a.note.trim() !== ''),
    true,
  );
  // An interval is never negative: when the later milestone came first, it says so instead.
  const between = (a: Milestone | null, b: Milestone | null, fromName: string, toName: string) => {
    if (a === null || b === null) return { from: fromName, to: toName, ms: null, text: 'did not happen in the window' };
    const ms = Date.parse(b.at) - Date.parse(a.at);
    if (ms < 0) return { from: fromName, to: toName, ms: null, text: `the ${toName} came ${formatDuration(-ms)} before the ${fromName}` };
    return { from: fromName, to: toName, ms, text: formatDuration(ms) };
  };
  const outcome = history.outcomes.at(-1);
  const outcomeMilestone: Milestone | null =
    outcome === undefined ? null : { at: iso(outcomeInstant(outcome)), seq: outcome.seq, what: outcomeModel(history, outcome).hypotheses.find((h) => h.id === outcome.hypothesis)?.title ?? hypothesisTitle(outcome.hypothesis) };
  const intervals: Intervals = {
    firstIndicator,
    firstWarning,
    firstAcknowledgment,
    firstDecision,
    steps: [
      between(firstIndicator, firstWarning, 'first indicator', 'first warning'),
      between(firstWarning, firstAcknowledgment, 'first warning', 'first acknowledgment'),
      between(firstAcknowledgment, firstDecision, 'first acknowledgment', 'first decision recorded'),
      ...(outcomeMilestone !== null ? [between(firstWarning, outcomeMilestone, 'first warning', 'outcome')] : []),
    ],
  };

  const outcomes: OutcomeView[] = history.outcomes.map((o, k) =>
    withName(
      {
        seq: o.seq,
        hash: o.hash,
        hypothesis: o.hypothesis,
        // Judged under the model version in force when it was recorded, not the latest.
        hypothesisTitle: outcomeModel(history, o).hypotheses.find((h) => h.id === o.hypothesis)?.title ?? hypothesisTitle(o.hypothesis),
        dangerous: truthOf(outcomeModel(history, o), o).dangerous,
        at: o.at,
        ...(o.note !== undefined ? { note: o.note } : {}),
        recordedAt: o.recordedAt,
        by: o.actor,
        inForce: k === history.outcomes.length - 1,
      },
      'byName',
      actorName(o.actor),
    ),
  );

  let scores: InquiryReport['scores'] = null;
  const known = new Map<string, { p: number; happened: boolean }[]>();
  if (outcome !== undefined) {
    try {
      const { series, ...rest } = await problemScores(store, problemId, {}, options.now, history);
      scores = rest;
      if (rest.outcome !== null) known.set(problemId, series.map((s) => ({ p: s.pDangerous, happened: rest.outcome!.dangerous })));
    } catch (error) {
      // An outcome before the first report leaves nothing to score.
      if (!(error instanceof VigilError)) throw error;
    }
  }
  const reliability = await reliabilityAcross(store, 10, options.now, known);

  const windowSeqs = [
    ...history.versions.filter((v) => within(v.appendedAt, from, to)).map((v) => v.seq),
    ...history.reports.filter((r) => within(r.appendedAt, from, to)).map((r) => r.seq),
    ...history.corrections.filter((c) => within(c.appendedAt, from, to)).map((c) => c.seq),
    ...history.events.filter((e) => within(Date.parse(e.at), from, to)).map((e) => e.seq),
    ...history.outcomes.filter((o) => within(Date.parse(o.recordedAt), from, to)).map((o) => o.seq),
  ];

  return {
    inquiry: 1,
    generatedAt: iso(options.now),
    problem: {
      id: problem.id,
      title: problem.title,
      ...(problem.description !== undefined ? { description: problem.description } : {}),
      version: model.version,
      hypotheses: problem.hypotheses.map((h) => ({ id: h.id, title: h.title, prior: h.prior, dangerous: h.dangerous === true })),
      levels: problem.warning.levels.map((l) => ({ id: l.id, threshold: l.threshold })),
    },
    window: { from: iso(from), to: iso(to) },
    reader: { kind: 'store' },
    withheld: 0,
    atStart: startState!,
    atEnd: endState!,
    reports,
    loadedLater,
    corrections: correctionRows,
    levelChanges,
    warnings,
    absences,
    delegations,
    escalationErrors,
    dissents,
    modelChanges,
    people,
    intervals,
    outcomes,
    scores,
    reliability: { svg: reliability.svg, problems: reliability.problems.length, forecasts: reliability.forecasts },
    verification: await verifyForWindow(store, from, to, windowSeqs),
    notes: NOTES,
  };
}
