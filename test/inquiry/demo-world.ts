/**
 * The demo replay on a fake clock, as the inquiry tests see it: the southern-front problem, its
 * 83 reports each recorded live at its own `received` instant (the signals reports SECRET, the
 * human sources CONFIDENTIAL, as in the demo), the example organisation (plus one absence with
 * no stand-in, so one escalation step reaches nobody) and the warning engine running with an
 * email channel that loses one message and refuses another. People act on the way: a model
 * version is stored, two dissents are filed (one withdrawn), warnings are acknowledged (the
 * alert with a decision in its note), and the outcome is recorded after the attack.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Principal, Role, Clearance } from '../../src/app/access.js';
import { Accounts } from '../../src/app/accounts.js';
import { Store } from '../../src/app/store.js';
import type { Problem, Report } from '../../src/core/model.js';
import { validateProblem } from '../../src/core/problem-schema.js';
import { parseReportsText } from '../../src/core/report-file.js';
import { recordOutcome } from '../../src/inquiry/outcome.js';
import type { ChannelSender, DeliveryResult, Notification } from '../../src/warn/channel.js';
import { WarningEngine } from '../../src/warn/engine.js';
import type { OrganisationDocument } from '../../src/warn/organisation.js';
import { loadOrganisation } from '../../src/warn/organisation-store.js';
import { openWarningOf } from '../../src/warn/warning-reads.js';

const example = (name: string) => new URL(`../../examples/southern-front/${name}`, import.meta.url);

export const PROBLEM = (() => {
  const result = validateProblem(parseYaml(readFileSync(example('problem.yaml'), 'utf8')));
  if (!result.ok) throw new Error('the example problem does not validate');
  return result.value;
})();

/** The example's reports, in the order received. */
export const REPORTS: readonly Report[] = [...parseReportsText(readFileSync(example('reports.jsonl'), 'utf8'), 'jsonl', PROBLEM).reports].sort((a, b) => a.received - b.received);

/** The marking the demo gives a report by its source. */
export function markingOf(source: string): string {
  if (source === 'sigint') return 'SECRET';
  if (source === 'wren' || source === 'kestrel' || source === 'orchard') return 'CONFIDENTIAL';
  return 'UNCLASSIFIED';
}

export const START = Date.parse('2026-02-01T00:00:00Z');
export const MODEL_CHANGED = Date.parse('2026-02-20T10:00:00Z');
export const DISSENT_A_FILED = Date.parse('2026-03-05T09:00:00Z');
export const DISSENT_A_WITHDRAWN = Date.parse('2026-03-09T12:00:00Z');
export const WARNING_ACKNOWLEDGED = Date.parse('2026-03-13T21:40:00Z');
export const DISSENT_B_FILED = Date.parse('2026-03-13T22:15:00Z');
export const DECISION = Date.parse('2026-03-14T01:35:00Z');
export const ATTACK = Date.parse('2026-03-14T04:30:00Z');
export const OUTCOME_RECORDED = Date.parse('2026-03-14T05:00:00Z');
export const END = Date.parse('2026-03-14T06:00:00Z');
export const DECISION_NOTE = 'Decision: reserve brigades called up at 01:50, forward posts reinforced, families in the border villages told to move north.';

/** The example organisation, and the chief of staff away from 13 to 15 March with nobody standing in. */
export function organisation(): OrganisationDocument {
  const doc = parseYaml(readFileSync(example('organisation.yaml'), 'utf8')) as OrganisationDocument;
  return { ...doc, absences: [...doc.absences, { person: 'chief-of-staff', from: '2026-03-13T00:00:00Z', to: '2026-03-15T00:00:00Z' }] };
}

/**
 * Email, as the fake world delivers it: the head of research's first attempt of each message
 * fails (a mail server asking to come back later) and the retry goes through; the red team's
 * mailbox refuses everything (permanently).
 */
class FakeEmail implements ChannelSender {
  readonly channel = 'email' as const;
  readonly sent: Notification[] = [];
  reaches(contact: { email?: string }): boolean {
    return contact.email !== undefined;
  }
  async deliver(n: Notification): Promise<DeliveryResult> {
    if (n.person === 'control-1') return { outcome: 'failed', permanent: true, status: 550, detail: '550 mailbox unavailable' };
    if (n.person === 'research-head' && n.attempt === 1) return { outcome: 'failed', permanent: false, status: 421, detail: '421 try again later' };
    this.sent.push(n);
    return { outcome: 'delivered', status: 250 };
  }
}

export interface DemoUser {
  readonly id: string;
  readonly name: string;
  readonly principal: Principal;
}

export interface DemoWorld {
  readonly dir: string;
  readonly store: Store;
  readonly accounts: Accounts;
  readonly engine: WarningEngine;
  readonly clock: { now: () => Date; set(ms: number): void };
  readonly users: Record<'analyst' | 'senior' | 'duty' | 'chief' | 'viewer' | 'auditor' | 'lowAuditor', DemoUser>;
  readonly email: FakeEmail;
  /** Ids of the dissents filed: withdrawn, then the one the official assessment caught up with. */
  readonly dissents: { readonly withdrawn: string; readonly caughtUp: string };
  close(): Promise<void>;
}

export const PASSWORD = 'a long demo test password';

