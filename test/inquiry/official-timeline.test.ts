/**
 * The official timeline recomputed from the events (src/inquiry/official-timeline.ts) agrees
 * with the store's own as-of assessments through model versions and corrections; who the
 * escalation policy would have told (counterfactual) follows holders, deputies, delegates of the
 * absent and the waits, as the engine does; and the small pure pieces (durations, model diffs).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../src/app/store.js';
import type { Problem, Report } from '../../src/core/model.js';
import type { LevelChange } from '../../src/core/replay.js';
import { wouldTell } from '../../src/inquiry/counterfactual.js';
import { formatDuration, parseDuration } from '../../src/inquiry/duration.js';
import { coreCorrections, loadHistory } from '../../src/inquiry/history.js';
import { modelDiff } from '../../src/inquiry/model-diff.js';
import { officialTimeline, versionsInForce } from '../../src/inquiry/official-timeline.js';
import type { Organisation } from '../../src/warn/organisation.js';

const HOUR = 3_600_000;
const T0 = Date.parse('2023-10-07T00:00:00Z');

const TINY: Problem = {
  id: 'tiny',
  title: 'Is the bridge going to be blown?',
  hypotheses: [
    { id: 'calm', title: 'Nothing planned', prior: 0.9 },
    { id: 'strike', title: 'A strike on the bridge', prior: 0.1, dangerous: true },
  ],
  indicators: [
    { id: 'scouts', title: 'Scouts seen at the bridge', likelihood: { calm: 0.2, strike: 0.8 } },
    { id: 'trucks', title: 'Trucks with explosives', halfLifeHours: 24, likelihood: { calm: 0.05, strike: 0.6 } },
  ],
  warning: { levels: [{ id: 'normal', threshold: 0 }, { id: 'watch', threshold: 0.3 }, { id: 'warning', threshold: 0.5 }] },
};

/** Version 2: scouts tell far more (the level the history reaches under it differs). */
const TINY_V2: Problem = { ...TINY, indicators: TINY.indicators.map((i) => (i.id === 'scouts' ? { ...i, likelihood: { calm: 0.05, strike: 0.95 } } : i)) };

function report(id: string, hour: number, indicator: string, observed: 'present' | 'absent', source: string, atHour = hour): Report {
  return { id, indicator, observed, at: T0 + atHour * HOUR, received: T0 + hour * HOUR, source, reliability: 'B', credibility: '2' };
}

