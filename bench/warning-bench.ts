/**
 * From a report's POST to the webhook it causes, on loopback, under background load: the Vigil
 * server runs as a child process; this process posts 500 reports a second to another problem
 * (autocannon at a fixed rate) while it alternately raises and lowers the measured problem's
 * level and times each POST until the collector here receives the warning (or all-clear).
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { parse as parseYaml } from 'yaml';
import { SERVER_NODE_ARGS, type BenchResult } from './measure.js';

const ROOT = new URL('../../', import.meta.url);
const ADMIN_PASSWORD = 'bench-admin-password-1';
const SAMPLES = Number(process.env.VIGIL_BENCH_WARNINGS ?? 200);
const BACKGROUND_RATE = 500;

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

export async function runWarningBench(): Promise<BenchResult[]> {
  // The collector: resolves the waiter of each webhook as it arrives.
  let waiter: ((at: number) => void) | undefined;
  const collector = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const at = performance.now();
      response.writeHead(200).end();
      waiter?.(at);
    });
  });
  collector.listen(0, '127.0.0.1');
  await once(collector, 'listening');
  const collectorUrl = `http://127.0.0.1:${(collector.address() as { port: number }).port}`;

  const dir = mkdtempSync(join(tmpdir(), 'vigil-warning-bench-'));
  const child = spawn(
    process.execPath,
    [...SERVER_NODE_ARGS, new URL('bin/vigil.js', ROOT).pathname, 'serve', '--data', dir, '--port', '0'],
    {
      env: { ...process.env, VIGIL_ADMIN_PASSWORD: ADMIN_PASSWORD, VIGIL_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /listening on (http:\/\/[^\s)]+)/.exec(seen);
      if (match) resolve(match[1]!);
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });

  try {
    const session = await fetch(`${url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    const cookie = session.headers.get('set-cookie')!.split(';')[0]!;
    const { csrfToken } = (await session.json()) as { csrfToken: string };
    const admin = { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken };
    const token = (await (
      await fetch(`${url}/api/v1/tokens`, {
        method: 'POST',
        headers: admin,
        body: JSON.stringify({ name: 'bench', roles: ['analyst', 'senior-analyst'] }),
      })
    ).json()) as { secret: string };
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token.secret}` };
    const tiny = parseYaml(readFileSync(new URL('test/fixtures/tiny-problem.yaml', ROOT), 'utf8')) as Record<
      string,
      unknown
    >;
    for (const id of ['tiny', 'background'])
      await fetch(`${url}/api/v1/problems`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ ...tiny, id }),
      });
    const organisation = {
      people: [{ id: 'p1', name: 'Bench', webhook: `${collectorUrl}/p1` }],
      roles: [{ id: 'duty', title: 'Duty', holder: 'p1', deputies: [] }],
      policies: [{ problem: 'tiny', control: 'duty', levels: { warning: [{ notify: ['role:duty'] }] } }],
    };
    const loaded = await fetch(`${url}/api/v1/organisation`, {
      method: 'PUT',
      headers: admin,
      body: JSON.stringify(organisation),
    });
    if (!loaded.ok) throw new Error(`organisation: ${loaded.status} ${await loaded.text()}`);

    const at = new Date(Date.now() - 60_000).toISOString();
    let finished: (result: autocannon.Result) => void = () => undefined;
    const backgroundDone = new Promise<autocannon.Result>((resolve) => (finished = resolve));
    const background = autocannon(
      {
        url: `${url}/api/v1/problems/background/reports`,
        method: 'POST',
        connections: 8,
        overallRate: BACKGROUND_RATE,
        duration: 3600,
        headers,
        body: JSON.stringify({
          id: '[<id>]',
          indicator: 'scouts',
          observed: 'present',
          at,
          source: 'bg-[<id>]',
          reliability: 'C',
          credibility: '3',
        }),
        idReplacement: true,
      },
      (_error, result) => finished(result),
    );
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    const latencies: number[] = [];
    for (let k = 0; k < SAMPLES; k++) {
      const observed = k % 2 === 0 ? 'present' : 'absent';
      const now = new Date(Date.now() - 1_000).toISOString();
      const reports = ['scouts', 'trucks'].map((indicator) => ({
        id: `m-${k}-${indicator}`,
        indicator,
        observed,
        at: now,
        source: `fixed-${indicator}`,
        reliability: 'A',
        credibility: '1',
      }));
      const arrived = new Promise<number>((resolve) => (waiter = resolve));
      const start = performance.now();
      const response = await fetch(`${url}/api/v1/problems/tiny/reports`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ reports }),
      });
      if (response.status !== 201) throw new Error(`POST: ${response.status} ${await response.text()}`);
      const end = await Promise.race([
        arrived,
        new Promise<number>((_, reject) =>
          setTimeout(() => reject(new Error(`no webhook for sample ${k}`)), 10_000),
        ),
      ]);
      latencies.push(end - start);
    }
    background.stop();
    const achieved = (await backgroundDone).requests.average;
    const sorted = [...latencies].sort((a, b) => a - b);
    return [
      { name: 'background load achieved', value: achieved, unit: 'req/s' },
      {
        name: `POST to webhook received, p50 (${SAMPLES} warnings and all-clears)`,
        value: quantile(sorted, 0.5),
        unit: 'ms',
      },
      { name: 'POST to webhook received, p99', value: quantile(sorted, 0.99), unit: 'ms', target: '< 50 ms' },
    ];
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
    collector.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