/** Plays the demo on a fake clock (about ten seconds on a slow machine). */
export async function playDemo(): Promise<DemoWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-inquiry-demo-'));
  let t = START;
  const clock = { now: () => new Date(t), set: (ms: number) => void (t = ms) };
  const store = await Store.open({ dataDir: dir, clock: clock.now });
  const accounts = await Accounts.open(store, { clock: clock.now });
  const user = async (name: string, roles: Role[], clearance: Clearance): Promise<DemoUser> => {
    const created = await accounts.createUser({ username: name, password: PASSWORD, roles, clearance }, 'test');
    return { id: created.id, name, principal: { kind: 'user', id: created.id, name, roles, clearance, compartments: [] } };
  };
  const users = {
    analyst: await user('analyst', ['analyst'], 'SECRET'),
    senior: await user('senior', ['senior-analyst'], 'SECRET'),
    duty: await user('duty', ['duty-officer'], 'SECRET'),
    chief: await user('chief', ['decision-maker'], 'TOP SECRET'),
    viewer: await user('viewer', ['viewer'], 'UNCLASSIFIED'),
    auditor: await user('auditor', ['auditor'], 'TOP SECRET'),
    lowAuditor: await user('low-auditor', ['auditor'], 'UNCLASSIFIED'),
  };
  await store.defineProblem(PROBLEM, users.senior.id);
  await loadOrganisation(store, organisation(), 'test');
  const email = new FakeEmail();
  const engine = new WarningEngine(store, {
    clock: clock.now,
    channels: [email],
    tickMs: 3_600_000,
    reevaluateMs: Number.MAX_SAFE_INTEGER,
    random: () => 0.5,
    onError: (error) => {
      throw error;
    },
  });
  engine.start();

  /** Runs every timer due up to `until`, each at its own instant, then sets the clock there. */
  const runUntil = async (until: number) => {
    for (;;) {
      const rows = await store.db.all<{ due: number }>('SELECT min(due_ms) AS due FROM warn_timers');
      const due = rows[0]?.due === null || rows[0]?.due === undefined ? undefined : Number(rows[0].due);
      if (due === undefined || due > until) break;
      clock.set(Math.max(t, due));
      await engine.idle();
      await engine.tick();
      await engine.idle();
    }
    clock.set(Math.max(t, until));
  };

  const dissents = { withdrawn: '', caughtUp: '' };
  const actions: { at: number; run: () => Promise<void> }[] = [
    {
      at: MODEL_CHANGED,
      run: async () => {
        const v2: Problem = { ...PROBLEM, description: `${PROBLEM.description ?? ''} Version 2: the exercise hypothesis reworded after the Granite Gate briefing.`.trim() };
        await store.defineProblem(v2, users.senior.id);
      },
    },
    {
      at: DISSENT_A_FILED,
      run: async () => {
        const filed = await engine.fileDissent(PROBLEM.id, users.analyst.principal, { routine: 0.2, exercise: 0.6, raid: 0.15, offensive: 0.05 }, 'The camps stay occupied after Granite Gate was declared over: a raid is likelier than the model says.');
        dissents.withdrawn = filed.dissent;
      },
    },
    { at: DISSENT_A_WITHDRAWN, run: async () => void (await engine.withdrawDissent(dissents.withdrawn, users.analyst.principal, 'Two quiet nights at the fence: the camps are a drill after all.')) },
    {
      at: WARNING_ACKNOWLEDGED,
      run: async () => {
        const open = await openWarningOf(store.db, PROBLEM.id);
        if (open === undefined) throw new Error('no warning open to acknowledge at 21:40');
        await engine.acknowledge(open.id, users.duty.principal, { via: 'in-app' });
      },
    },
    {
      at: DISSENT_B_FILED,
      run: async () => {
        const filed = await engine.fileDissent(PROBLEM.id, users.analyst.principal, { routine: 0.05, exercise: 0.25, raid: 0.2, offensive: 0.5 }, 'SIM activations across the assault units at night are not what the February drill looked like: this is the attack.');
        dissents.caughtUp = filed.dissent;
      },
    },
    {
      at: DECISION,
      run: async () => {
        const open = await openWarningOf(store.db, PROBLEM.id);
        if (open === undefined) throw new Error('no warning open at 01:35');
        await engine.acknowledge(open.id, users.senior.principal, { via: 'in-app', note: DECISION_NOTE });
      },
    },
    {
      at: OUTCOME_RECORDED,
      run: async () => void (await recordOutcome(store, PROBLEM.id, { hypothesis: 'offensive', at: ATTACK, note: 'The attack began at 04:30 along markers 40-120.' }, users.senior.id, OUTCOME_RECORDED)),
    },
  ];

  const steps = [
    ...REPORTS.map((report, k) => ({ at: report.received, order: 1, k, run: async () => void (await store.recordReports(PROBLEM.id, [{ report, classification: markingOf(report.source) }], { actor: users.analyst.id })) })),
    ...actions.map((a, k) => ({ ...a, order: 0, k })),
  ].sort((a, b) => a.at - b.at || a.order - b.order || a.k - b.k);
  for (const step of steps) {
    await runUntil(step.at);
    await step.run();
    await engine.idle();
  }
  await runUntil(END);
  await engine.idle();
  return {
    dir,
    store,
    accounts,
    engine,
    clock,
    users,
    email,
    dissents,
    async close() {
      await engine.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
