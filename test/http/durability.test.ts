/**
 * Durability of the running server (api.md: "201 only after the events are durable: a server
 * killed right after the answer still has them when it restarts"), with the real server as a
 * child process: kill -9 the moment a 201 arrives, restart on the same data directory, and
 * every acknowledged report is there, every batch whole or absent, and `vigil verify` passes.
 * A SIGTERM lets the request in flight finish, ends the event streams and exits 0.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEventLog } from '../../src/app/store.js';
import { verifyLog } from '../../src/log/verify.js';
import { SseClient } from './ntk-sse-client.js';
import {
  call,
  requireBuild,
  runVigil,
  signInAdmin,
  startChildServer,
  type ChildServer,
} from './ntk-child-server.js';
import { TINY_PROBLEM } from './server-fixture.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A live report of the tiny problem observed a minute ago (real clock: the child's). */
function report(id: string): Record<string, unknown> {
  return {
    id,
    indicator: 'scouts',
    observed: 'present',
    at: new Date(Date.now() - 60_000).toISOString(),
    source: `src-${id}`,
    reliability: 'B',
    credibility: '2',
    text: `text of ${id}`,
  };
}

/** Defines the tiny problem and creates an analyst token, as the admin, through the API. */
async function prepare(server: ChildServer): Promise<Record<string, string>> {
  const admin = await signInAdmin(server.url);
  const problem = await call(`${server.url}/api/v1/problems`, {
    method: 'POST',
    headers: admin,
    body: TINY_PROBLEM,
  });
  expect(problem.status, problem.body).toBe(201);
  const token = await call(`${server.url}/api/v1/tokens`, {
    method: 'POST',
    headers: admin,
    body: { name: 'durability-analyst', roles: ['analyst'], clearance: 'SECRET' },
  });
  expect(token.status, token.body).toBe(201);
  return { authorization: `Bearer ${(JSON.parse(token.body) as { secret: string }).secret}` };
}

/** Every report id of the tiny problem, through the API, page by page. */
async function storedIds(server: ChildServer, analyst: Record<string, string>): Promise<string[]> {
  const ids: string[] = [];
  let after = 0;
  for (;;) {
    const page = await call(`${server.url}/api/v1/problems/tiny/reports?limit=1000&after=${after}`, {
      headers: analyst,
    });
    expect(page.status, page.body).toBe(200);
    const json = JSON.parse(page.body) as {
      reports: { id: string }[];
      withheld: number;
      next: number | null;
    };
    expect(json.withheld).toBe(0);
    ids.push(...json.reports.map((r) => r.id));
    if (json.next === null) return ids;
    after = json.next;
  }
}

/** `vigil verify --data DIR` exits 0. */
async function expectVerified(dataDir: string): Promise<void> {
  const verify = await runVigil(['verify', '--data', dataDir]);
  expect(verify.code, `vigil verify: ${verify.stdout}${verify.stderr}`).toBe(0);
}

/** The same check in this process (a CLI start costs a second or more; this, milliseconds). */
async function expectChainWhole(dataDir: string): Promise<void> {
  const { log } = await openEventLog({ dataDir });
  try {
    expect(await verifyLog(log)).toMatchObject({ ok: true });
  } finally {
    await log.close();
  }
}

