/** The inbox's order and a warning's escalation state, from warnings as the API answers them. */
import { describe, expect, it } from 'vitest';
import type { Warning, WarningNotification } from '../../web/src/api/types.js';
import { deliveryOutcome, escalationOf, isDissentWarning, whyTold } from '../../web/src/pages/warnings/escalation.js';
import { inboxOf, warningCountsByProblem } from '../../web/src/pages/warnings/inbox.js';

function warning(id: string, fields: Partial<Warning> & { levelIndex?: number } = {}): Warning {
  const { levelIndex = 1, ...rest } = fields;
  return {
    id,
    problem: 'p',
    state: 'open',
    version: 1,
    acknowledged: false,
    openedAt: '2026-11-25T10:00:00.000Z',
    updatedAt: '2026-11-25T10:00:00.000Z',
    level: 'watch',
    pDangerous: 0.2,
    words: 'unlikely',
    leading: 'calm',
    judgment: { at: '2026-11-25T10:00:00.000Z', level: 'watch', levelIndex, pDangerous: 0.2, words: 'unlikely', leading: 'calm', evidence: [], collect: [], withheld: 0 },
    notified: [],
    deliveries: [],
    acknowledgments: [],
    versions: [{ version: 1, at: '2026-11-25T10:00:00.000Z', reason: 'opened', level: 'watch', pDangerous: 0.2 }],
    ...rest,
  };
}

const told = (person: string, version: number, fields: Partial<WarningNotification> = {}): WarningNotification => ({
  at: `2026-11-25T10:0${version}:00.000Z`,
  version,
  step: 0,
  person,
  reason: 'holder',
  role: 'duty-officer',
  channels: ['in-app', 'webhook'],
  ...fields,
});

describe('the inbox order', () => {
  it('puts open warnings sent to me and not acknowledged first, then the others, then the acknowledged; closed ones nowhere', () => {
    const warnings = [
      warning('others-high', { levelIndex: 3 }),
      warning('mine-low', { levelIndex: 1 }),
      warning('mine-high', { levelIndex: 2 }),
      warning('mine-newer', { levelIndex: 1, updatedAt: '2026-11-25T11:00:00.000Z' }),
      warning('acked-others', { acknowledged: true, levelIndex: 3 }),
      warning('acked-mine', { acknowledged: true, levelIndex: 1 }),
      warning('closed-mine', { state: 'closed' }),
    ];
    const inbox = inboxOf(warnings, new Set(['mine-low', 'mine-high', 'mine-newer', 'acked-mine', 'closed-mine']));
    expect(inbox.mine.map((w) => w.id)).toEqual(['mine-high', 'mine-newer', 'mine-low']);
    expect(inbox.others.map((w) => w.id)).toEqual(['others-high']);
    expect(inbox.acknowledged.map((w) => w.id)).toEqual(['acked-mine', 'acked-others']);
  });

  it('counts the open warnings per problem, and those nobody has acknowledged', () => {
    const counts = warningCountsByProblem([warning('a'), warning('b', { problem: 'q', acknowledged: true }), warning('c'), warning('d', { acknowledged: true }), warning('e', { state: 'closed' })]);
    expect(counts).toEqual(
      new Map([
        ['p', { open: 3, unacknowledged: 2 }],
        ['q', { open: 1, unacknowledged: 0 }],
      ]),
    );
  });
});

describe('the escalation of a version', () => {
  const w = warning('w', {
    version: 2,
    notified: [told('duty-1', 1), told('duty-1', 2), told('duty-2', 2, { reason: 'delegate', role: 'head-of-research', standingInFor: ['research-head'], channels: ['email'] }), told('duty-1', 2, { step: 3 })],
    deliveries: [
      { at: 'x', version: 2, person: 'duty-1', channel: 'webhook', attempt: 1, outcome: 'failed', status: 503, retryAt: '2026-11-25T10:02:01.000Z' },
      { at: 'y', version: 2, person: 'duty-1', channel: 'webhook', attempt: 2, outcome: 'delivered' },
      { at: 'z', version: 1, person: 'duty-1', channel: 'webhook', attempt: 1, outcome: 'delivered' },
    ],
    acknowledgments: [
      { at: 'a', version: 1, person: 'duty-2', user: 'u2', via: 'in-app', judgment: { level: 'watch', pDangerous: 0.2, at: 'x' } },
      { at: 'b', version: 2, person: 'duty-1', user: 'u1', note: 'on it', via: 'in-app', judgment: { level: 'watch', pDangerous: 0.2, at: 'x' } },
      { at: 'c', version: 2, user: 'chief', via: 'api', judgment: { level: 'watch', pDangerous: 0.2, at: 'x' } },
    ],
  });

  it('says who was told of it (each once, every telling kept), the latest delivery per channel, and who has not answered', () => {
    const state = escalationOf(w);
    expect(state.recipients.map((r) => [r.person, r.told.length, r.deliveries.map((d) => d.outcome), r.acknowledgment?.note])).toEqual([
      ['duty-1', 2, ['delivered'], 'on it'],
      ['duty-2', 1, [], undefined],
    ]);
    expect(state.acknowledgments.map((a) => a.user)).toEqual(['u1', 'chief']);
    expect(state.silent).toEqual(['duty-2']);
    // An earlier version has its own state.
    expect(escalationOf(w, 1).silent).toEqual(['duty-1']);
  });

  it('says why a person was told, and what became of a delivery, in words', () => {
    expect(whyTold(told('a', 1))).toBe('holder of duty-officer');
    expect(whyTold(told('a', 1, { reason: 'deputy', standingInFor: ['h'] }))).toBe('deputy for duty-officer, standing in for h');
    expect(whyTold(told('a', 1, { reason: 'delegate', standingInFor: ['h', 'd1'] }))).toBe('delegate for duty-officer, standing in for h, d1');
    expect(whyTold(told('a', 1, { reason: 'named', role: undefined }))).toBe('named in the policy');
    expect(whyTold(told('a', 1, { allClear: true }))).toBe('told of the all-clear');
    const at = (iso: string) => iso.slice(11, 19);
    expect(deliveryOutcome(w.deliveries[0]!, at)).toBe('failed (status 503), trying again at 10:02:01');
    expect(deliveryOutcome(w.deliveries[1]!, at)).toBe('delivered after 2 tries');
    expect(deliveryOutcome({ ...w.deliveries[0]!, outcome: 'gave-up', status: 410, detail: 'HTTP 410' }, at)).toBe('gave up (status 410): HTTP 410');
  });

  it('tells a dissent’s warning from the official one', () => {
    expect(isDissentWarning(w)).toBe(false);
    expect(isDissentWarning(warning('d', { versions: [{ version: 1, at: 'x', reason: 'dissent', level: 'alert', pDangerous: 0.7 }] }))).toBe(true);
  });
});
