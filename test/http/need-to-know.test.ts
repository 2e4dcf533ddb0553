/**
 * Need-to-know on every read path (api.md): reports above a reader's clearance, or in
 * compartments the reader lacks, never appear in any answer to that reader, not even as an id
 * in a reason or a score; the numbers they count in say how many were withheld, exactly; the
 * probabilities are the same for every reader; every read of a marked report is an event.
 *
 * Each report carries unique marker strings (id, text, source) and every answer is searched,
 * as raw bytes, for the markers of the reports its reader may not see.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clearance } from '../../src/app/access.js';
import type { StoredEvent } from '../../src/log/event.js';
import { SQLITE, START, startTestServer, type Caller, type TestServer } from './server-fixture.js';

const MINUTE = 60_000;
const LEVELS: readonly Clearance[] = ['UNCLASSIFIED', 'CONFIDENTIAL', 'SECRET', 'TOP SECRET'];

interface Seeded {
  /** Short name; its markers are `<name>-id-zq` (in the id), `<name>-txt-zq`, `<name>-src-zq`. */
  readonly name: string;
  readonly classification: Clearance;
  readonly compartments: readonly string[];
  readonly indicator: 'scouts' | 'trucks';
  /** The source, when shared with another report (supersession); else the report's own marker. */
  readonly source?: string;
  readonly extra?: Record<string, unknown>;
}

/**
 * Posted in this order, one a minute. `vold` (visible) is superseded by `hnew` (hidden) from the
 * same source and indicator; `hold` (hidden) by `vnew` (visible). `orch` is graded F6: its ACH
 * row cannot tell the hypotheses apart (it is listed as non-diagnostic).
 */
const SEEDED: readonly Seeded[] = [
  { name: 'uncl', classification: 'UNCLASSIFIED', compartments: [], indicator: 'scouts' },
  {
    name: 'vold',
    classification: 'UNCLASSIFIED',
    compartments: [],
    indicator: 'trucks',
    source: 'shared-source',
  },
  {
    name: 'hold',
    classification: 'SECRET',
    compartments: ['ORCHID'],
    indicator: 'scouts',
    source: 'pair-source',
  },
  { name: 'conf', classification: 'CONFIDENTIAL', compartments: [], indicator: 'trucks' },
  { name: 'secr', classification: 'SECRET', compartments: [], indicator: 'scouts' },
  { name: 'tops', classification: 'TOP SECRET', compartments: [], indicator: 'trucks' },
  {
    name: 'orch',
    classification: 'SECRET',
    compartments: ['ORCHID'],
    indicator: 'scouts',
    extra: { reliability: 'F', credibility: '6' },
  },
  {
    name: 'hnew',
    classification: 'TOP SECRET',
    compartments: ['ORCHID'],
    indicator: 'trucks',
    source: 'shared-source',
  },
  {
    name: 'vnew',
    classification: 'UNCLASSIFIED',
    compartments: [],
    indicator: 'scouts',
    source: 'pair-source',
  },
];

const idOf = (name: string) => `ntk-${name}-id-zq`;
const byId = new Map(SEEDED.map((r) => [idOf(r.name), r]));

/** The instant report k (0-based) is received. */
const receivedAt = (k: number) => START + (k + 1) * MINUTE;
/** Between `secr` and `tops`. */
const AT_MID = receivedAt(4) + MINUTE / 2;
/** When the reads happen (after the regrade). */
const NOW = receivedAt(SEEDED.length + 1);

/** Counted now and at AT_MID (by hand: received by then, and the latest per source and indicator). */
const COUNTED_NOW = ['uncl', 'conf', 'secr', 'tops', 'orch', 'hnew', 'vnew'];
const COUNTED_MID = ['uncl', 'vold', 'hold', 'conf', 'secr'];

interface Reader {
  readonly label: string;
  readonly clearance: Clearance;
  readonly compartments: string[];
  viewer?: Caller;
  auditor?: Caller;
  viewerId?: string;
  auditorId?: string;
}

const READERS: Reader[] = [
  { label: 'unclassified', clearance: 'UNCLASSIFIED', compartments: [] },
  { label: 'secret', clearance: 'SECRET', compartments: [] },
  { label: 'top-secret', clearance: 'TOP SECRET', compartments: [] },
  { label: 'top-secret-orchid', clearance: 'TOP SECRET', compartments: ['ORCHID'] },
];

