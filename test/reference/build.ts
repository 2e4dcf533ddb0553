/**
 * Test builders: problems and reports go through the real validators, so every test input is a
 * valid file's content with the spec's defaults applied.
 */
import type { Problem, Report } from '../../src/core/model.js';
import { validateProblem } from '../../src/core/problem-schema.js';
import { validateReport } from '../../src/core/report-schema.js';

/** Milliseconds per hour. */
export const HOUR = 3_600_000;

/** A fixed instant all test timelines start from: 2023-10-01T00:00:00Z. */
export const T0 = Date.UTC(2023, 9, 1);

/** The ISO text of `T0 + hours`. */
export function iso(hours: number): string {
  return new Date(T0 + hours * HOUR).toISOString();
}

/** Validates a problem document; throws with every issue when it is not valid. */
export function makeProblem(input: unknown): Problem {
  const result = validateProblem(input);
  if (!result.ok) throw new Error(`invalid test problem: ${JSON.stringify(result.issues)}`);
  return result.value;
}

/** Validates one report object against the problem; throws with every issue when it is not valid. */
export function makeReport(input: unknown, problem?: Problem): Report {
  const result = validateReport(input, problem);
  if (!result.ok)
    throw new Error(`invalid test report ${JSON.stringify(input)}: ${JSON.stringify(result.issues)}`);
  return result.value;
}

/** Validates a list of report objects. */
export function makeReports(inputs: readonly unknown[], problem?: Problem): Report[] {
  return inputs.map((input) => makeReport(input, problem));
}

/** A sensor report (s = 0.9, f = 0.1 unless given): the channel the hand-computed cases use. */
export function sensor(
  id: string,
  indicator: string,
  observed: 'present' | 'absent',
  hours: number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { id, indicator, observed, at: iso(hours), sensitivity: 0.9, falseAlarmRate: 0.1, ...extra };
}

/**
 * The two-hypothesis problem of the hand-computed cases:
 * calm (prior 0.5) and attack (prior 0.5, dangerous);
 * indicator x: P(present | calm) = 0.2, P(present | attack) = 0.8, no half-life;
 * indicator y: 0.3 and 0.6, no half-life;
 * indicator z: 0.2 and 0.8 (like x), half-life 10 hours;
 * levels quiet 0, watch 0.3, warning 0.7, hysteresis 0.2 (the default).
 */
export function calmOrAttack(priors: { calm: number; attack: number } = { calm: 0.5, attack: 0.5 }): Problem {
  return makeProblem({
    id: 'calm-or-attack',
    title: 'Calm or attack?',
    hypotheses: [
      { id: 'calm', title: 'Calm', prior: priors.calm },
      { id: 'attack', title: 'Attack', prior: priors.attack, dangerous: true },
    ],
    indicators: [
      { id: 'x', title: 'X', likelihood: { calm: 0.2, attack: 0.8 } },
      { id: 'y', title: 'Y', likelihood: { calm: 0.3, attack: 0.6 } },
      { id: 'z', title: 'Z', halfLifeHours: 10, likelihood: { calm: 0.2, attack: 0.8 } },
    ],
    warning: {
      levels: [
        { id: 'quiet', threshold: 0 },
        { id: 'watch', threshold: 0.3 },
        { id: 'warning', threshold: 0.7 },
      ],
    },
  });
}

/** Shannon entropy in bits of a two-outcome distribution (p, 1 - p). */
export function h2(p: number): number {
  const term = (x: number): number => (x > 0 ? -x * Math.log2(x) : 0);
  return term(p) + term(1 - p);
}
