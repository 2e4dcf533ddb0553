/**
 * The email of a closed warning says why it closed (src/warn/warning-email.ts): an official
 * all-clear, a dissent withdrawn, or a dissent the official warning took over (which is not all
 * clear: the danger stands, in the official warning). Pure.
 */
import { describe, expect, it } from 'vitest';
import type { ClosingReason, Notification } from '../../src/warn/channel.js';
import { warningEmail } from '../../src/warn/warning-email.js';

const closing = (closedBecause: ClosingReason, level: string, pDangerous: number, words: string): Notification => ({
  id: 'w:3:c1',
  warning: 'w',
  version: 3,
  problem: 'tiny',
  problemTitle: 'Bridge',
  person: 'c1',
  contact: { person: 'c1', name: 'Person c1', email: 'c1@example.org' },
  reason: 'holder',
  judgment: { at: '2023-10-07T04:00:00.000Z', level, levelIndex: level === 'normal' ? 0 : 1, pDangerous, words, leading: 'calm', evidence: [], collect: [] },
  withheld: 0,
  allClear: true,
  closedBecause,
  attempt: 1,
});

describe('the email of a closed warning', () => {
  it.for([
    ['all-clear', 'normal', 0.1, '[Vigil] All clear: Bridge', 'The level is back to "normal": pDangerous 10 % (very unlikely).'],
    ['dissent-withdrawn', 'normal', 0.1, '[Vigil] All clear: Bridge', 'The dissent it spoke for was withdrawn by its author.'],
    ['official-caught-up', 'warning', 0.8, '[Vigil] Dissent taken over by the official warning: Bridge', 'The official warning carries it from here.'],
  ] as const)('%s: subject and reason', ([reason, level, p, subject, line]) => {
    const email = warningEmail(closing(reason, level, p, p > 0.5 ? 'very likely' : 'very unlikely'));
    expect(email.subject).toBe(subject);
    expect(email.text).toContain(line);
    expect(email.text).not.toContain('Acknowledge');
  });

  it('never calls a dissent the official warning took over "back to" its level', () => {
    expect(warningEmail(closing('official-caught-up', 'warning', 0.8, 'very likely')).text).not.toContain('back to');
  });
});
