/**
 * The inquiry report of the demo replay must tell its story plainly: played on a fake clock with
 * the warning engine running (see demo-world.ts), the report is checked for every fact it must
 * hold, each against an independent source (the report file replayed by the core, the store's
 * as-of assessments, the log's own events), then read as HTML and printed to PDF.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotAt } from '../../src/core/assess.js';
import { countReports } from '../../src/core/counting.js';
import { replay } from '../../src/core/replay.js';
import { buildInquiry } from '../../src/inquiry/inquiry.js';
import { INQUIRY_CSP, INQUIRY_STYLE, renderInquiryHtml } from '../../src/inquiry/inquiry-html.js';
import type { InquiryReport, ReportRow } from '../../src/inquiry/inquiry-types.js';
import { canRenderPdf, htmlToPdf } from '../../src/inquiry/pdf.js';
import {
  ATTACK,
  DECISION,
  DECISION_NOTE,
  DISSENT_A_FILED,
  DISSENT_A_WITHDRAWN,
  DISSENT_B_FILED,
  END,
  MODEL_CHANGED,
  PROBLEM,
  playDemo,
  REPORTS,
  START,
  WARNING_ACKNOWLEDGED,
  type DemoWorld,
} from './demo-world.js';

const iso = (ms: number) => new Date(ms).toISOString();
const at = (text: string) => Date.parse(text);

let world: DemoWorld;
let report: InquiryReport;
let html: string;

beforeAll(async () => {
  world = await playDemo();
  const names = new Map((await world.accounts.listUsers()).map((u) => [u.id, u.username]));
  report = await buildInquiry(world.store, PROBLEM.id, { from: START, to: END, now: END, actorNames: names });
  html = renderInquiryHtml(report);
}, 120_000);

afterAll(async () => {
  await world?.close();
});

const rows = () => report.reports.filter((r): r is ReportRow => r.withheld !== true);

describe('the timeline of every report', () => {
  it('lists all 83 reports in the order received, observed and received as filed', () => {
    expect(report.reports).toHaveLength(83);
    expect(rows().map((r) => r.id)).toEqual(REPORTS.map((r) => r.id));
    for (const [k, row] of rows().entries()) {
      const filed = REPORTS[k]!;
      expect(row.observedAt).toBe(iso(filed.at));
      expect(row.receivedAt).toBe(iso(filed.received));
      expect(row.indicator).toBe(filed.indicator);
      expect(row.observed).toBe(filed.observed);
      expect(row.source).toBe(filed.source);
      expect(row.postedByName).toBe('analyst');
    }
    expect(rows().find((r) => r.id === 'sf-036')!.grade).toBe('s=0.8 f=0.1');
    expect(rows().find((r) => r.id === 'sf-001')!.grade).toBe('B2');
    expect(rows().find((r) => r.id === 'sf-005')!.classification).toBe('SECRET');
  });

  it('says when each first counted: on arrival, unless its source had already said something newer', () => {
    let never = 0;
    for (const row of rows()) {
      const filed = REPORTS.find((r) => r.id === row.id)!;
      const counted = countReports(REPORTS, filed.received).counted.some((r) => r.id === row.id);
      if (counted) expect(row.firstCountedAt, row.id).toBe(row.receivedAt);
      else {
        never++;
        expect(row.firstCountedAt, row.id).toBeNull();
        expect(row.notCounted, row.id).toMatch(/^superseded by sf-\d{3}$/);
      }
    }
    expect(never).toBeGreaterThanOrEqual(0);
  });

  it('says what each did to P(dangerous) on arrival, equal to the store and to a replay from scratch', async () => {
    const byInstant = new Map<number, ReportRow[]>();
    for (const row of rows()) {
      const t = at(row.receivedAt);
      byInstant.set(t, [...(byInstant.get(t) ?? []), row]);
    }
    for (const [t, group] of byInstant) {
      const last = group.at(-1)!;
      const asOf = await world.store.assess(PROBLEM.id, t, { ignored: 'count' });
      expect(last.pAfter).toBeCloseTo(asOf.pDangerous, 9);
      const before = snapshotAt(PROBLEM, REPORTS.filter((r) => r.received < t), t).pDangerous;
      expect(group[0]!.pBefore).toBeCloseTo(before, 9);
      for (let k = 1; k < group.length; k++) expect(group[k]!.pBefore).toBeCloseTo(group[k - 1]!.pAfter, 12);
      for (const row of group) expect(row.delta).toBeCloseTo(row.pAfter - row.pBefore, 12);
    }
    // The SIM-card activation on the evening of 13 March moved it most: +20 points and more.
    const sim = rows().find((r) => r.id === 'sf-067')!;
    expect(sim.indicator).toBe('sim-activation');
    expect(sim.delta).toBeGreaterThan(0.2);
  });
});

describe('level changes, with the evidence and advice given at the time', () => {
  it('has the five changes of the replay, each with its top evidence and collection advice', () => {
    const expected = replay(PROBLEM, REPORTS).changes;
    expect(report.levelChanges.map((c) => [c.at, c.from, c.to])).toEqual([
      ['2026-03-03T01:45:00.000Z', 'normal', 'watch'],
      ['2026-03-08T07:00:00.000Z', 'watch', 'normal'],
      ['2026-03-12T20:00:00.000Z', 'normal', 'watch'],
      ['2026-03-13T21:30:00.000Z', 'watch', 'warning'],
      ['2026-03-14T01:20:00.000Z', 'warning', 'alert'],
    ]);
    report.levelChanges.forEach((c, k) => {
      const e = expected[k]!;
      expect(c.pDangerous).toBeCloseTo(e.pDangerous, 9);
      expect(c.leading).toBe(e.leading);
      expect(c.evidence.map((x) => x.report)).toEqual(e.evidence.map((x) => x.report));
      expect(c.collect.map((x) => x.indicator)).toEqual(e.collect.map((x) => x.indicator));
      expect(c.cause).toBe('reports');
    });
    const alert = report.levelChanges[4]!;
    expect(alert.leadingTitle).toBe('A large-scale surprise attack across the line');
    expect(alert.evidence[0]!.description).toMatch(/SIM cards at night: present \(s=0\.7 f=0\.1, source cellnet-monitor/);
    expect(alert.collect[0]!.indicatorTitle).toBe('Live ammunition issued to assault units');
  });
});

describe('warnings: every version, to whom, through which channel, deliveries, acknowledgments', () => {
  const official = () => report.warnings.filter((w) => w.kind === 'official');

  it('opens at WATCH on 3 March, all-clear on 8 March, and again from 12 March up to ALERT', () => {
    const [first, second] = official();
    expect(official()).toHaveLength(2);
    expect(first!.openedAt).toBe('2026-03-03T01:45:00.000Z');
    expect(first!.closedAt).toBe('2026-03-08T07:00:00.000Z');
    expect(first!.closeReason).toBe('all-clear');
    expect(first!.versions.at(-1)!.notifications.map((n) => [n.person, n.allClear])).toEqual([['duty-1', true]]);
    expect(second!.openedAt).toBe('2026-03-12T20:00:00.000Z');
    expect(second!.closedAt).toBeUndefined();
    expect(second!.versions.map((v) => v.level)).toContain('alert');
    const levelUps = second!.versions.filter((v) => v.reason === 'level-up').map((v) => [v.at, v.level]);
    expect(levelUps).toEqual([
      ['2026-03-13T21:30:00.000Z', 'warning'],
      ['2026-03-14T01:20:00.000Z', 'alert'],
    ]);
  });

  it('says who was told of the WARNING, why, how the email went, and who acknowledged after how long', () => {
    const version = official()[1]!.versions.find((v) => v.at === '2026-03-13T21:30:00.000Z')!;
    const first = version.notifications.filter((n) => n.at === version.at);
    expect(first.map((n) => [n.person, n.name, n.reason, n.role])).toEqual([
      ['duty-1', 'Maj. Dana Levin', 'holder', 'duty-officer'],
      ['research-head', 'Col. Ruth Azulay', 'holder', 'head-of-research'],
    ]);
    expect(first[0]!.channels).toEqual(['in-app', 'email']);
    expect(first[0]!.deliveries.map((d) => d.outcome)).toEqual(['delivered']);
    // The head of research's mail server asked to come back later: the retry went through.
    expect(first[1]!.deliveries.map((d) => [d.attempt, d.outcome, d.status])).toEqual([
      [1, 'failed', 421],
      [2, 'delivered', 250],
    ]);
    expect(first[1]!.deliveredAfterMs).toBeGreaterThan(0);
    expect(version.acknowledgments).toHaveLength(1);
    const ack = version.acknowledgments[0]!;
    expect([ack.person, ack.name, ack.userName, ack.at, ack.afterVersionMs]).toEqual(['duty-1', 'Maj. Dana Levin', 'duty', iso(WARNING_ACKNOWLEDGED), 10 * 60_000]);
    expect(first[0]!.acknowledgedAfterMs).toBe(10 * 60_000);
  });

  it('says the ALERT went to the duty officer and, for the absent director, to the head of research, who recorded the decision', () => {
    const version = official()[1]!.versions.find((v) => v.at === '2026-03-14T01:20:00.000Z')!;
    const first = version.notifications.filter((n) => n.at === version.at);
    expect(first.map((n) => [n.person, n.reason, n.role, n.standingInFor])).toEqual([
      ['duty-1', 'holder', 'duty-officer', undefined],
      ['research-head', 'delegate', 'director-of-intelligence', ['director']],
    ]);
    const decision = version.acknowledgments.find((a) => a.note !== undefined)!;
    expect([decision.person, decision.at, decision.note, decision.afterVersionMs]).toEqual(['research-head', iso(DECISION), DECISION_NOTE, 15 * 60_000]);
    // Nobody answered for the absent chief of staff: an escalation error, escalated at once.
    expect(version.errors.some((e) => e.kind === 'unreachable' && e.target === 'role:chief-of-staff' && e.at === '2026-03-14T01:25:00.000Z')).toBe(true);
  });
});

describe('absences, delegations and escalation errors', () => {
  it('lists the absences in force: the director (delegate head of research), the chief of staff (nobody)', () => {
    expect(report.absences).toEqual([
      { person: 'director', name: 'Brig. Gen. Yoav Sela', from: '2026-03-10T00:00:00.000Z', to: '2026-03-17T00:00:00.000Z', delegate: 'research-head', delegateName: 'Col. Ruth Azulay' },
      { person: 'chief-of-staff', name: 'Lt. Gen. Avi Ben-Ami', from: '2026-03-13T00:00:00.000Z', to: '2026-03-15T00:00:00.000Z' },
    ]);
  });

  it('lists every stand-in: the head of research for the director', () => {
    expect(report.delegations.length).toBeGreaterThan(0);
    for (const d of report.delegations) expect([d.person, d.standingInFor, d.role]).toEqual(['research-head', ['director'], 'director-of-intelligence']);
    expect(report.delegations.map((d) => d.at)).toContain('2026-03-14T01:20:00.000Z');
  });

  it('lists the escalation errors: nobody reachable for the chief of staff; the red team\'s mailbox refusing', () => {
    const unreachable = report.escalationErrors.filter((e) => e.kind === 'unreachable');
    expect(unreachable.length).toBeGreaterThan(0);
    for (const e of unreachable) expect(e.target).toBe('role:chief-of-staff');
    expect(unreachable[0]!.at).toBe('2026-03-14T01:25:00.000Z');
    const refused = report.escalationErrors.filter((e) => e.kind === 'gave-up');
    expect(refused.length).toBeGreaterThan(0);
    for (const e of refused) expect([e.person, e.channel, e.detail]).toEqual(['control-1', 'email', '550 mailbox unavailable']);
  });
});

describe('dissents, model changes, people', () => {
  it('says what became of each dissent', () => {
    expect(report.dissents).toHaveLength(2);
    const [withdrawn, caughtUp] = report.dissents;
    expect([withdrawn!.dissent, withdrawn!.filedAt, withdrawn!.authorName, withdrawn!.level, withdrawn!.withdrawn?.at]).toEqual([world.dissents.withdrawn, iso(DISSENT_A_FILED), 'analyst', 'watch', iso(DISSENT_A_WITHDRAWN)]);
    expect(withdrawn!.fate).toMatch(/^withdrawn by its author at 2026-03-09T12:00:00.000Z \("Two quiet nights/);
    expect(withdrawn!.routedTo).toMatchObject({ person: 'control-1', name: 'Dr. Noa Peretz', role: 'control' });
    expect([caughtUp!.dissent, caughtUp!.filedAt, caughtUp!.level, caughtUp!.pDangerous]).toEqual([world.dissents.caughtUp, iso(DISSENT_B_FILED), 'alert', 0.7]);
    expect(caughtUp!.officialAtFiling.level).toBe('warning');
    expect(caughtUp!.fate).toBe('the official assessment caught up at 2026-03-14T01:20:00.000Z: its own warning was closed');
    const own = report.warnings.find((w) => w.dissent === caughtUp!.dissent)!;
    expect([own.kind, own.closeReason, own.versions[0]!.notifications[0]!.person]).toEqual(['dissent', 'official-caught-up', 'control-1']);
  });

  it('lists the model versions and who stored them', () => {
    expect(report.modelChanges.map((m) => [m.version, m.at, m.byName, m.changes])).toEqual([
      [1, iso(START), 'senior', ['the first version of the model']],
      [2, iso(MODEL_CHANGED), 'senior', ['description changed']],
    ]);
  });

  it('says, for each person, what they were told and when', () => {
    const duty = report.people.find((p) => p.person === 'duty-1')!;
    expect(duty.name).toBe('Maj. Dana Levin');
    expect(duty.told[0]).toMatchObject({ at: '2026-03-03T01:45:00.000Z', what: 'warning', level: 'watch', reason: 'holder', role: 'duty-officer' });
    expect(duty.told.some((t) => t.what === 'all-clear' && t.at === '2026-03-08T07:00:00.000Z')).toBe(true);
    expect(duty.told.some((t) => t.level === 'alert' && t.at === '2026-03-14T01:20:00.000Z')).toBe(true);
    expect(duty.acknowledgments).toBe(1);
    const head = report.people.find((p) => p.person === 'research-head')!;
    expect(head.told[0]).toMatchObject({ at: '2026-03-13T21:30:00.000Z', level: 'warning', reason: 'holder' });
    expect(head.told.some((t) => t.standingInFor?.includes('director') === true)).toBe(true);
    const control = report.people.find((p) => p.person === 'control-1')!;
    expect(control.told[0]).toMatchObject({ at: iso(DISSENT_A_FILED), what: 'dissent', dissent: world.dissents.withdrawn });
    // The chief of staff was never told: away, with nobody standing in.
    expect(report.people.some((p) => p.person === 'chief-of-staff')).toBe(false);
  });
});

describe('the key intervals, the outcome and the scores', () => {
  it('first indicator → first warning → first acknowledgment → first decision recorded', () => {
    const i = report.intervals;
    expect(i.firstIndicator!.at).toBe(rows().find((r) => r.observed === 'present' && r.delta > 0)!.receivedAt);
    expect(i.firstWarning).toMatchObject({ at: '2026-03-03T01:45:00.000Z' });
    expect(i.firstWarning!.what).toMatch(/level watch/);
    expect(i.firstAcknowledgment).toMatchObject({ at: iso(WARNING_ACKNOWLEDGED) });
    expect(i.firstAcknowledgment!.what).toMatch(/^Maj\. Dana Levin acknowledged version \d+$/);
    expect(i.firstDecision).toMatchObject({ at: iso(DECISION) });
    expect(i.firstDecision!.what).toContain(DECISION_NOTE);
    expect(i.steps.map((s) => [s.from, s.to, s.ms])).toEqual([
      ['first indicator', 'first warning', at('2026-03-03T01:45:00Z') - at(i.firstIndicator!.at)],
      ['first warning', 'first acknowledgment', WARNING_ACKNOWLEDGED - at('2026-03-03T01:45:00Z')],
      ['first acknowledgment', 'first decision recorded', DECISION - WARNING_ACKNOWLEDGED],
      ['first warning', 'outcome', ATTACK - at('2026-03-03T01:45:00Z')],
    ]);
    expect(i.steps[2]!.text).toBe('3 h 55 min');
  });

  it('records the outcome and scores the assessment, the dissents and the lead of each level', () => {
    expect(report.outcomes).toHaveLength(1);
    expect(report.outcomes[0]).toMatchObject({ hypothesis: 'offensive', at: iso(ATTACK), dangerous: true, byName: 'senior', inForce: true });
    const s = report.scores!;
    expect(s.official!.count).toBe(s.window.instants);
    expect(s.official!.brier).toBeGreaterThan(0);
    expect(s.official!.brier).toBeLessThanOrEqual(2);
    expect(s.leadTimes.map((l) => [l.level, l.leadMs])).toEqual([
      ['watch', ATTACK - at('2026-03-03T01:45:00Z')],
      ['warning', ATTACK - at('2026-03-13T21:30:00Z')],
      ['alert', ATTACK - at('2026-03-14T01:20:00Z')],
    ]);
    expect(s.leadTimes[2]!.leadText).toBe('3 h 10 min before the outcome');
    expect(s.warningLeadTimes[2]!.firstReached).toBe(at('2026-03-14T01:20:00Z'));
    // The dissent that called the attack scored better than the official assessment over the same instants.
    const called = s.dissents.find((d) => d.dissent === world.dissents.caughtUp)!;
    expect(called.scores!.count).toBeGreaterThan(0);
    expect(called.scores!.dangerBrier!).toBeLessThan(called.official!.dangerBrier!);
    expect(report.reliability.problems).toBe(1);
    expect(report.reliability.svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  });
});

describe('the verification of the log', () => {
  it('verifies the chain and checkpoints, gives the head hash, and cites events that are in the log as cited', async () => {
    const v = report.verification;
    const head = (await world.store.log.head())!;
    expect(v.ok).toBe(true);
    expect(v.eventsVerified).toBe(head.seq);
    expect(v.head).toEqual({ seq: head.seq, hash: head.hash, at: head.at });
    expect(v.sealedBy).not.toBeNull();
    expect(v.sealedBy!.upTo).toBeGreaterThanOrEqual(v.window.lastSeq!);
    expect(v.checkpoints.length).toBeGreaterThan(0);
    expect(v.howToCheck).toContain(`--head ${head.seq}:${head.hash}`);
    const cited = new Map<number, string>();
    for (const r of report.reports) cited.set(r.seq, r.hash);
    for (const w of report.warnings) for (const ver of w.versions) {
      cited.set(ver.seq, ver.hash);
      for (const a of ver.acknowledgments) cited.set(a.seq, a.hash);
      for (const n of ver.notifications) cited.set(n.seq, n.hash);
    }
    for (const o of report.outcomes) cited.set(o.seq, o.hash);
    let checked = 0;
    for await (const event of world.store.log.read()) {
      const hash = cited.get(event.seq);
      if (hash === undefined) continue;
      expect(event.hash, `seq ${event.seq}`).toBe(hash);
      checked++;
    }
    expect(checked).toBe(cited.size);
  });
});

describe('read as HTML and printed as PDF', () => {
  it('is one self-contained page, no script, that tells the story plainly', () => {
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\s(src|href)="(https?:)?\/\//i);
    expect(html).toContain(`<style>${INQUIRY_STYLE}</style>`);
    expect(INQUIRY_CSP).toContain("style-src 'sha256-");
    for (const fact of [
      'Inquiry report: Is an attack across the Kessa line coming?',
      'the level went <span class="up">up</span> from WATCH to <b>WARNING</b>',
      'from WARNING to <b>ALERT</b>, P(dangerous) 63 % (likely)',
      'Told at once: Maj. Dana Levin (duty-officer), Col. Ruth Azulay (director-of-intelligence for director)',
      'Col. Ruth Azulay <span class="muted">(research-head)</span> stood in for director as director-of-intelligence',
      'an escalation step reached nobody for role:chief-of-staff',
      '550 mailbox unavailable',
      'withdrawn by its author',
      'the official assessment caught up at 2026-03-14T01:20:00.000Z',
      DECISION_NOTE,
      'From the first acknowledgment to the first decision recorded: 3 h 55 min.',
      'Level ALERT was first reached 2026-03-14 01:20:00Z, 3 h 10 min before the outcome.',
      'email #1: failed (421) — 421 try again later',
      'Live ammunition issued to assault units',
      'The log verifies:',
      report.verification.head!.hash,
      '<svg xmlns="http://www.w3.org/2000/svg"',
    ]) {
      expect(html, fact).toContain(fact);
    }
  });

  const unavailable = canRenderPdf() ? undefined : '/usr/bin/chromium is not installed (apt-get install chromium, or set VIGIL_CHROMIUM)';
  if (unavailable === undefined) {
    it('prints to PDF with Chromium', async () => {
      const pdf = await htmlToPdf(html);
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdf.length).toBeGreaterThan(20_000);
    }, 120_000);
  } else {
    const why = `inquiry PDF test NOT RUN: ${unavailable}`;
    console.warn(`\n*** ${why} ***\n`);
    it(why, () => {
      if (process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false') throw new Error(`under CI the PDF test must run: ${why}`);
    });
  }
});
