/**
 * From a report's grades (or a sensor's measured rates) to a noisy channel on the true state of
 * its indicator, and the fading of that channel with age (spec sections 2.1 and 2.2).
 */
import type { Credibility, Reliability, Report } from './model.js';

/**
 * A report as a noisy channel: `s` = P(says present | truly present), `f` = P(says present |
 * truly absent). Both strictly in (0, 1).
 */
export interface Channel {
  readonly s: number;
  readonly f: number;
}

/** r: how often a source of this Admiralty reliability grade is right (spec table 2.1). */
export const RELIABILITY_ACCURACY: Readonly<Record<Reliability, number>> = {
  A: 0.95,
  B: 0.85,
  C: 0.75,
  D: 0.6,
  E: 0.5,
  F: 0.65,
};

/** c: how often information of this Admiralty credibility grade is right (spec table 2.1). */
export const CREDIBILITY_ACCURACY: Readonly<Record<Credibility, number>> = {
  '1': 0.95,
  '2': 0.85,
  '3': 0.75,
  '4': 0.6,
  '5': 0.5,
  '6': 0.65,
};

/**
 * P(the report is right) for a reliability and credibility grade: q = r*c + (1-r)*(1-c).
 * E or 5 gives exactly 0.5, an uninformative report.
 */
export function gradeAccuracy(reliability: Reliability, credibility: Credibility): number {
  const r = RELIABILITY_ACCURACY[reliability];
  const c = CREDIBILITY_ACCURACY[credibility];
  return r * c + (1 - r) * (1 - c);
}

/** The channel of a report: its sensor rates when given, else s = q and f = 1 - q from its grades. */
export function reportChannel(report: Report): Channel {
  if (report.sensitivity !== undefined && report.falseAlarmRate !== undefined) {
    return { s: report.sensitivity, f: report.falseAlarmRate };
  }
  const q = gradeAccuracy(report.reliability, report.credibility);
  return { s: q, f: 1 - q };
}

/**
 * The weight of evidence of a given age: 2^(-age/halfLife), or 1 when the indicator never fades.
 * Ages below 0 count as 0.
 */
export function fadeWeight(ageHours: number, halfLifeHours: number | undefined): number {
  if (halfLifeHours === undefined) return 1;
  return Math.pow(2, -Math.max(0, ageHours) / halfLifeHours);
}

/**
 * Fades a channel toward uninformative (s = f = 0.5) by the weight of its age:
 * s' = 0.5 + (s - 0.5) w, f' = 0.5 + (f - 0.5) w.
 */
export function fadeChannel(channel: Channel, ageHours: number, halfLifeHours: number | undefined): Channel {
  const w = fadeWeight(ageHours, halfLifeHours);
  if (w === 1) return channel;
  return { s: 0.5 + (channel.s - 0.5) * w, f: 0.5 + (channel.f - 0.5) * w };
}

/**
 * log P(report | S = 1) and log P(report | S = 0) for a channel faded by age, given what the
 * report says. Each faded probability is formed as a sum of non-negative terms,
 * s' = s w + 0.5 (1 - w) and 1 - s' = (1 - s) w + 0.5 (1 - w) with 1 - w from expm1, so no
 * digits are lost to cancellation when s or f is near 0 or 1 and the report has barely faded.
 */
export function reportLogLikelihoods(
  channel: Channel,
  observed: Report['observed'],
  ageHours = 0,
  halfLifeHours?: number,
): { logA: number; logB: number } {
  const terms = likelihoodTerms(channel, observed);
  if (halfLifeHours === undefined || !(ageHours > 0)) return { logA: terms.logA, logB: terms.logB };
  const x = (-ageHours / halfLifeHours) * Math.LN2;
  const w = Math.exp(x);
  const half = -0.5 * Math.expm1(x);
  return { logA: Math.log(terms.a * w + half), logB: Math.log(terms.b * w + half) };
}

/**
 * What `reportLogLikelihoods` needs of a report besides its age, worked out once: P(what it
 * says | S = 1) and P(what it says | S = 0) unfaded, and their logarithms.
 */
export interface LikelihoodTerms {
  readonly a: number;
  readonly b: number;
  readonly logA: number;
  readonly logB: number;
}

export function likelihoodTerms(channel: Channel, observed: Report['observed']): LikelihoodTerms {
  return observed === 'present'
    ? { a: channel.s, b: channel.f, logA: Math.log(channel.s), logB: Math.log(channel.f) }
    : { a: 1 - channel.s, b: 1 - channel.f, logA: Math.log1p(-channel.s), logB: Math.log1p(-channel.f) };
}
