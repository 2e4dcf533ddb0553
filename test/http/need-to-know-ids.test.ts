/**
 * Need-to-know whatever characters a report id holds: a hidden id with a line break or a space
 * is withheld from "superseded by" reasons and from the inquiry's milestones like any other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, tinyReport, type Caller, type TestServer } from './server-fixture.js';

describe('hidden report ids with line breaks and spaces', () => {
  let s: TestServer;
  let secret: Caller;
  let analyst: Caller;
  let viewer: Caller;
  let auditor: Caller;
  const post = async (caller: Caller, payload: unknown) => {
    const r = await s.app.inject({ method: 'POST', url: '/api/v1/problems/tiny/reports', headers: caller.headers, payload: payload as object });
    expect(r.statusCode, r.body).toBe(201);
  };
  const tick = () => s.clock.set(s.clock.now().getTime() + 60_000);

  beforeAll(async () => {
    s = await startTestServer();
    secret = await s.tokenWith('ts-analyst', ['analyst'], 'TOP SECRET');
    analyst = await s.tokenWith('u-analyst', ['analyst'], 'UNCLASSIFIED');
    viewer = await s.tokenWith('u-viewer', ['viewer'], 'UNCLASSIFIED');
    auditor = await s.tokenWith('u-auditor', ['auditor'], 'UNCLASSIFIED');
  });
  afterAll(async () => s.close());

  it('an assessment says "superseded by a withheld report" for a hidden id with a line break', async () => {
    tick();
    await post(analyst, tinyReport('open-1', s, { source: 'shared' }));
    tick();
    await post(secret, tinyReport('SIGINT\n2023-117', s, { source: 'shared', classification: 'TOP SECRET' }));
    const seen = (await s.app.inject({ method: 'GET', url: '/api/v1/problems/tiny/assessment', headers: viewer.headers })).json() as {
      ignored: { report: string; why: string }[];
    };
    expect(seen.ignored).toContainEqual({ report: 'open-1', why: 'superseded by a withheld report' });
    expect(JSON.stringify(seen)).not.toContain('SIGINT');
    // The reader cleared for it sees the id.
    const cleared = (await s.app.inject({ method: 'GET', url: '/api/v1/problems/tiny/assessment', headers: secret.headers })).json() as typeof seen;
    expect(cleared.ignored).toContainEqual({ report: 'open-1', why: 'superseded by SIGINT\n2023-117' });
  });

  it('the inquiry withholds a hidden id with a line break from "not counted" reasons', async () => {
    tick();
    await post(secret, tinyReport('SIGINT\n2023-200', s, { indicator: 'trucks', source: 'shared2', classification: 'TOP SECRET' }));
    tick();
    const earlier = new Date(s.clock.now().getTime() - 30 * 60_000).toISOString();
    await post(analyst, tinyReport('open-late', s, { indicator: 'trucks', source: 'shared2', at: earlier }));
    const r = await s.app.inject({ method: 'GET', url: '/api/v1/problems/tiny/inquiry', headers: auditor.headers });
    expect(r.statusCode, r.body).toBe(200);
    const row = (r.json().reports as { id?: string; notCounted?: string }[]).find((x) => x.id === 'open-late');
    expect(row?.notCounted).toBe('superseded by a withheld report');
    expect(r.body).not.toContain('SIGINT');
  });

  it("the inquiry's first-indicator milestone withholds a hidden report whose id holds a space", async () => {
    tick();
    const from = s.clock.now().toISOString();
    tick();
    await post(secret, tinyReport('HUMINT 7', s, { indicator: 'trucks', source: 'agent KESTREL', classification: 'TOP SECRET', compartments: ['ORCHID'] }));
    tick();
    for (const format of ['json', 'html']) {
      const r = await s.app.inject({ method: 'GET', url: `/api/v1/problems/tiny/inquiry?from=${from}&format=${format}`, headers: auditor.headers });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.body).not.toContain('HUMINT');
      expect(r.body).not.toContain('KESTREL');
      if (format === 'json') expect(r.json().intervals.firstIndicator.what).toBe('a withheld report');
    }
    // Cleared for it, the auditor's counterpart sees the report named.
    const cleared = await s.tokenWith('ts-auditor', ['auditor'], 'TOP SECRET', ['ORCHID']);
    const r = await s.app.inject({ method: 'GET', url: `/api/v1/problems/tiny/inquiry?from=${from}`, headers: cleared.headers });
    expect(r.json().intervals.firstIndicator.what).toContain('HUMINT 7');
  });
});
