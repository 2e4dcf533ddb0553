/** /metrics counts what the issue names: ingest, assessment latency, warnings. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, tinyReport, type TestServer } from './server-fixture.js';

describe('/metrics', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => {
    await s.close();
  });

  it('counts reports ingested, assessment latency and warning events', async () => {
    const reports = ['scouts', 'trucks', 'scouts', 'trucks'].map((indicator, k) => tinyReport(`m${k}`, s, { indicator, reliability: 'A', credibility: '1' }));
    const posted = await s.app.inject({ method: 'POST', url: '/api/v1/problems/tiny/reports', headers: s.tokens.analyst.headers, payload: { reports } });
    expect(posted.statusCode, posted.body).toBe(201);
    await s.context.warnings.idle();
    expect((await s.app.inject({ method: 'GET', url: '/api/v1/problems/tiny/assessment', headers: s.tokens.viewer.headers })).statusCode).toBe(200);
    const text = (await s.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toMatch(/^vigil_reports_ingested_total\{problem="tiny"\} 4$/m);
    expect(text).toMatch(/^vigil_warning_events_total\{type="opened"\} 1$/m);
    expect(text).toMatch(/^vigil_assessment_seconds_count [1-9]\d*$/m);
    expect(text).toMatch(/^vigil_http_requests_total\{route="\/api\/v1\/problems\/:id\/reports",method="POST",status="201"\} 1$/m);
  });
});
