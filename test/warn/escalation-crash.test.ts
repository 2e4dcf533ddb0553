/**
 * kill -9 in the middle of an escalation: the real server, a webhook collector here. The first
 * step is delivered, the server is killed during the wait, restarted on the same data, and the
 * next step still arrives on schedule (its timer is a row, projected from the log).
 */
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startChildServer, type ChildServer } from '../http/ntk-child-server.js';

const WAIT_SECONDS = 3;
const TINY = parseYaml(readFileSync(new URL('../fixtures/tiny-problem.yaml', import.meta.url), 'utf8')) as Record<string, unknown>;

describe('kill -9 mid-escalation', () => {
  let dir: string;
  let collector: Server;
  let collectorUrl: string;
  const arrivals: { person: string; at: number }[] = [];
  let server: ChildServer | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-escalation-crash-'));
    collector = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        arrivals.push({ person: (request.url ?? '/').slice(1), at: Date.now() });
        response.writeHead(200).end();
      });
    });
    collector.listen(0, '127.0.0.1');
    await once(collector, 'listening');
    collectorUrl = `http://127.0.0.1:${(collector.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    server?.child.kill('SIGKILL');
    collector.closeAllConnections();
    collector.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function call(url: string, method: string, path: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; json: Record<string, unknown> }> {
    const response = await fetch(url + path, { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: response.status, json: (await response.json().catch(() => ({}))) as Record<string, unknown> };
  }

  it('resumes the escalation on schedule after the process is killed during a wait', async () => {
    server = await startChildServer(dir);
    const session = await fetch(`${server.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
    const cookie = session.headers.get('set-cookie')!.split(';')[0]!;
    const admin = { cookie, 'x-csrf-token': ((await session.json()) as { csrfToken: string }).csrfToken };
    const token = await call(server.url, 'POST', '/api/v1/tokens', { name: 'analyst', roles: ['analyst', 'senior-analyst'] }, admin);
    const bearer = { authorization: `Bearer ${String(token.json.secret)}` };
    expect((await call(server.url, 'POST', '/api/v1/problems', TINY, bearer)).status).toBe(201);
    const organisation = {
      people: ['first', 'second'].map((id) => ({ id, name: id, webhook: `${collectorUrl}/${id}` })),
      roles: [
        { id: 'duty', title: 'Duty', holder: 'first', deputies: [] },
        { id: 'head', title: 'Head', holder: 'second', deputies: [] },
      ],
      policies: [{ problem: 'tiny', control: 'head', levels: { warning: [{ notify: ['role:duty'] }, { wait: WAIT_SECONDS }, { notify: ['role:head'] }] } }],
    };
    expect((await call(server.url, 'PUT', '/api/v1/organisation', organisation, admin)).status).toBe(200);

    const at = new Date(Date.now() - 60_000).toISOString();
    const reports = ['scouts', 'trucks', 'scouts', 'trucks'].map((indicator, k) => ({ id: `r${k}`, indicator, observed: 'present', at, source: `s${k}`, reliability: 'A', credibility: '1' }));
    const raised = Date.now();
    expect((await call(server.url, 'POST', '/api/v1/problems/tiny/reports', { reports }, bearer)).status).toBe(201);
    for (let k = 0; k < 100 && !arrivals.some((a) => a.person === 'first'); k++) await new Promise((r) => setTimeout(r, 50));
    expect(arrivals.map((a) => a.person)).toEqual(['first']);

    // Killed during the wait; nothing of the second step has happened yet.
    server.child.kill('SIGKILL');
    await server.exited;
    server = await startChildServer(dir);
    for (let k = 0; k < 200 && !arrivals.some((a) => a.person === 'second'); k++) await new Promise((r) => setTimeout(r, 50));
    const second = arrivals.find((a) => a.person === 'second');
    expect(second, 'the second step after the restart').toBeDefined();
    // On schedule: not before the wait, and within a few ticks of it (restart included).
    expect(second!.at - raised).toBeGreaterThanOrEqual(WAIT_SECONDS * 1000);
    expect(arrivals.filter((a) => a.person === 'first')).toHaveLength(1);
  }, 60_000);
});
