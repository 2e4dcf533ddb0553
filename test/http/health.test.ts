/**
 * `GET /healthz` (README, Who may do what: it needs no principal): 200 `{status: "ok"}` while the
 * store answers. It tells an outsider nothing of the log (no head `seq` to watch events arrive
 * by); whoever may read the log anyway (auditor, admin) is also told its head.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SQLITE, startTestServer, type TestServer } from './server-fixture.js';

let s: TestServer;

beforeAll(async () => {
  s = await startTestServer(SQLITE);
});
afterAll(async () => {
  await s?.close();
});

const health = (headers: Record<string, string> = {}) =>
  s.app.inject({ method: 'GET', url: '/healthz', headers });

describe('GET /healthz', () => {
  it('answers an anonymous caller {status: "ok"} and nothing that changes as events arrive', async () => {
    const before = await health();
    expect(before.statusCode).toBe(200);
    expect(before.json()).toEqual({ status: 'ok' });
    await s.store.append([{ type: 'test.happened', stream: 'system', actor: 'test', data: {} }]);
    expect((await health()).body).toBe(before.body);
  });

  it('tells no seq to a principal who may not read the log', async () => {
    for (const caller of [s.tokens.viewer, s.users.analyst, s.tokens['decision-maker']])
      expect((await health(caller.headers)).json()).toEqual({ status: 'ok' });
  });

  it('tells the log head to an auditor or an admin, who may read the log anyway', async () => {
    for (const caller of [s.tokens.auditor, s.users.admin])
      expect((await health(caller.headers)).json()).toEqual({ status: 'ok', seq: await s.head() });
  });
});
