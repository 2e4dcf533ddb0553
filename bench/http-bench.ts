/**
 * The server under load from a second process on loopback: the Vigil server runs as a child
 * process (`vigil serve` on a fresh SQLite store), this process drives it with autocannon.
 * The ceiling is a bare Fastify route answering the same request in another child, in the same
 * run. Figures: single-report POSTs per second with p50/p99 latency, batch ingest rate, and the
 * server's resident memory after 1,000,000 reports.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { SERVER_NODE_ARGS, type BenchResult } from './measure.js';

const ROOT = new URL('../../', import.meta.url);
const PROBLEM = readFileSync(new URL('test/fixtures/tiny-problem.yaml', ROOT), 'utf8');
const ADMIN_PASSWORD = 'bench-admin-password-1';
const SECONDS = Number(process.env.VIGIL_BENCH_SECONDS ?? 10);
const CONNECTIONS = 16;

interface Child {
  readonly process: ChildProcess;
  readonly url: string;
}

/** Starts `node args...` and waits for its "listening on http://..." line. */
async function startChild(args: string[], env: NodeJS.ProcessEnv): Promise<Child> {
  const child = spawn(process.execPath, [...SERVER_NODE_ARGS, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /listening on (http:\/\/[^\s)]+)/.exec(seen);
      if (match) resolve(match[1]!);
    });
    child.on('exit', (code) => reject(new Error(`child exited with ${code}: ${seen}`)));
  });
  return { process: child, url };
}

async function stop(child: Child): Promise<void> {
  const exited = new Promise((resolve) => child.process.on('exit', resolve));
  child.process.kill('SIGTERM');
  await exited;
}

/** CPU time a process has used so far, user and system, threads included, in ms (Linux /proc). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of stat, in clock ticks of 10 ms (USER_HZ = 100).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Resident memory of a process, in MB (Linux /proc). */
function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

async function json(url: string, init: RequestInit): Promise<Record<string, unknown>> {
  const response = await fetch(url, init);
  const body = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** Signs in as admin; creates the tiny problem and an analyst token; returns its secret. */
async function prepare(url: string): Promise<string> {
  const session = await fetch(`${url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  const cookie = session.headers.get('set-cookie')!.split(';')[0]!;
  const { csrfToken } = (await session.json()) as { csrfToken: string };
  const headers = { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken };
  const token = await json(`${url}/api/v1/tokens`, { method: 'POST', headers, body: JSON.stringify({ name: 'bench', roles: ['analyst', 'senior-analyst'] }) });
  const secret = token.secret as string;
  const { parse } = await import('yaml');
  await json(`${url}/api/v1/problems`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
    body: JSON.stringify(parse(PROBLEM)),
  });
  return secret;
}

/**
 * Sources the reports come from. A real watch floor hears from hundreds or thousands of sources
 * (sensors, observation posts, analysts), each source's latest word on an indicator counting;
 * the counted set, and the memory and snapshots it takes, grow with sources, not with reports.
 */
const SOURCES = Number(process.env.VIGIL_BENCH_SOURCES ?? 1_000);

function reportBody(id: string, k: number, at: string): Record<string, unknown> {
  return { id, indicator: k % 2 === 0 ? 'scouts' : 'trucks', observed: k % 3 === 0 ? 'absent' : 'present', at, source: `s-${k % SOURCES}`, reliability: 'B', credibility: '2' };
}

/** autocannon against `url`: single reports with unique ids. */
async function hammer(url: string, secret: string): Promise<autocannon.Result> {
  const at = new Date(Date.now() - 3_600_000).toISOString();
  let sent = 0;
  return autocannon({
    url: `${url}/api/v1/problems/tiny/reports`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
    requests: [
      {
        // Each request a new report from one of the pool's sources.
        setupRequest: (request) => {
          const k = sent++;
          return { ...request, body: JSON.stringify(reportBody(`single-${k}-${Date.now()}`, k, at)) };
        },
      },
    ],
  });
}

function loadResults(label: string, result: autocannon.Result): BenchResult[] {
  const failed = result.errors + result.non2xx;
  return [
    { name: `${label}: requests per second`, value: result.requests.average, unit: 'req/s' },
    { name: `${label}: latency p50`, value: result.latency.p50, unit: 'ms' },
    { name: `${label}: latency p99`, value: result.latency.p99, unit: 'ms' },
    { name: `${label}: failed requests`, value: failed, unit: 'requests' },
  ];
}

export async function runHttpBench(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const bare = await startChild([new URL('dist/bench/bare-server.js', ROOT).pathname], {});
  try {
    const ceiling = await hammer(bare.url, 'none');
    results.push(...loadResults('bare Fastify route (ceiling)', ceiling));
  } finally {
    await stop(bare);
  }

  const dir = mkdtempSync(join(tmpdir(), 'vigil-http-bench-'));
  const server = await startChild([new URL('bin/vigil.js', ROOT).pathname, 'serve', '--data', dir, '--port', '0'], {
    VIGIL_ADMIN_PASSWORD: ADMIN_PASSWORD,
    VIGIL_LOG_LEVEL: 'warn',
  });
  try {
    const secret = await prepare(server.url);
    const cpuBefore = cpuMs(server.process.pid!);
    const single = await hammer(server.url, secret);
    const cpuPerRequest = (cpuMs(server.process.pid!) - cpuBefore) / single.requests.total;
    const vigil = loadResults('Vigil single-report POST', single);
    results.push(...vigil);
    results.push({ name: 'Vigil single-report POST: server CPU per request (threads included)', value: cpuPerRequest, unit: 'ms' });
    const ceilingRate = results[0]!.value;
    results.push({ name: 'single-report POSTs / bare route', value: single.requests.average / ceilingRate, unit: 'ratio', target: '≥ 3,000 req/s, p99 < 25 ms' });

    // Batches of 5,000 up to 1,000,000 reports, one request at a time.
    const total = Number(process.env.VIGIL_BENCH_REPORTS ?? 1_000_000);
    const batch = 5_000;
    const at = new Date(Date.now() - 3_600_000).toISOString();
    const start = process.hrtime.bigint();
    for (let sent = 0; sent < total; sent += batch) {
      const reports = Array.from({ length: Math.min(batch, total - sent) }, (_, k) => reportBody(`b-${sent + k}`, sent + k, at));
      await json(`${server.url}/api/v1/problems/tiny/reports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
        body: JSON.stringify({ reports }),
      });
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    results.push({ name: `batch ingest (${batch} per request)`, value: total / seconds, unit: 'reports/s' });
    results.push({ name: `server RSS after ${total.toLocaleString('en')} batch + the single reports (${SOURCES.toLocaleString('en')} sources)`, value: rssMb(server.process.pid!), unit: 'MB', target: '< 300 MB' });
  } finally {
    await stop(server);
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}