describe('the official timeline against the store', () => {
  let dir: string;
  let store: Store;
  let now = T0;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-official-'));
    now = T0;
    store = await Store.open({ dataDir: dir, clock: () => new Date(now) });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives every report the store\'s P(dangerous), and the store\'s level at every report instant, through a model version, a regrade and a retraction', async () => {
    await store.defineProblem(TINY, 'senior');
    const script: { hour: number; run: () => Promise<unknown> }[] = [
      { hour: 1, run: () => store.recordReports('tiny', [{ report: report('r1', 1, 'scouts', 'present', 'op-1') }], { actor: 'a' }) },
      { hour: 2, run: () => store.recordReports('tiny', [{ report: report('r2', 2, 'trucks', 'present', 'op-2') }, { report: report('r3', 2, 'scouts', 'present', 'op-3') }], { actor: 'a' }) },
      // op-1's older word arrives late: superseded on arrival.
      { hour: 3, run: () => store.recordReports('tiny', [{ report: report('r4', 3, 'scouts', 'absent', 'op-1', 0.5) }], { actor: 'a' }) },
      { hour: 4, run: () => store.regradeReport('tiny', 'r2', { reliability: 'E', credibility: '5' }, 'the driver was guessing', 'senior') },
      { hour: 5, run: () => store.recordReports('tiny', [{ report: report('r5', 5, 'scouts', 'absent', 'op-4') }], { actor: 'a' }) },
      { hour: 6, run: () => store.defineProblem(TINY_V2, 'senior') },
      { hour: 7, run: () => store.recordReports('tiny', [{ report: report('r6', 7, 'scouts', 'present', 'op-5') }], { actor: 'a' }) },
      { hour: 8, run: () => store.retractReport('tiny', 'r1', 'op-1 was not there', 'senior') },
      { hour: 9, run: () => store.recordReports('tiny', [{ report: report('r7', 9, 'trucks', 'absent', 'op-2') }], { actor: 'a' }) },
      { hour: 30, run: () => store.recordReports('tiny', [{ report: report('r8', 30, 'scouts', 'absent', 'op-6') }], { actor: 'a' }) },
    ];
    for (const step of script) {
      now = T0 + step.hour * HOUR;
      await step.run();
    }
    const history = await loadHistory(store, 'tiny');
    const versions = versionsInForce(history.versions);
    expect(versions.map((v) => [v.version, v.from])).toEqual([
      [1, -Infinity],
      [2, T0 + 6 * HOUR],
    ]);
    const corrections = coreCorrections(history).map((c, k) => ({ ...c, seq: history.corrections[k]!.seq }));
    const timeline = officialTimeline(versions, history.reports.map((r) => r.report), corrections, T0 + 40 * HOUR);

    const instants = [...new Set(history.reports.map((r) => r.report.received))];
    for (const t of instants) {
      const asOf = await store.assess('tiny', t, { ignored: 'count' });
      const last = history.reports.filter((r) => r.report.received === t).at(-1)!;
      expect(timeline.effects.get(last.report.id)!.pAfter, new Date(t).toISOString()).toBeCloseTo(asOf.pDangerous, 9);
      let level = timeline.path[0]!.level;
      for (const step of timeline.path) if (step.at <= t) level = step.level;
      expect(level, new Date(t).toISOString()).toBe(asOf.level);
    }
    // r4 was older than op-1's word when it arrived; r1 counted until retracted, and its
    // retraction let op-1's older word (r4) count, from the retraction's instant.
    expect(timeline.effects.get('r4')).toMatchObject({ notCounted: 'superseded by r1', firstCounted: T0 + 8 * HOUR });
    expect(timeline.effects.get('r1')!.firstCounted).toBe(T0 + HOUR);
    const retraction = history.corrections.find((c) => c.kind === 'retracted')!;
    expect(timeline.correctionEffects.get(retraction.seq)!.pAfter).toBeCloseTo((await store.assess('tiny', T0 + 8 * HOUR, { ignored: 'count' })).pDangerous, 9);
    const regrade = history.corrections.find((c) => c.kind === 'regraded')!;
    const regradeEffect = timeline.correctionEffects.get(regrade.seq)!;
    expect(regradeEffect.pAfter).toBeLessThan(regradeEffect.pBefore);
    expect(regradeEffect.pAfter).toBeCloseTo((await store.assess('tiny', T0 + 4 * HOUR, { ignored: 'count' })).pDangerous, 9);
    // Reports after the new version are judged by it.
    expect(timeline.effects.get('r6')!.version).toBe(2);
    expect(timeline.effects.get('r5')!.version).toBe(1);
    expect(timeline.changes.some((c) => c.cause === 'model' || c.version === 2)).toBe(true);
  });
});

