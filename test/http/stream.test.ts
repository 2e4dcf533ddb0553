/**
 * The live stream `GET /api/v1/stream` over a real socket: reports and assessments reach
 * connected readers promptly; a reader without the clearance or compartment gets `withheld`
 * {problem, count} and the assessment, never the report's bytes; a marked report pushed is a
 * recorded read; the connection gauge follows the connections.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/log/event.js';
import { SseClient } from './ntk-sse-client.js';
import { SQLITE, startTestServer, tinyReport, type Caller, type TestServer } from './server-fixture.js';

/** How soon a change must reach a connected reader. */
const PROMPTLY_MS = 1_000;
/**
 * The pushed assessment comes from the projection (kept up to date report by report), the
 * answer of GET .../assessment is computed again from the counted reports: the same number up
 * to the last bits of a double.
 */
const DIGITS = 12;

describe('GET /api/v1/stream', () => {
  let s: TestServer;
  let base: string;
  let analyst: Caller;
  const readers: Record<'secret' | 'unclassified' | 'topSecret' | 'orchid', { caller: Caller; id: string }> =
    {} as never;
  const open: SseClient[] = [];

  /** Connects `caller` and waits for the hello (so the server has registered the reader). */
  const connect = async (caller: Caller): Promise<SseClient> => {
    const client = await SseClient.open(base, caller.headers);
    open.push(client);
    expect(client.status).toBe(200);
    expect(client.headers['content-type']).toMatch(/^text\/event-stream/);
    await client.next((f) => f.event === 'hello');
    return client;
  };
  const post = async (payload: Record<string, unknown>) => {
    const response = await s.app.inject({
      method: 'POST',
      url: '/api/v1/problems/tiny/reports',
      headers: analyst.headers,
      payload,
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as { seq: number };
  };
  const pDangerousNow = async () =>
    (
      (
        await s.app.inject({
          method: 'GET',
          url: '/api/v1/problems/tiny/assessment',
          headers: s.users.viewer.headers,
        })
      ).json() as { pDangerous: number }
    ).pDangerous;
  const reportReads = async (from: number): Promise<StoredEvent[]> => {
    const events: StoredEvent[] = [];
    for await (const e of s.store.log.read({ from: from + 1 })) if (e.type === 'report.read') events.push(e);
    return events;
  };
  const gauge = async (): Promise<number> => {
    const text = await (await fetch(`${base}/metrics`)).text();
    const match = /^vigil_sse_connections (\d+)$/m.exec(text);
    expect(match, 'the metrics hold vigil_sse_connections').not.toBeNull();
    return Number(match![1]);
  };
  const expectNever = (client: SseClient, ...markers: string[]) => {
    for (const marker of markers)
      expect(client.raw.includes(marker), `the stream sent "${marker}" to a reader who may not see it`).toBe(
        false,
      );
  };

  beforeAll(async () => {
    s = await startTestServer(SQLITE, { signInPerMinute: 100 });
    base = await s.app.listen({ port: 0, host: '127.0.0.1' });
    analyst = await s.tokenWith('stream-analyst', ['analyst'], 'TOP SECRET', ['ORCHID']);
    const principal = async (caller: Caller) =>
      (
        (await s.app.inject({ method: 'GET', url: '/api/v1/session', headers: caller.headers })).json() as {
          user: { id: string };
        }
      ).user.id;
    for (const [key, make] of [
      ['secret', () => s.userWith('stream-secret', ['viewer'], 'SECRET')],
      ['unclassified', () => s.tokenWith('stream-unclassified', ['viewer'], 'UNCLASSIFIED')],
      ['topSecret', () => s.tokenWith('stream-top-secret', ['viewer'], 'TOP SECRET')],
      ['orchid', () => s.userWith('stream-orchid', ['viewer'], 'TOP SECRET', ['ORCHID'])],
    ] as const) {
      const caller = await make();
      readers[key] = { caller, id: await principal(caller) };
    }
  });
  afterEach(() => {
    // A failed test leaves its streams open: they would receive the next test's changes.
    for (const client of open.splice(0)) client.close();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('a report posted through the API reaches readers promptly: the report to the cleared, `withheld` to the others, the assessment to both', async () => {
    const cleared = await connect(readers.secret.caller);
    const uncleared = await connect(readers.unclassified.caller);
    const before = await pDangerousNow();
    const head = await s.head();

    const posted = performance.now();
    await post(
      tinyReport('live-secr-id-zq', s, { text: 'seen at dawn live-secr-txt-zq', classification: 'SECRET' }),
    );
    const after = await pDangerousNow();
    expect(after).not.toBe(before);

    const report = await cleared.next((f) => f.event === 'report');
    expect(report.receivedAt - posted).toBeLessThan(PROMPTLY_MS);
    const message = JSON.parse(report.data) as {
      problem: string;
      report: { id: string; text: string };
      classification: string;
      compartments: string[];
    };
    expect(message).toMatchObject({
      problem: 'tiny',
      report: { id: 'live-secr-id-zq', text: 'seen at dawn live-secr-txt-zq' },
      classification: 'SECRET',
      compartments: [],
    });
    const assessment = await cleared.next((f) => f.event === 'assessment');
    const pushed = JSON.parse(assessment.data) as { problem: string; pDangerous: number };
    expect(pushed.problem).toBe('tiny');
    expect(pushed.pDangerous).toBeCloseTo(after, DIGITS);

    const withheld = await uncleared.next((f) => f.event === 'withheld');
    expect(withheld.receivedAt - posted).toBeLessThan(PROMPTLY_MS);
    expect(JSON.parse(withheld.data)).toEqual({ problem: 'tiny', count: 1 });
    const theirs = await uncleared.next((f) => f.event === 'assessment');
    expect(theirs.receivedAt - posted).toBeLessThan(PROMPTLY_MS);
    // The same assessment for every reader.
    expect(JSON.parse(theirs.data)).toEqual(JSON.parse(assessment.data));
    expect(uncleared.all('report')).toEqual([]);
    expectNever(uncleared, 'live-secr-id-zq', 'live-secr-txt-zq', 'src-live-secr-id-zq');

    // The push of a marked report is a read, recorded before it was sent: it is in the log already.
    const reads = await reportReads(head);
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({
      actor: readers.secret.id,
      data: { via: '/api/v1/stream', reports: [{ problem: 'tiny', report: 'live-secr-id-zq' }] },
    });

    cleared.close();
    uncleared.close();
  });

  it('a batch: each reader gets the reports it may see and one `withheld` with the count of the others', async () => {
    const clients = {
      unclassified: await connect(readers.unclassified.caller),
      secret: await connect(readers.secret.caller),
      topSecret: await connect(readers.topSecret.caller),
      orchid: await connect(readers.orchid.caller),
    };
    const batch = [
      tinyReport('batch-uncl-id-zq', s, { text: 'batch-uncl-txt-zq' }),
      tinyReport('batch-conf-id-zq', s, {
        text: 'batch-conf-txt-zq',
        classification: 'CONFIDENTIAL',
        indicator: 'trucks',
      }),
      tinyReport('batch-tops-id-zq', s, { text: 'batch-tops-txt-zq', classification: 'TOP SECRET' }),
      tinyReport('batch-orch-id-zq', s, {
        text: 'batch-orch-txt-zq',
        classification: 'SECRET',
        compartments: ['ORCHID'],
      }),
    ];
    const head = await s.head();
    await post({ reports: batch });
    const expected = {
      unclassified: { sees: ['uncl'], withheld: 3 },
      secret: { sees: ['uncl', 'conf'], withheld: 2 },
      topSecret: { sees: ['uncl', 'conf', 'tops'], withheld: 1 },
      orchid: { sees: ['uncl', 'conf', 'tops', 'orch'], withheld: 0 },
    };
    const pDangerous = await pDangerousNow();
    for (const [key, client] of Object.entries(clients) as [keyof typeof clients, SseClient][]) {
      await client.next((f) => f.event === 'assessment');
      expect((client.all('assessment') as { pDangerous: number }[]).at(-1)!.pDangerous, key).toBeCloseTo(
        pDangerous,
        DIGITS,
      );
      const { sees, withheld } = expected[key];
      expect(
        (client.all('report') as { report: { id: string } }[]).map((m) => m.report.id),
        key,
      ).toEqual(sees.map((n) => `batch-${n}-id-zq`));
      expect(client.all('withheld'), key).toEqual(
        withheld === 0 ? [] : [{ problem: 'tiny', count: withheld }],
      );
      for (const name of ['uncl', 'conf', 'tops', 'orch'].filter((n) => !sees.includes(n)))
        expectNever(client, `batch-${name}-id-zq`, `batch-${name}-txt-zq`);
      if (key !== 'orchid') expectNever(client, 'ORCHID');
    }
    // One read per reader of marked reports, naming exactly the marked ones it was sent.
    const reads = await reportReads(head);
    const named = (actor: string) =>
      reads
        .filter((e) => e.actor === actor)
        .flatMap((e) => (e.data.reports as { report: string }[]).map((r) => r.report))
        .sort();
    expect(named(readers.unclassified.id)).toEqual([]);
    expect(named(readers.secret.id)).toEqual(['batch-conf-id-zq']);
    expect(named(readers.topSecret.id)).toEqual(['batch-conf-id-zq', 'batch-tops-id-zq']);
    expect(named(readers.orchid.id)).toEqual(['batch-conf-id-zq', 'batch-orch-id-zq', 'batch-tops-id-zq']);
    for (const client of Object.values(clients)) client.close();
  });

  it('an unclassified report pushed appends no report.read', async () => {
    const cleared = await connect(readers.secret.caller);
    const head = await s.head();
    await post(tinyReport('plain-uncl-id-zq', s, { text: 'plain' }));
    await cleared.next((f) => f.event === 'report');
    await cleared.next((f) => f.event === 'assessment');
    expect(await reportReads(head)).toEqual([]);
    cleared.close();
  });

  it('a correction of a marked report goes to the cleared reader; the others get `withheld`', async () => {
    const cleared = await connect(readers.secret.caller);
    const uncleared = await connect(readers.unclassified.caller);
    const head = await s.head();
    const regrade = await s.app.inject({
      method: 'POST',
      url: '/api/v1/problems/tiny/reports/live-secr-id-zq/regrade',
      headers: s.users['senior-analyst'].headers,
      payload: { reason: 'regraded: live-secr-txt-zq was a decoy', reliability: 'E', credibility: '5' },
    });
    expect(regrade.statusCode, regrade.body).toBe(201);
    const correction = await cleared.next((f) => f.event === 'correction');
    expect(JSON.parse(correction.data)).toMatchObject({
      problem: 'tiny',
      type: 'report.regraded',
      report: 'live-secr-id-zq',
    });
    const assessment = await cleared.next((f) => f.event === 'assessment');
    expect((JSON.parse(assessment.data) as { pDangerous: number }).pDangerous).toBeCloseTo(
      await pDangerousNow(),
      DIGITS,
    );
    expect(JSON.parse((await uncleared.next((f) => f.event === 'withheld')).data)).toEqual({
      problem: 'tiny',
      count: 1,
    });
    expect(JSON.parse((await uncleared.next((f) => f.event === 'assessment')).data)).toEqual(
      JSON.parse(assessment.data),
    );
    expect(uncleared.all('correction')).toEqual([]);
    expectNever(uncleared, 'live-secr-id-zq', 'live-secr-txt-zq', 'decoy');
    const reads = await reportReads(head);
    expect(reads.map((e) => e.actor)).toEqual([readers.secret.id]);
    cleared.close();
    uncleared.close();
  });

  it('unauthenticated (no credentials, or a bad token) is 401, and no stream is opened', async () => {
    const connections = await gauge();
    for (const headers of [{}, { authorization: 'Bearer not-a-token' }] as Record<string, string>[]) {
      const client = await SseClient.open(base, headers);
      expect(client.status).toBe(401);
      expect(client.headers['content-type']).toMatch(/^application\/json/);
      expect((JSON.parse(await client.body()) as { error: { code: string } }).error.code).toBe(
        'AUTH_REQUIRED',
      );
    }
    expect(await gauge()).toBe(connections);
  });

  it('the connection gauge counts open streams and drops when a client closes', async () => {
    const waitForGauge = async (value: number) => {
      const deadline = Date.now() + 2_000;
      while ((await gauge()) !== value && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 10));
      expect(await gauge()).toBe(value);
    };
    // Streams of the tests above were closed by their clients.
    await waitForGauge(0);
    const first = await connect(readers.secret.caller);
    const second = await connect(readers.unclassified.caller);
    expect(await gauge()).toBe(2);
    first.close();
    await waitForGauge(1);
    second.close();
    await waitForGauge(0);
  });
});
