/**
 * The inquiry and calibration routes over the demo replay (demo-world.ts), through `inject`:
 * the inquiry report as JSON and HTML with need-to-know (a reader cleared UNCLASSIFIED never
 * sees a SECRET or CONFIDENTIAL report, in any byte of the answer, and is told how many were
 * withheld; reading the visible marked ones is recorded), the HTML under its own CSP; outcomes
 * (who may record one, errors naming the field); scores and the reliability diagram;
 * counterfactual replay equal to a fresh replay under the changed model.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/app/access.js';
import { replay } from '../../src/core/replay.js';
import { buildApp } from '../../src/http/app.js';
import type { App } from '../../src/http/context.js';
import type { CounterfactualResult } from '../../src/inquiry/counterfactual.js';
import { INQUIRY_CSP } from '../../src/inquiry/inquiry-html.js';
import type { InquiryReport, ReportRow } from '../../src/inquiry/inquiry-types.js';
import { problemScores, type ProblemScores } from '../../src/inquiry/scores.js';
import { END, markingOf, PROBLEM, playDemo, REPORTS, START, type DemoWorld } from './demo-world.js';

let world: DemoWorld;
let app: App;
const tokens = {} as Record<'auditor' | 'lowAuditor' | 'viewer' | 'senior' | 'analyst', Record<string, string>>;

const WINDOW = `from=${new Date(START).toISOString()}&to=${new Date(END).toISOString()}`;

beforeAll(async () => {
  world = await playDemo();
  // The app runs the world's engine (stopped here, started again by the app): one engine per store.
  await world.engine.stop();
  ({ app } = await buildApp({ store: world.store, accounts: world.accounts, clock: world.clock.now, logger: false, warnings: world.engine }));
  const token = async (name: string, roles: Role[], clearance: 'UNCLASSIFIED' | 'SECRET' | 'TOP SECRET') =>
    ({ authorization: `Bearer ${(await world.accounts.createToken({ name, roles, clearance }, 'test')).secret}` });
  tokens.auditor = await token('auditor-token', ['auditor'], 'TOP SECRET');
  tokens.lowAuditor = await token('low-auditor-token', ['auditor'], 'UNCLASSIFIED');
  tokens.viewer = await token('viewer-token', ['viewer'], 'UNCLASSIFIED');
  tokens.senior = await token('senior-token', ['senior-analyst'], 'SECRET');
  tokens.analyst = await token('analyst-token', ['analyst'], 'SECRET');
}, 120_000);

afterAll(async () => {
  await app?.close();
  await world?.close();
});

const hidden = REPORTS.filter((r) => markingOf(r.source) !== 'UNCLASSIFIED');

describe('GET /api/v1/problems/{id}/inquiry', () => {
  it('gives an auditor cleared TOP SECRET everything, and records that marked reports were read', async () => {
    const head = (await world.store.log.head())!.seq;
    const response = await app.inject({ method: 'GET', url: `/api/v1/problems/${PROBLEM.id}/inquiry?${WINDOW}`, headers: tokens.auditor });
    expect(response.statusCode, response.body).toBe(200);
    const report = response.json() as InquiryReport;
    expect(report.withheld).toBe(0);
    expect(report.reader).toMatchObject({ kind: 'reader', name: 'auditor-token', clearance: 'TOP SECRET' });
    expect(report.reports.every((r) => r.withheld !== true)).toBe(true);
    expect(report.levelChanges).toHaveLength(5);
    expect(report.verification.ok).toBe(true);
    const reads: string[] = [];
    for await (const e of world.store.log.read({ from: head + 1 })) if (e.type === 'report.read') reads.push(...(e.data.reports as { report: string }[]).map((r) => r.report));
    expect(reads.sort()).toEqual(hidden.map((r) => r.id).sort());
  });

  it('never shows a reader cleared UNCLASSIFIED a report above it, says how many were withheld, and keeps the numbers', async () => {
    const full = (await app.inject({ method: 'GET', url: `/api/v1/problems/${PROBLEM.id}/inquiry?${WINDOW}`, headers: tokens.auditor })).json() as InquiryReport;
    for (const format of ['json', 'html']) {
      const response = await app.inject({ method: 'GET', url: `/api/v1/problems/${PROBLEM.id}/inquiry?${WINDOW}&format=${format}`, headers: tokens.lowAuditor });
      expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
      for (const r of hidden) {
        expect(response.body, `${format}: ${r.id}`).not.toContain(`"${r.id}"`);
        expect(response.body, `${format}: ${r.id}`).not.toContain(`>${r.id}<`);
        expect(response.body, `${format}: ${r.id}`).not.toMatch(new RegExp(`\\b${r.id}\\b`));
        if (r.text !== undefined) expect(response.body, `${format}: text of ${r.id}`).not.toContain(format === 'json' ? JSON.stringify(r.text).slice(1, -1) : r.text.replaceAll('"', '&quot;').replaceAll("'", '&#39;'));
      }
      if (format === 'json') {
        const report = response.json() as InquiryReport;
        const withheldRows = report.reports.filter((r) => r.withheld === true);
        expect(withheldRows).toHaveLength(hidden.length);
        expect(report.withheld).toBeGreaterThanOrEqual(hidden.length);
        // The same numbers for every reader: the warning flows, the source does not.
        expect(report.reports.map((r) => r.pAfter)).toEqual(full.reports.map((r) => r.pAfter));
        expect(report.levelChanges.map((c) => c.pDangerous)).toEqual(full.levelChanges.map((c) => c.pDangerous));
        expect(report.levelChanges.reduce((n, c) => n + c.withheld, 0)).toBeGreaterThan(0);
        const visible = report.reports.filter((r): r is ReportRow => r.withheld !== true);
        for (const row of visible) if (row.notCounted !== undefined) expect(hidden.map((h) => h.id)).not.toContain(row.notCounted.replace('superseded by ', ''));
      } else {
        expect(response.body).toContain('withheld (above your clearance)');
      }
    }
  });

  it('serves the HTML page under its own Content-Security-Policy: its style only, no script', async () => {
    const response = await app.inject({ method: 'GET', url: `/api/v1/problems/${PROBLEM.id}/inquiry?${WINDOW}&format=html`, headers: tokens.auditor });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['content-security-policy']).toBe(INQUIRY_CSP);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.body).not.toMatch(/<script/i);
    expect(response.body).toContain('Inquiry report: Is an attack across the Kessa line coming?');
  });

  it('is for auditors: a viewer is refused; a window that ends before it starts names the field', async () => {
    expect((await app.inject({ method: 'GET', url: `/api/v1/problems/${PROBLEM.id}/inquiry?${WINDOW}`, headers: tokens.viewer })).statusCode).toBe(403);
    const backwards = await app.inject({ method: 'GET', url: `/api/v1/problems/${PROBLEM.id}/inquiry?from=2026-03-10T00:00:00Z&to=2026-03-01T00:00:00Z`, headers: tokens.auditor });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json()).toMatchObject({ error: { code: 'REQUEST_INVALID', path: '/query/from' } });
    const unknown = await app.inject({ method: 'GET', url: `/api/v1/problems/nope/inquiry?${WINDOW}`, headers: tokens.auditor });
    expect(unknown.statusCode).toBe(404);
    const badFormat = await app.inject({ method: 'GET', url: `/api/v1/problems/${PROBLEM.id}/inquiry?${WINDOW}&format=pdf`, headers: tokens.auditor });
    expect(badFormat.json()).toMatchObject({ error: { code: 'REQUEST_INVALID', path: '/query/format' } });
  });
});

describe('outcomes, scores and the reliability diagram', () => {
  it('records an outcome for a senior analyst only, naming a bad field', async () => {
    const url = `/api/v1/problems/${PROBLEM.id}/outcome`;
    const analyst = await app.inject({ method: 'POST', url, headers: tokens.analyst, payload: { hypothesis: 'offensive', at: '2026-03-14T04:30:00Z' } });
    expect(analyst.statusCode).toBe(403);
    const unknown = await app.inject({ method: 'POST', url, headers: tokens.senior, payload: { hypothesis: 'invasion', at: '2026-03-14T04:30:00Z' } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ error: { code: 'REQUEST_INVALID', path: '/hypothesis' } });
    expect(unknown.json().error.message).toContain('routine, exercise, raid, offensive');
    const future = await app.inject({ method: 'POST', url, headers: tokens.senior, payload: { hypothesis: 'offensive', at: '2026-03-20T00:00:00Z' } });
    expect(future.json()).toMatchObject({ error: { code: 'REQUEST_INVALID', path: '/at' } });
    const badAt = await app.inject({ method: 'POST', url, headers: tokens.senior, payload: { hypothesis: 'offensive', at: 'yesterday' } });
    expect(badAt.json()).toMatchObject({ error: { code: 'REQUEST_INVALID', path: '/at' } });
    const extra = await app.inject({ method: 'POST', url, headers: tokens.senior, payload: { hypothesis: 'offensive', at: '2026-03-14T04:30:00Z', confidence: 1 } });
    expect(extra.statusCode).toBe(400);
    // A correction is a new event; the latest is in force (here: the same, restated with a note).
    const corrected = await app.inject({ method: 'POST', url, headers: tokens.senior, payload: { hypothesis: 'offensive', at: '2026-03-14T04:30:00Z', note: 'confirmed by the after-action review' } });
    expect(corrected.statusCode).toBe(201);
    expect(corrected.json()).toMatchObject({ problem: PROBLEM.id, hypothesis: 'offensive', at: '2026-03-14T04:30:00.000Z', note: 'confirmed by the after-action review' });
  });

  it('answers the scores as computed from the store, to every reader', async () => {
    const response = await app.inject({ method: 'GET', url: `/api/v1/problems/${PROBLEM.id}/scores?every=6h`, headers: tokens.viewer });
    expect(response.statusCode, response.body).toBe(200);
    const scores = response.json() as ProblemScores;
    const direct = await problemScores(world.store, PROBLEM.id, { every: 6 * 3_600_000 }, world.clock.now().getTime());
    expect(scores).toEqual(JSON.parse(JSON.stringify(direct)));
    expect(scores.window.every).toBe(6 * 3_600_000);
    expect(scores.outcome).toMatchObject({ hypothesis: 'offensive', dangerous: true });
    expect(scores.series[0]).toMatchObject({ at: scores.window.from });
    const tooMany = await app.inject({ method: 'GET', url: `/api/v1/problems/${PROBLEM.id}/scores?every=1m`, headers: tokens.viewer });
    expect(tooMany.json()).toMatchObject({ error: { code: 'REQUEST_INVALID', path: '/query/every' } });
    const notADuration = await app.inject({ method: 'GET', url: `/api/v1/problems/${PROBLEM.id}/scores?every=soon`, headers: tokens.viewer });
    expect(notADuration.json()).toMatchObject({ error: { code: 'REQUEST_INVALID', path: '/query/every' } });
  });

  it('draws the reliability diagram across resolved problems, as JSON with the SVG and as the image itself', async () => {
    const json = await app.inject({ method: 'GET', url: '/api/v1/scores/reliability?bins=5', headers: tokens.viewer });
    expect(json.statusCode).toBe(200);
    const body = json.json() as { bins: { count: number }[]; problems: { problem: string }[]; forecasts: number; svg: string };
    expect(body.bins).toHaveLength(5);
    expect(body.problems.map((p) => p.problem)).toEqual([PROBLEM.id]);
    expect(body.bins.reduce((n, b) => n + b.count, 0)).toBe(body.forecasts);
    const svg = await app.inject({ method: 'GET', url: '/api/v1/scores/reliability?format=svg', headers: tokens.viewer });
    expect(svg.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(svg.body).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* role="img"/);
    expect(svg.body).not.toMatch(/<script|style=|on[a-z]+=/i);
  });
});

describe('POST /api/v1/problems/{id}/counterfactual', () => {
  it('equals a fresh replay of the report file under the changed model, beside what happened', async () => {
    // Had the SIM-card activation been judged as likely in an exercise as in an attack...
    const likelihoods = { 'sim-activation': { exercise: 0.5 } };
    const response = await app.inject({ method: 'POST', url: `/api/v1/problems/${PROBLEM.id}/counterfactual`, headers: tokens.auditor, payload: { likelihoods } });
    expect(response.statusCode, response.body).toBe(200);
    const result = response.json() as CounterfactualResult & { withheld: number };
    const changed = { ...PROBLEM, indicators: PROBLEM.indicators.map((i) => (i.id === 'sim-activation' ? { ...i, likelihood: { ...i.likelihood, exercise: 0.5 } } : i)) };
    const fresh = replay(changed, REPORTS).changes;
    expect(result.counterfactual.changes).toEqual(fresh.map((c) => ({ at: c.at, from: c.from, to: c.to, pDangerous: c.pDangerous, leading: c.leading, evidence: c.evidence, collect: c.collect })));
    expect(result.actual.changes.map((c) => [c.at, c.to])).toEqual(replay(PROBLEM, REPORTS).changes.map((c) => [c.at, c.to]));
    expect(result.model.changes).toEqual(['P("sim-activation" | exercise): 0.1 → 0.5'].map((line) => line.replace('0.1', String(PROBLEM.indicators.find((i) => i.id === 'sim-activation')!.likelihood.exercise))));
    expect(result.withheld).toBe(0);
  });

  it('withholds from a reader the evidence it may not see', async () => {
    const response = await app.inject({ method: 'POST', url: `/api/v1/problems/${PROBLEM.id}/counterfactual`, headers: tokens.viewer, payload: { version: 1 } });
    expect(response.statusCode, response.body).toBe(200);
    const result = response.json() as CounterfactualResult & { withheld: number };
    expect(result.withheld).toBeGreaterThan(0);
    for (const r of hidden) expect(response.body).not.toMatch(new RegExp(`\\b${r.id}\\b`));
  });

  it('names the field at fault', async () => {
    const url = `/api/v1/problems/${PROBLEM.id}/counterfactual`;
    const none = await app.inject({ method: 'POST', url, headers: tokens.viewer, payload: {} });
    expect(none.json()).toMatchObject({ error: { code: 'REQUEST_INVALID', path: '/version' } });
    const noVersion = await app.inject({ method: 'POST', url, headers: tokens.viewer, payload: { version: 9 } });
    expect(noVersion.json()).toMatchObject({ error: { code: 'REQUEST_INVALID', path: '/version' } });
    const badIndicator = await app.inject({ method: 'POST', url, headers: tokens.viewer, payload: { likelihoods: { 'no-such': { raid: 0.5 } } } });
    expect(badIndicator.json()).toMatchObject({ error: { code: 'REQUEST_INVALID', path: '/likelihoods/no-such' } });
    const badHypothesis = await app.inject({ method: 'POST', url, headers: tokens.viewer, payload: { likelihoods: { 'sim-activation': { invasion: 0.5 } } } });
    expect(badHypothesis.json()).toMatchObject({ error: { code: 'REQUEST_INVALID', path: '/likelihoods/sim-activation/invasion' } });
    const certain = await app.inject({ method: 'POST', url, headers: tokens.viewer, payload: { likelihoods: { 'sim-activation': { raid: 1 } } } });
    expect(certain.json()).toMatchObject({ error: { code: 'REQUEST_INVALID', path: '/likelihoods/sim-activation/raid' } });
    const badModel = await app.inject({ method: 'POST', url, headers: tokens.viewer, payload: { model: { ...PROBLEM, hypotheses: PROBLEM.hypotheses.map((h) => ({ ...h, prior: 0.5 })) } } });
    expect(badModel.statusCode).toBe(400);
    expect(JSON.stringify(badModel.json())).toContain('/model');
  });
});
