/**
 * The inquiry draws what the log's verification vouches for from the log: editing the
 * projection tables (the log untouched, so it still verifies) changes none of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildInquiry } from '../../src/inquiry/inquiry.js';
import { renderInquiryHtml } from '../../src/inquiry/inquiry-html.js';
import { problemScores } from '../../src/inquiry/scores.js';
import { verifyLog } from '../../src/log/verify.js';
import { END, PROBLEM, START, playDemo, type DemoWorld } from './demo-world.js';

let world: DemoWorld;
beforeAll(async () => {
  world = await playDemo();
}, 120_000);
afterAll(async () => {
  await world?.close();
});

describe('the scores recomputed from the log', () => {
  it('equal the store\'s as-of assessment at every scored instant', async () => {
    const scores = await problemScores(world.store, PROBLEM.id, {}, END);
    expect(scores.series.length).toBeGreaterThan(100);
    for (const s of scores.series) {
      const a = await world.store.assess(PROBLEM.id, Date.parse(s.at), { ignored: 'count' });
      expect(s.pDangerous, s.at).toBeCloseTo(a.pDangerous, 9);
      expect([s.level, s.leading], s.at).toEqual([a.level, a.leading]);
      for (const [h, p] of a.posterior) expect(s.posterior[h], `${s.at} ${h}`).toBeCloseTo(p, 9);
    }
  });
});

describe('an inquiry over a store whose projection tables were edited', () => {
  it('gives the same states, level changes, reports, absences and scores', async () => {
    const before = await buildInquiry(world.store, PROBLEM.id, { from: START, to: END, now: END });
    expect(before.absences.length).toBeGreaterThan(0);
    for (const row of await world.store.db.all<{ seq: number; body: string }>('SELECT seq, body FROM warn_organisation')) {
      const org = JSON.parse(row.body) as { absences: unknown[] };
      org.absences = [];
      await world.store.db.run('UPDATE warn_organisation SET body = ? WHERE seq = ?', [JSON.stringify(org), row.seq]);
    }
    await world.store.db.run(`UPDATE proj_reports SET body = replace(body, '"observed":"present"', '"observed":"absent"') WHERE problem = ?`, [PROBLEM.id]);
    await world.store.db.run('DELETE FROM proj_snapshots WHERE problem = ?', [PROBLEM.id]);
    expect((await verifyLog(world.store.log)).ok).toBe(true);
    const after = await buildInquiry(world.store, PROBLEM.id, { from: START, to: END, now: END });
    expect(after.verification.ok).toBe(true);
    expect(after.absences).toEqual(before.absences);
    expect(after.atStart).toEqual(before.atStart);
    expect(after.atEnd).toEqual(before.atEnd);
    expect(after.levelChanges).toEqual(before.levelChanges);
    expect(after.reports).toEqual(before.reports);
    expect(after.scores).toEqual(before.scores);
    expect(after.reliability).toEqual(before.reliability);
    expect(after.notes.join(' ')).toContain('everything in this report is recomputed from the log\'s events');
    expect(renderInquiryHtml(after)).toContain('every figure of this report is recomputed from the log\'s events');
  });
});