describe('durability of the running server', () => {
  const dirs: string[] = [];
  const servers: ChildServer[] = [];
  const freshDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-durability-'));
    dirs.push(dir);
    return dir;
  };
  const start = async (dir: string) => {
    const server = await startChildServer(dir);
    servers.push(server);
    return server;
  };

  beforeAll(() => requireBuild());
  afterAll(async () => {
    for (const server of servers)
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    await Promise.all(servers.map((s) => s.exited));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('kill -9 the moment a 201 arrives: every acknowledged report is there after a restart, batches whole or absent, the log verifies', async () => {
    const dir = freshDir();
    let server = await start(dir);
    const analyst = await prepare(server);
    const acknowledged = new Set<string>();
    /** Every batch sent, acknowledged or not: after a crash it is there whole or not at all. */
    const batches: string[][] = [];

    for (const [round, killAfter] of [1, 3, 8].entries()) {
      if (round > 0) server = await start(dir);
      let acks = 0;
      let killed = false;
      const acknowledge = (ids: readonly string[]) => (status: number) => {
        if (status !== 201 || killed) return;
        for (const id of ids) acknowledged.add(id);
        if (++acks >= killAfter) {
          killed = true;
          server.child.kill('SIGKILL');
        }
      };
      // Two writers at once, so an append is often in flight when the 201 of the other arrives.
      const singles = async () => {
        for (let n = 0; !killed; n++) {
          const id = `r${round}-single-${n}`;
          const answer = await call(`${server.url}/api/v1/problems/tiny/reports`, {
            method: 'POST',
            headers: analyst,
            body: report(id),
            onStatus: acknowledge([id]),
          }).catch(() => undefined);
          if (answer === undefined) return;
          if (!killed) expect(answer.status, answer.body).toBe(201);
        }
      };
      const batched = async () => {
        for (let n = 0; !killed; n++) {
          const ids = Array.from({ length: 100 }, (_, k) => `r${round}-batch-${n}-${k}`);
          batches.push(ids);
          const answer = await call(`${server.url}/api/v1/problems/tiny/reports`, {
            method: 'POST',
            headers: analyst,
            body: { reports: ids.map(report) },
            onStatus: acknowledge(ids),
          }).catch(() => undefined);
          if (answer === undefined) return;
        }
      };
      await Promise.all([singles(), batched()]);
      expect(await server.exited).toBe('SIGKILL');
      // The log on disk, as the crash left it, is whole.
      await expectChainWhole(dir);
    }
    await expectVerified(dir);

    server = await start(dir);
    const ids = await storedIds(server, analyst);
    expect(new Set(ids).size, 'no report recorded twice').toBe(ids.length);
    const present = new Set(ids);
    const lost = [...acknowledged].filter((id) => !present.has(id));
    expect(lost, 'reports acknowledged with 201 and lost').toEqual([]);
    for (const batch of batches) {
      const there = batch.filter((id) => present.has(id)).length;
      expect([0, batch.length], `batch ${batch[0]}: ${there} of ${batch.length} reports`).toContain(there);
    }
    expect(acknowledged.size).toBeGreaterThan(0);
    // The restarted server goes on writing where the log left off.
    const more = await call(`${server.url}/api/v1/problems/tiny/reports`, {
      method: 'POST',
      headers: analyst,
      body: report('after-restart'),
    });
    expect(more.status, more.body).toBe(201);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    await expectVerified(dir);
  });

  it('SIGTERM: the request in flight completes, streams end, new connections are refused, exit 0', async () => {
    const dir = freshDir();
    const server = await start(dir);
    const analyst = await prepare(server);
    const stream = await SseClient.open(server.url, analyst);
    expect(stream.status).toBe(200);
    await stream.next((f) => f.event === 'hello');

    // A request whose body is half sent when the signal comes.
    const body = JSON.stringify({ reports: Array.from({ length: 50 }, (_, k) => report(`in-flight-${k}`)) });
    const half = Math.floor(body.length / 2);
    // A keep-alive client (node's default, and browsers'): its connection must not keep the
    // server from exiting once the answer is sent.
    const agent = new Agent({ keepAlive: true });
    const answer = new Promise<{ status: number; body: string; connection: string | undefined }>(
      (resolve, reject) => {
        const req = request(
          `${server.url}/api/v1/problems/tiny/reports`,
          {
            method: 'POST',
            agent,
            headers: {
              ...analyst,
              'content-type': 'application/json',
              'content-length': String(Buffer.byteLength(body)),
            },
          },
          (response) => {
            let text = '';
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => (text += chunk));
            response.on('end', () =>
              resolve({
                status: response.statusCode ?? 0,
                body: text,
                connection: response.headers.connection,
              }),
            );
          },
        );
        req.on('error', reject);
        req.write(body.slice(0, half));
        setTimeout(() => {
          server.child.kill('SIGTERM');
          setTimeout(async () => {
            // Stopped accepting: a new connection is refused while the request in flight goes on.
            const refused = await call(`${server.url}/healthz`).then(
              (a) => `answered ${a.status}`,
              (error: NodeJS.ErrnoException) => error.code,
            );
            expect(refused).toBe('ECONNREFUSED');
            req.end(body.slice(half));
          }, 300);
        }, 300);
      },
    );
    const done = await answer;
    expect(done.status, done.body).toBe(201);
    expect(JSON.parse(done.body)).toMatchObject({ accepted: 50 });
    expect(done.connection).toBe('close');
    const exitedWithin = await Promise.race([
      server.exited,
      sleep(5_000).then(() => 'still running 5 s after the answer'),
    ]);
    agent.destroy();
    expect(exitedWithin).toBe(0);
    expect(server.stdout()).toContain('SIGTERM');
    await stream.body();
    expect(stream.ended).toBe(true);

    // What the answer acknowledged is in the log the server closed (read here, without a restart).
    const { log } = await openEventLog({ dataDir: dir });
    try {
      const received: string[] = [];
      for await (const e of log.read({}))
        if (e.type === 'report.received') received.push((e.data.report as { id: string }).id);
      expect(received.filter((id) => id.startsWith('in-flight-'))).toHaveLength(50);
      expect(await verifyLog(log)).toMatchObject({ ok: true });
    } finally {
      await log.close();
    }
  });
});