/** The test's own need-to-know rule (independent of src/app/access.ts). */
function visibleTo(reader: Pick<Reader, 'clearance' | 'compartments'>, report: Seeded): boolean {
  return (
    LEVELS.indexOf(report.classification) <= LEVELS.indexOf(reader.clearance) &&
    report.compartments.every((c) => reader.compartments.includes(c))
  );
}
const isMarked = (r: Seeded) => r.classification !== 'UNCLASSIFIED' || r.compartments.length > 0;
const hiddenFrom = (reader: Reader) => SEEDED.filter((r) => !visibleTo(reader, r));
const markersOf = (r: Seeded) => [
  `${r.name}-id-zq`,
  `${r.name}-txt-zq`,
  ...(r.source === undefined ? [`${r.name}-src-zq`] : []),
];

/** Fails naming the first marker of a hidden report found in `body`. */
function expectNoHiddenMarkers(
  reader: Reader,
  body: string,
  where: string,
  { compartmentNames = true } = {},
): void {
  for (const r of hiddenFrom(reader)) {
    for (const marker of markersOf(r)) {
      expect(
        body.includes(marker),
        `${where}: ${reader.label} must not see "${marker}" (${r.classification} ${r.compartments.join(',')})`,
      ).toBe(false);
    }
  }
  // Outside the log (whose account events name users' compartments), the compartment of a
  // report the reader may not see is not named either.
  if (compartmentNames && !reader.compartments.includes('ORCHID'))
    expect(body.includes('ORCHID'), `${where}: ${reader.label} sees the compartment name`).toBe(false);
}

