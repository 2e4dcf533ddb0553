/**
 * The coverage route judges who is reachable by the channels this server's warning engine has,
 * as the engine's own daily check and its escalation do: a person reached only by email has
 * nobody to reach them on a server without an SMTP server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './server-fixture.js';

const ORGANISATION = {
  people: [
    { id: 'mail-only', name: 'Mona Mailonly', email: 'mona@example.org' },
    { id: 'signed-in', name: 'Ines Inbox', user: 'user-viewer' },
  ],
  roles: [
    { id: 'by-email', title: 'Reached by email', holder: 'mail-only', deputies: [] },
    { id: 'by-inbox', title: 'Reached in the app', holder: 'signed-in', deputies: [] },
  ],
  absences: [],
  policies: [],
};

describe('GET /api/v1/organisation/coverage', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function gapsOn(started: TestServer): Promise<string[]> {
    server = started;
    const put = await started.app.inject({ method: 'PUT', url: '/api/v1/organisation', headers: started.tokens.admin.headers, payload: ORGANISATION });
    expect(put.statusCode, put.body).toBe(200);
    const answer = await started.app.inject({ method: 'GET', url: '/api/v1/organisation/coverage?days=1', headers: started.tokens.admin.headers });
    expect(answer.statusCode, answer.body).toBe(200);
    return (answer.json() as { gaps: { role: string }[] }).gaps.map((g) => g.role);
  }

  it('names a role whose people only email reaches, on a server without email', async () => {
    // The test server's engine has no senders: the in-app inbox alone.
    const started = await startTestServer();
    expect([...started.context.warnings.availableChannels]).toEqual(['in-app']);
    expect(await gapsOn(started)).toEqual(['by-email']);
  });
});
