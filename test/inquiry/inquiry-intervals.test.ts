/**
 * The key intervals and the acknowledgments they rest on: an acknowledgment of the all-clear is
 * not the warning's; one refused as stale is no acknowledgment; a window that opens on a warning
 * already out measures from it; no interval is negative.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WARNING_ACKNOWLEDGED, WARNING_OPENED, WARNING_UPDATED } from '../../src/app/warning-events.js';
import { buildInquiry } from '../../src/inquiry/inquiry.js';
import type { InquiryReport } from '../../src/inquiry/inquiry-types.js';
import { warningHistory } from '../../src/inquiry/warning-record.js';
import type { StoredEvent } from '../../src/log/event.js';
import { startTestServer, type TestServer } from '../http/server-fixture.js';
import { lower, raise } from '../http/warnings-fixture.js';
import { END, PROBLEM, playDemo, WARNING_ACKNOWLEDGED as DEMO_ACKNOWLEDGED, type DemoWorld } from './demo-world.js';

const judgment = { level: 'warning', pDangerous: 0.6, leading: 'strike' };
function event(seq: number, minute: number, type: string, data: Record<string, unknown>): StoredEvent {
  return { seq, id: `e${seq}`, at: new Date(Date.UTC(2023, 9, 7, 0, minute)).toISOString(), type, stream: 'tiny', actor: 'system', data, prev: '', hash: `h${seq}` } as unknown as StoredEvent;
}

describe('an acknowledgment refused as stale', () => {
  it('is left out of the record, as the warning projection leaves it out', () => {
    const record = warningHistory([
      event(1, 0, WARNING_OPENED, { warning: 'w', version: 1, reason: 'opened', judgment }),
      event(2, 5, WARNING_UPDATED, { warning: 'w', version: 2, reason: 'material-change', judgment }),
      event(3, 6, WARNING_ACKNOWLEDGED, { warning: 'w', version: 1, user: 'u', via: 'api', judgment: { level: 'warning', pDangerous: 0.6, at: '' } }),
      event(4, 7, WARNING_ACKNOWLEDGED, { warning: 'w', version: 2, user: 'u', via: 'api', judgment: { level: 'warning', pDangerous: 0.6, at: '' } }),
    ]);
    expect(record.acknowledgments.map((a) => [a.seq, a.version, a.afterVersionMs])).toEqual([[4, 2, 120_000]]);
    expect(record.warnings[0]!.versions.map((v) => v.acknowledgments.length)).toEqual([0, 1]);
  });
});

const ORG = {
  people: [
    { id: 'watch-1', name: 'Watch', user: 'user-analyst', email: 'w@example.org' },
    { id: 'duty-1', name: 'Duty', user: 'user-duty-officer', email: 'd@example.org' },
  ],
  roles: [
    { id: 'watch', title: 'Watch officer', holder: 'watch-1', deputies: [] },
    { id: 'duty', title: 'Duty officer', holder: 'duty-1', deputies: [] },
  ],
  absences: [],
  policies: [{ problem: 'tiny', control: 'duty', levels: { warning: [{ notify: ['role:watch'] }, { wait: 600 }, { notify: ['role:duty'] }] } }],
};

describe('an acknowledgment of the all-clear only', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    expect((await server.app.inject({ method: 'PUT', url: '/api/v1/organisation', headers: server.tokens.admin.headers, payload: ORG })).statusCode).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  it('is not the first acknowledgment of the warning, nor its first decision', async () => {
    const t = server.clock.now().getTime();
    await raise(server);
    const list = (await server.app.inject({ method: 'GET', url: '/api/v1/warnings', headers: server.tokens.viewer.headers })).json() as { warnings?: { id: string }[] } | { id: string }[];
    const id = (Array.isArray(list) ? list : (list.warnings ?? []))[0]!.id;
    server.clock.set(t + 3 * 3_600_000);
    await lower(server);
    await server.context.warnings.idle();
    server.clock.set(t + 5 * 3_600_000);
    const ack = await server.app.inject({ method: 'POST', url: `/api/v1/warnings/${id}/acknowledge`, headers: server.users['duty-officer'].headers, payload: { note: 'noted, stand down' } });
    expect(ack.statusCode, ack.body).toBeLessThan(300);
    const r = (await server.app.inject({ method: 'GET', url: '/api/v1/problems/tiny/inquiry', headers: server.tokens.auditor.headers })).json() as InquiryReport;
    const closing = r.warnings.find((w) => w.id === id)!.versions.find((v) => v.closing)!;
    expect(closing.acknowledgments.map((a) => a.note)).toEqual(['noted, stand down']);
    expect(r.intervals.firstWarning).not.toBeNull();
    expect(r.intervals.firstAcknowledgment).toBeNull();
    expect(r.intervals.firstDecision).toBeNull();
  });

  it('leaves GET /scores answering 200 when the outcome precedes the first report', async () => {
    const outcome = await server.app.inject({ method: 'POST', url: '/api/v1/problems/tiny/outcome', headers: server.tokens.admin.headers, payload: { hypothesis: 'strike', at: '2000-01-01T00:00:00Z' } });
    expect(outcome.statusCode, outcome.body).toBeLessThan(300);
    const scores = await server.app.inject({ method: 'GET', url: '/api/v1/problems/tiny/scores', headers: server.tokens.admin.headers });
    expect(scores.statusCode, scores.body).toBe(200);
    expect((scores.json() as { window: { from: string; to: string } }).window).toMatchObject({ from: '2000-01-01T00:00:00.000Z', to: '2000-01-01T00:00:00.000Z' });
  });
});

describe('a window that opens while a warning is out (the demo from 21:35)', () => {
  let world: DemoWorld;
  let report: InquiryReport;
  beforeAll(async () => {
    world = await playDemo();
    report = await buildInquiry(world.store, PROBLEM.id, { from: Date.parse('2026-03-13T21:35:00Z'), to: END, now: END });
  }, 120_000);
  afterAll(async () => {
    await world?.close();
  });

  it('measures from the warning already out, says so, and never gives a negative interval', () => {
    const i = report.intervals;
    expect(i.firstWarning!.beforeWindow).toBe(true);
    expect(Date.parse(i.firstWarning!.at)).toBeLessThan(Date.parse('2026-03-13T21:35:00Z'));
    expect(i.firstWarning!.what).toContain('issued before the window');
    expect(i.firstAcknowledgment!.at).toBe(new Date(DEMO_ACKNOWLEDGED).toISOString());
    const step = i.steps.find((s) => s.from === 'first warning' && s.to === 'first acknowledgment')!;
    expect(step.ms).toBe(DEMO_ACKNOWLEDGED - Date.parse(i.firstWarning!.at));
    for (const s of i.steps) if (s.ms !== null) expect(s.ms, `${s.from} → ${s.to}`).toBeGreaterThanOrEqual(0);
  });
});