describe('need-to-know on every read path', () => {
  let s: TestServer;
  let analyst: Caller;
  let corrector: Caller;

  const get = async (caller: Caller, url: string) => {
    const response = await s.app.inject({ method: 'GET', url, headers: caller.headers });
    expect(response.statusCode, `GET ${url}: ${response.body}`).toBe(200);
    return { body: response.body, json: response.json() as Record<string, unknown> };
  };
  const principalId = async (caller: Caller) =>
    ((await get(caller, '/api/v1/session')).json.user as { id: string }).id;
  const eventsSince = async (seq: number): Promise<StoredEvent[]> => {
    const events: StoredEvent[] = [];
    for await (const e of s.store.log.read({ from: seq + 1 })) events.push(e);
    return events;
  };
  const readEvents = (events: readonly StoredEvent[]) => events.filter((e) => e.type === 'report.read');

  beforeAll(async () => {
    // Eleven users sign in here: more than the default ten a minute.
    s = await startTestServer(SQLITE, { signInPerMinute: 100 });
    analyst = await s.tokenWith('ntk-analyst', ['analyst'], 'TOP SECRET', ['ORCHID']);
    corrector = await s.tokenWith('ntk-corrector', ['senior-analyst'], 'TOP SECRET', ['ORCHID']);
    for (const [k, r] of SEEDED.entries()) {
      s.clock.set(receivedAt(k));
      const report = {
        id: idOf(r.name),
        indicator: r.indicator,
        observed: 'present',
        at: new Date(receivedAt(k) - MINUTE / 2).toISOString(),
        source: r.source ?? `${r.name}-src-zq`,
        reliability: 'B',
        credibility: '2',
        text: `field note ${r.name}-txt-zq`,
        classification: r.classification,
        compartments: [...r.compartments],
        ...r.extra,
      };
      const response = await s.app.inject({
        method: 'POST',
        url: '/api/v1/problems/tiny/reports',
        headers: analyst.headers,
        payload: report,
      });
      expect(response.statusCode, response.body).toBe(201);
    }
    // A correction of a top-secret report, by someone cleared for it: its event is withheld too.
    s.clock.set(receivedAt(SEEDED.length));
    const regrade = await s.app.inject({
      method: 'POST',
      url: `/api/v1/problems/tiny/reports/${idOf('tops')}/regrade`,
      headers: corrector.headers,
      payload: { reason: 'tops-txt-zq: second source confirms', reliability: 'A', credibility: '1' },
    });
    expect(regrade.statusCode, regrade.body).toBe(201);
    s.clock.set(NOW);
    for (const reader of READERS) {
      reader.viewer = await s.userWith(
        `viewer-${reader.label}`,
        ['viewer'],
        reader.clearance,
        reader.compartments,
      );
      reader.auditor = await s.tokenWith(
        `auditor-${reader.label}`,
        ['auditor'],
        reader.clearance,
        reader.compartments,
      );
      reader.viewerId = await principalId(reader.viewer);
      reader.auditorId = await principalId(reader.auditor);
    }
  });
  afterAll(async () => {
    await s?.close();
  });

  it('the oracle agrees with the server for a reader cleared for everything', async () => {
    const all = READERS.at(-1)!;
    expect(hiddenFrom(all)).toEqual([]);
    const now = (await get(all.viewer!, '/api/v1/problems/tiny/assessment')).json as {
      sensitivity: { report: string }[];
      counted: number;
    };
    expect(new Set(now.sensitivity.map((x) => x.report))).toEqual(new Set(COUNTED_NOW.map(idOf)));
    expect(now.counted).toBe(COUNTED_NOW.length);
    const mid = (
      await get(all.viewer!, `/api/v1/problems/tiny/assessment?at=${new Date(AT_MID).toISOString()}`)
    ).json as { sensitivity: { report: string }[] };
    expect(new Set(mid.sensitivity.map((x) => x.report))).toEqual(new Set(COUNTED_MID.map(idOf)));
  });

  /** Expected withheld counts of an assessment whose counted reports are `counted`. */
  function expectedWithheld(reader: Reader, counted: readonly string[]) {
    const hidden = new Set(hiddenFrom(reader).map((r) => r.name));
    const perIndicator: Record<string, number> = { scouts: 0, trucks: 0 };
    for (const name of counted) if (hidden.has(name)) perIndicator[byId.get(idOf(name))!.indicator]!++;
    // Every report not counted is in `ignored` (or in `ignoredCount`): the hidden ones are withheld there.
    const ignoredHidden = SEEDED.filter((r) => hidden.has(r.name) && !counted.includes(r.name)).length;
    return { perIndicator, total: perIndicator.scouts! + perIndicator.trucks! + ignoredHidden };
  }

  type AssessmentAnswer = {
    posterior: Record<string, number>;
    pDangerous: number;
    level: string;
    leading: string;
    counted: number;
    indicators: { id: string; reports: number; withheld: number }[];
    sensitivity: { report: string }[];
    ignored: { report: string; why: string }[];
    withheld: number;
  };

  function checkAssessment(
    reader: Reader,
    a: AssessmentAnswer,
    counted: readonly string[],
    where: string,
    ignoredListed: boolean,
  ) {
    const expected = expectedWithheld(reader, counted);
    expect(a.withheld, `${where}: total withheld`).toBe(expected.total);
    for (const i of a.indicators)
      expect(i.withheld, `${where}: withheld on ${i.id}`).toBe(expected.perIndicator[i.id]);
    const visibleCounted = counted.filter((name) => visibleTo(reader, byId.get(idOf(name))!)).map(idOf);
    expect(new Set(a.sensitivity.map((x) => x.report)), `${where}: sensitivity`).toEqual(
      new Set(visibleCounted),
    );
    if (ignoredListed) {
      const visibleIgnored = SEEDED.filter((r) => !counted.includes(r.name) && visibleTo(reader, r)).map(
        (r) => idOf(r.name),
      );
      expect(a.ignored.map((x) => x.report).sort(), `${where}: ignored`).toEqual(visibleIgnored.sort());
    } else {
      expect(a.ignored, `${where}: ignored`).toEqual([]);
    }
  }

  const sameForEveryone = new Map<string, unknown>();
  function expectSameProbabilities(
    where: string,
    a: { posterior?: unknown; pDangerous: number; level: string; leading: string },
  ) {
    const key = JSON.stringify({
      posterior: a.posterior,
      pDangerous: a.pDangerous,
      level: a.level,
      leading: a.leading,
    });
    const first = sameForEveryone.get(where);
    if (first === undefined) sameForEveryone.set(where, key);
    else expect(key, `${where}: the probabilities differ between readers`).toBe(first);
  }

  describe.each(READERS.map((r) => [r.label, r] as const))('reader %s', (_label, reader) => {
    it('GET /api/v1/problems: same probabilities, withheld counted reports', async () => {
      const { body, json } = await get(reader.viewer!, '/api/v1/problems');
      expectNoHiddenMarkers(reader, body, '/problems');
      const tiny = (
        json.problems as {
          id: string;
          pDangerous: number;
          level: string;
          leading: string;
          counted: number;
          withheld?: number;
        }[]
      ).find((p) => p.id === 'tiny')!;
      expectSameProbabilities('/problems', tiny);
      expect(tiny.counted).toBe(COUNTED_NOW.length);
      expect(tiny.withheld, '/problems: the counted number says how many were withheld').toBe(
        expectedWithheld(reader, COUNTED_NOW).perIndicator.scouts! +
          expectedWithheld(reader, COUNTED_NOW).perIndicator.trucks!,
      );
    });

    it('GET /api/v1/problems/{id}: the current assessment, redacted', async () => {
      const { body, json } = await get(reader.viewer!, '/api/v1/problems/tiny');
      expectNoHiddenMarkers(reader, body, '/problems/tiny');
      const a = json.assessment as AssessmentAnswer;
      expectSameProbabilities('/problems/tiny', a);
      checkAssessment(reader, a, COUNTED_NOW, '/problems/tiny', false);
    });

    it('GET /assessment (now, ?at=, ?ignored=count): redacted, exact withheld counts, superseded-by reasons', async () => {
      const now = await get(reader.viewer!, '/api/v1/problems/tiny/assessment');
      expectNoHiddenMarkers(reader, now.body, '/assessment');
      const a = now.json as unknown as AssessmentAnswer;
      expectSameProbabilities('/assessment', a);
      checkAssessment(reader, a, COUNTED_NOW, '/assessment', true);
      // `vold` was superseded by `hnew`: the reason names it only to a reader who may see it.
      const vold = a.ignored.find((x) => x.report === idOf('vold'));
      expect(vold?.why).toBe(
        visibleTo(reader, byId.get(idOf('hnew'))!)
          ? `superseded by ${idOf('hnew')}`
          : 'superseded by a withheld report',
      );
      const hold = a.ignored.find((x) => x.report === idOf('hold'));
      expect(hold?.why).toBe(
        visibleTo(reader, byId.get(idOf('hold'))!) ? `superseded by ${idOf('vnew')}` : undefined,
      );

      const mid = await get(
        reader.viewer!,
        `/api/v1/problems/tiny/assessment?at=${new Date(AT_MID).toISOString()}`,
      );
      expectNoHiddenMarkers(reader, mid.body, '/assessment?at=');
      const m = mid.json as unknown as AssessmentAnswer;
      expectSameProbabilities('/assessment?at=', m);
      checkAssessment(reader, m, COUNTED_MID, '/assessment?at=', true);

      const counted = await get(reader.viewer!, '/api/v1/problems/tiny/assessment?ignored=count');
      expectNoHiddenMarkers(reader, counted.body, '/assessment?ignored=count');
      const c = counted.json as unknown as AssessmentAnswer & { ignoredCount: number };
      expectSameProbabilities('/assessment', c);
      expect(c.ignoredCount).toBe(SEEDED.length - COUNTED_NOW.length);
      checkAssessment(reader, c, COUNTED_NOW, '/assessment?ignored=count', false);
      expect(c.withheld, 'withheld is the same whether ignored reports are listed or counted').toBe(
        a.withheld,
      );

      const midCount = await get(
        reader.viewer!,
        `/api/v1/problems/tiny/assessment?at=${new Date(AT_MID).toISOString()}&ignored=count`,
      );
      expectNoHiddenMarkers(reader, midCount.body, '/assessment?at=&ignored=count');
      checkAssessment(
        reader,
        midCount.json as unknown as AssessmentAnswer,
        COUNTED_MID,
        '/assessment?at=&ignored=count',
        false,
      );
    });

    it('GET /ach: hidden rows withheld (also from non-diagnostic rows), scores the same for everyone', async () => {
      for (const at of [undefined, AT_MID]) {
        const url =
          at === undefined
            ? '/api/v1/problems/tiny/ach'
            : `/api/v1/problems/tiny/ach?at=${new Date(at).toISOString()}`;
        const { body, json } = await get(reader.viewer!, url);
        expectNoHiddenMarkers(reader, body, url);
        const counted = at === undefined ? COUNTED_NOW : COUNTED_MID;
        const rows = (json.rows as { id: string }[]).map((r) => r.id);
        expect(new Set(rows)).toEqual(
          new Set(counted.filter((n) => visibleTo(reader, byId.get(idOf(n))!)).map(idOf)),
        );
        expect(json.withheld).toBe(counted.length - rows.length);
        const scores = json.scores as {
          hypotheses: unknown;
          leastInconsistent: string;
          nonDiagnostic: string[];
        };
        const key = `${url}: scores`;
        const first = sameForEveryone.get(key);
        if (first === undefined)
          sameForEveryone.set(key, JSON.stringify({ h: scores.hypotheses, l: scores.leastInconsistent }));
        else expect(JSON.stringify({ h: scores.hypotheses, l: scores.leastInconsistent })).toBe(first);
        for (const id of scores.nonDiagnostic)
          expect(rows, `${url}: a non-diagnostic row the reader may see`).toContain(id);
      }
      // The cleared reader is told orch's row is non-diagnostic (so the hiding above is tested).
      if (hiddenFrom(reader).length === 0) {
        const { json } = await get(reader.viewer!, '/api/v1/problems/tiny/ach');
        expect((json.scores as { nonDiagnostic: string[] }).nonDiagnostic).toContain(idOf('orch'));
      }
    });

    it('GET /timeline: the same points and level changes for everyone, evidence withheld', async () => {
      const all = READERS.at(-1)!;
      type Timeline = {
        points: unknown[];
        changes: ({ evidence: { report: string }[] } & Record<string, unknown>)[];
        finalLevel: string;
        withheld: number;
      };
      for (const at of [undefined, AT_MID]) {
        const url =
          at === undefined
            ? '/api/v1/problems/tiny/timeline'
            : `/api/v1/problems/tiny/timeline?at=${new Date(at).toISOString()}`;
        const mine = await get(reader.viewer!, url);
        expectNoHiddenMarkers(reader, mine.body, url);
        const theirs = (await get(all.viewer!, url)).json as unknown as Timeline;
        const t = mine.json as unknown as Timeline;
        const without = (c: Timeline['changes'][number]) => ({ ...c, evidence: undefined });
        expect(t.points).toEqual(theirs.points);
        expect(t.finalLevel).toBe(theirs.finalLevel);
        expect(t.changes.map(without)).toEqual(theirs.changes.map(without));
        let withheld = 0;
        for (const [k, change] of theirs.changes.entries()) {
          const visible = change.evidence.filter((e) => visibleTo(reader, byId.get(e.report)!));
          withheld += change.evidence.length - visible.length;
          expect(t.changes[k]!.evidence).toEqual(visible);
        }
        expect(t.withheld).toBe(withheld);
        // Not vacuous: now, the level has changed on evidence not everyone may see.
        if (at === undefined)
          expect(
            theirs.changes
              .flatMap((c) => c.evidence)
              .some((e) => !visibleTo(READERS[0]!, byId.get(e.report)!)),
          ).toBe(true);
      }
    });

    it('GET /reports: only visible reports, exact withheld per page, and a report.read for the marked ones', async () => {
      const head = await s.head();
      const { body, json } = await get(reader.viewer!, '/api/v1/problems/tiny/reports');
      expectNoHiddenMarkers(reader, body, '/reports');
      const visible = SEEDED.filter((r) => visibleTo(reader, r));
      expect((json.reports as { id: string }[]).map((r) => r.id)).toEqual(visible.map((r) => idOf(r.name)));
      expect(json.withheld).toBe(SEEDED.length - visible.length);
      for (const r of json.reports as { id: string; text: string }[])
        expect(r.text).toContain(`${byId.get(r.id)!.name}-txt-zq`);

      const reads = readEvents(await eventsSince(head));
      const marked = visible.filter(isMarked).map((r) => idOf(r.name));
      if (marked.length === 0) {
        expect(reads, 'a read of only unclassified reports is not recorded').toEqual([]);
      } else {
        expect(reads).toHaveLength(1);
        expect(reads[0]!.actor).toBe(reader.viewerId);
        const named = (reads[0]!.data.reports as { problem: string; report: string }[]).map((r) => r.report);
        expect(new Set(named)).toEqual(new Set(marked));
        expect((reads[0]!.data.reports as { problem: string }[]).every((r) => r.problem === 'tiny')).toBe(
          true,
        );
      }

      // Paged, three at a time: the withheld counts of the pages add up, and no page leaks.
      let after = 0;
      let withheld = 0;
      const seen: string[] = [];
      for (;;) {
        const page = await get(reader.viewer!, `/api/v1/problems/tiny/reports?limit=3&after=${after}`);
        expectNoHiddenMarkers(reader, page.body, '/reports?limit=3');
        seen.push(...(page.json.reports as { id: string }[]).map((r) => r.id));
        withheld += page.json.withheld as number;
        if (page.json.next === null) break;
        after = page.json.next as number;
      }
      expect(seen).toEqual(visible.map((r) => idOf(r.name)));
      expect(withheld).toBe(SEEDED.length - visible.length);
    });
  });

  /**
   * The test's own verdict on an event: withheld from the reader when it is about, or names, a
   * report the reader may not see.
   */
  function withheldEvent(reader: Reader, e: StoredEvent): boolean {
    const names: string[] = [];
    if (e.type === 'report.received') names.push((e.data.report as { id: string }).id);
    else if (e.type === 'report.retracted' || e.type === 'report.regraded')
      names.push(e.data.report as string);
    else if (e.type === 'report.read')
      names.push(...(e.data.reports as { report: string }[]).map((r) => r.report));
    // Any other event of the problem (a warning's judgment and its evidence) by the ids it names.
    else if (e.stream === 'tiny') {
      const text = JSON.stringify(e.data);
      names.push(...[...byId.keys()].filter((id) => text.includes(JSON.stringify(id))));
    }
    return names.some((id) => byId.has(id) && !visibleTo(reader, byId.get(id)!));
  }
  /** The marked reports the reader reads in these events (report.received and corrections). */
  function readIn(reader: Reader, events: readonly StoredEvent[]): Set<string> {
    const ids = new Set<string>();
    for (const e of events) {
      const id =
        e.type === 'report.received'
          ? (e.data.report as { id: string }).id
          : e.type === 'report.retracted' || e.type === 'report.regraded'
            ? (e.data.report as string)
            : undefined;
      const r = id === undefined ? undefined : byId.get(id);
      if (r !== undefined && visibleTo(reader, r) && isMarked(r)) ids.add(id!);
    }
    return ids;
  }

  // Run after the reads above: the report.read events of cleared readers name hidden reports.
  describe.each(READERS.map((r) => [r.label, r] as const))('auditor %s', (_label, reader) => {
    it('GET /api/v1/events: withheld envelopes with no data, an exact count, a report.read of what was read', async () => {
      const head = await s.head();
      expect(
        readEvents(await eventsSince(0)).some((e) => withheldEvent(READERS[0]!, e)),
        'the log holds report.read events naming marked reports',
      ).toBe(true);
      const { body, json } = await get(reader.auditor!, `/api/v1/events?from=1&limit=10000`);
      expectNoHiddenMarkers(reader, body, '/events', { compartmentNames: false });
      const events = json.events as Record<string, unknown>[];
      const logged = (await eventsSince(0)).slice(0, events.length);
      expect(events.map((e) => e.seq)).toEqual(logged.map((e) => e.seq));
      expect(events.length).toBeGreaterThanOrEqual(head);
      let withheld = 0;
      for (const [k, e] of events.entries()) {
        const stored = logged[k]!;
        if (withheldEvent(reader, stored)) {
          withheld++;
          expect(e, `event ${stored.seq} (${stored.type})`).toEqual({
            seq: stored.seq,
            id: stored.id,
            at: stored.at,
            type: stored.type,
            stream: stored.stream,
            actor: stored.actor,
            prev: stored.prev,
            hash: stored.hash,
            withheld: true,
          });
        } else {
          expect(e.withheld, `event ${stored.seq} (${stored.type})`).toBeUndefined();
          expect(e.data).toEqual(stored.data);
        }
      }
      expect(json.withheld).toBe(withheld);
      if (hiddenFrom(reader).length === 0) expect(withheld).toBe(0);
      else expect(withheld).toBeGreaterThan(0);

      const reads = readEvents(await eventsSince(head));
      const expected = readIn(reader, logged);
      if (expected.size === 0) expect(reads).toEqual([]);
      else {
        expect(reads).toHaveLength(1);
        expect(reads[0]!.actor).toBe(reader.auditorId);
        expect(reads[0]!.data.via).toBe('/api/v1/events');
        expect(new Set((reads[0]!.data.reports as { report: string }[]).map((r) => r.report))).toEqual(
          expected,
        );
      }
    });

    it('GET /api/v1/export: withheld lines are envelopes; nothing hidden in the bytes', async () => {
      const head = await s.head();
      const response = await s.app.inject({
        method: 'GET',
        url: '/api/v1/export',
        headers: reader.auditor!.headers,
      });
      expect(response.statusCode, response.body).toBe(200);
      expectNoHiddenMarkers(reader, response.body, '/export', { compartmentNames: false });
      const lines = response.body
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      const to = lines[0]!.to as number;
      expect(lines[0]).toMatchObject({ vigilLog: 1, from: 1 });
      expect(to).toBeGreaterThanOrEqual(head);
      const logged = (await eventsSince(0)).filter((e) => e.seq <= to);
      const records = lines.slice(1);
      expect(records.map((r) => r.seq)).toEqual(logged.map((e) => e.seq));
      for (const [k, record] of records.entries()) {
        const stored = logged[k]!;
        if (withheldEvent(reader, stored)) {
          expect(record.withheld, `line of event ${stored.seq}`).toBe(true);
          expect('data' in record).toBe(false);
          expect(record.hash).toBe(stored.hash);
        } else {
          expect(record.data).toEqual(stored.data);
        }
      }
      const reads = readEvents(await eventsSince(head));
      const expected = readIn(reader, logged);
      if (expected.size === 0) expect(reads).toEqual([]);
      else {
        expect(reads.map((e) => e.actor)).toEqual(reads.map(() => reader.auditorId));
        expect(reads.every((e) => e.data.via === '/api/v1/export')).toBe(true);
        expect(
          new Set(reads.flatMap((e) => (e.data.reports as { report: string }[]).map((r) => r.report))),
        ).toEqual(expected);
      }
    });
  });

  describe('corrections of a report the corrector may not see', () => {
    it('retract and regrade answer 404 REPORT_NOT_FOUND, as for an id that does not exist, and change nothing', async () => {
      // users['senior-analyst'] is cleared SECRET with no compartments.
      const corrector = s.users['senior-analyst'];
      const before = (await get(corrector, '/api/v1/problems/tiny/assessment')).json;
      const answers: { status: number; code: string; message: string }[] = [];
      for (const action of ['retract', 'regrade'] as const) {
        const payload =
          action === 'retract'
            ? { reason: 'wrong' }
            : { reason: 'wrong', reliability: 'F', credibility: '6' };
        for (const target of [idOf('tops'), idOf('orch'), 'ntk-nosuch-id-zq']) {
          const response = await s.app.inject({
            method: 'POST',
            url: `/api/v1/problems/tiny/reports/${target}/${action}`,
            headers: corrector.headers,
            payload,
          });
          const error = (response.json() as { error: { code: string; message: string } }).error;
          answers.push({
            status: response.statusCode,
            code: error.code,
            message: error.message.replace(target, '<id>'),
          });
        }
      }
      for (const answer of answers) expect(answer).toEqual(answers[answers.length - 1]);
      expect(answers[0]).toMatchObject({ status: 404, code: 'REPORT_NOT_FOUND' });
      const after = (await get(corrector, '/api/v1/problems/tiny/assessment')).json;
      expect(after).toEqual(before);
      // A corrector cleared for it may: the route is not simply closed.
      const cleared = await s.tokenWith('ntk-cleared-corrector', ['senior-analyst'], 'SECRET', ['ORCHID']);
      const ok = await s.app.inject({
        method: 'POST',
        url: `/api/v1/problems/tiny/reports/${idOf('orch')}/regrade`,
        headers: cleared.headers,
        payload: { reason: 'checked', reliability: 'F', credibility: '6' },
      });
      expect(ok.statusCode, ok.body).toBe(201);
    });
  });
});
