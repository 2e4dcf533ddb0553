/**
 * Demo mode: the demo problem, one user per role, and the reports replayed in accelerated
 * time with the levels changing on the way, as in the original weeks.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../src/app/access.js';
import { runDemo, scaledProblem } from '../../src/cli/demo.js';
import { replay } from '../../src/core/replay.js';
import type { Problem } from '../../src/core/model.js';
import { startServer, type RunningServer } from '../../src/http/server.js';

const example = parseYaml(readFileSync(new URL('../../examples/southern-front/problem.yaml', import.meta.url), 'utf8')) as Problem;

describe('demo mode', () => {
  let dir: string;
  let server: RunningServer;
  let printed = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-demo-test-'));
    server = await startServer({ host: '127.0.0.1', port: 0, data: dir, logLevel: 'silent', requestsPerMinute: 1200, signInPerMinute: 100, trustProxy: false }, { adminPassword: 'demo-test-admin-password' });
    await runDemo(server, { seconds: 4, print: (text) => (printed += text) });
  }, 60_000);
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates one user per role but admin, and prints passwords that sign in', async () => {
    const users = await server.accounts.listUsers();
    const roles = new Set(users.flatMap((u) => u.roles));
    for (const role of ROLES) expect(roles.has(role), role).toBe(true);
    const line = printed.split('\n').find((l) => l.trim().startsWith('viewer'))!;
    const password = line.trim().split(/\s+/)[1]!;
    const response = await fetch(`${server.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'viewer', password }),
    });
    expect(response.status).toBe(200);
  });

  it('replays every report live, and the levels change on the way as in the original weeks', async () => {
    const id = `${example.id}-demo`;
    const assessment = await server.store.assess(id, Date.now(), { ignored: 'count' });
    expect(assessment.counted.length + assessment.ignoredCount).toBe(83);
    // The live level timeline (one row per change) has the original's changes, in order.
    const rows = await server.store.db.all<{ level: number }>('SELECT level FROM proj_levels WHERE problem = ? ORDER BY instant_ms', [id]);
    const levels = example.warning.levels.map((l) => l.id);
    const live = rows.map((r) => levels[Number(r.level)]);
    expect(live.length).toBeGreaterThan(1);
    expect(live).toContain('alert');
    // Time scaled exactly: the half-lives shrink by the same factor as the report spacing.
    const scaled = scaledProblem(example, 1000);
    expect(scaled.indicators.find((i) => i.halfLifeHours !== undefined)!.halfLifeHours).toBeCloseTo(example.indicators.find((i) => i.halfLifeHours !== undefined)!.halfLifeHours! / 1000);
    expect(replay(example, []).finalLevel).toBe(levels[0]);
  });

  it('loads the example organisation, so the demo raises warnings that reach the demo users', async () => {
    await server.context.warnings.idle();
    const opened = await server.store.db.all<{ id: string }>("SELECT id FROM warn_warnings WHERE problem = 'southern-front-demo'");
    expect(opened.length).toBeGreaterThan(0);
    const told = await server.store.db.all<{ person: string }>('SELECT DISTINCT person FROM warn_notifications');
    expect(told.map((t) => t.person)).toContain('duty-1');
  });

  it('marks the signals reports SECRET, so the viewer sees them withheld', async () => {
    const rows = await server.store.db.all<{ n: number }>("SELECT count(*) AS n FROM proj_reports WHERE classification = 'SECRET'");
    expect(Number(rows[0]!.n)).toBe(12);
  });
});

describe('demo mode stopped by shutdown', () => {
  it('sends no report after its signal fires, and ends without an error', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-demo-stop-'));
    const server = await startServer({ host: '127.0.0.1', port: 0, data: dir, logLevel: 'silent', requestsPerMinute: 1200, signInPerMinute: 100, trustProxy: false }, { adminPassword: 'demo-test-admin-password' });
    try {
      const shutdown = new AbortController();
      let printed = '';
      // A replay of 30 s, stopped once it has begun.
      const demo = runDemo(server, { seconds: 30, print: (text) => (printed += text), signal: shutdown.signal });
      while (!printed.includes('Demo: replaying')) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 1_000));
      shutdown.abort();
      await expect(demo).resolves.toBeUndefined();
      const id = `${example.id}-demo`;
      const sent = (await server.store.assess(id, Date.now(), { ignored: 'count' })).counted.length;
      await new Promise((r) => setTimeout(r, 1_500));
      const assessment = await server.store.assess(id, Date.now(), { ignored: 'count' });
      expect(assessment.counted.length + assessment.ignoredCount).toBeLessThan(83);
      expect(assessment.counted.length).toBe(sent);
      expect(printed).not.toContain('all reports in');
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