describe('who the escalation policy would have told', () => {
  const org = (absences: Organisation['absences']): Organisation => ({
    people: ['d1', 'd2', 'h1', 'c1'].map((id) => ({ id, channels: ['in-app'] as const })),
    roles: [
      { id: 'duty', title: 'Duty officer', holder: 'd1', deputies: ['d2'] },
      { id: 'head', title: 'Head of research', holder: 'h1', deputies: [] },
      { id: 'control', title: 'Control', holder: 'c1', deputies: [] },
    ],
    absences,
    policies: [
      {
        problem: 'tiny',
        control: 'control',
        materialChange: 0.1,
        levels: {
          watch: [{ notify: ['role:duty'] }],
          warning: [{ notify: ['role:duty'] }, { wait: 900 }, { notify: ['role:head', 'control'] }, { wait: 900 }],
        },
      },
    ],
  });
  const change = (hour: number, from: string, to: string): LevelChange => ({ at: new Date(T0 + hour * HOUR).toISOString(), from, to, pDangerous: 0.5, leading: 'strike', evidence: [], collect: [] });

  it('tells the holder, or the deputy when the holder is away; later steps only while nobody could have acknowledged', () => {
    const history = { problem: 'tiny', organisations: [{ seq: 1, appendedAt: T0 - HOUR, actor: 'admin', organisation: org([{ person: 'd1', from: '2023-10-07T01:30:00Z', to: '2023-10-08T00:00:00Z' }]) }] };
    const { told, unreachable } = wouldTell(history, TINY, [change(1, 'normal', 'watch'), change(2, 'watch', 'warning'), change(5, 'warning', 'normal')], T0 + 10 * HOUR);
    expect(unreachable).toEqual([]);
    expect(told.map((t) => [t.at.slice(11, 16), t.person, t.reason, t.standingInFor, t.ifUnacknowledged, t.allClear])).toEqual([
      ['01:00', 'd1', 'holder', undefined, false, false],
      ['02:00', 'd2', 'deputy', ['d1'], false, false],
      ['02:15', 'h1', 'holder', undefined, true, false],
      ['02:15', 'c1', 'holder', undefined, true, false],
      // The all-clear to everyone told since the warning opened.
      ['05:00', 'd1', 'named', undefined, false, true],
      ['05:00', 'd2', 'named', undefined, false, true],
      ['05:00', 'h1', 'named', undefined, false, true],
      ['05:00', 'c1', 'named', undefined, false, true],
    ]);
  });

  it('stops at the next change, and reports a step that reaches nobody', () => {
    const away = org([
      { person: 'h1', from: '2023-10-07T00:00:00Z', to: '2023-10-08T00:00:00Z' },
      { person: 'c1', from: '2023-10-07T00:00:00Z', to: '2023-10-08T00:00:00Z' },
    ]);
    const history = { problem: 'tiny', organisations: [{ seq: 1, appendedAt: T0, actor: 'admin', organisation: away }] };
    const { told, unreachable } = wouldTell(history, TINY, [change(2, 'normal', 'warning'), change(2.1, 'warning', 'watch')], T0 + 10 * HOUR);
    // The change 6 minutes later starts the watch steps: the wait of 15 minutes never ends.
    expect(told.map((t) => [t.at.slice(11, 16), t.person, t.level])).toEqual([
      ['02:00', 'd1', 'warning'],
      ['02:06', 'd1', 'watch'],
    ]);
    expect(unreachable).toEqual([]);
    const late = wouldTell(history, TINY, [change(2, 'normal', 'warning')], T0 + 10 * HOUR);
    expect(late.unreachable.map((u) => [u.at.slice(11, 16), u.target])).toEqual([
      ['02:15', 'role:head'],
      ['02:15', 'control'],
    ]);
  });
});

describe('durations and model diffs', () => {
  it.each([
    ['15m', 900_000],
    ['1h', 3_600_000],
    ['6h', 21_600_000],
    ['1d', 86_400_000],
    ['2w', 1_209_600_000],
    ['PT1H30M', 5_400_000],
    ['P1D', 86_400_000],
    ['PT0.5S', 500],
  ])('%s is %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '0h', 'P', 'PT', 'soon', '1 h', '-1h', 'P1M'])('%j is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('writes durations for people', () => {
    expect([formatDuration(45_000), formatDuration(3 * HOUR + 55 * 60_000), formatDuration(28 * 24 * HOUR + 13 * HOUR + 42 * 60_000), formatDuration(-HOUR)]).toEqual(['45 s', '3 h 55 min', '28 d 13 h', '−1 h']);
  });

  it('says what changed between versions', () => {
    expect(modelDiff(TINY, TINY_V2)).toEqual(['P("scouts" | calm): 0.2 → 0.05', 'P("scouts" | strike): 0.8 → 0.95']);
    const v3: Problem = { ...TINY, warning: { ...TINY.warning, hysteresis: 0.1, levels: [...TINY.warning.levels.slice(0, 2), { id: 'warning', threshold: 0.6 }] } };
    expect(modelDiff(TINY, v3)).toEqual(['threshold of "warning": 0.5 → 0.6', 'hysteresis: 0.2 → 0.1']);
    expect(modelDiff(TINY, TINY)).toEqual([]);
  });
});
