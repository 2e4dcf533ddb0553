/**
 * The warning-problem model and report types of `shared/spec/assessment.md`, sections 1, 2 and 6.
 * Plain data: what a validated problem or report file holds.
 */

/** One of the competing, mutually exclusive and exhaustive hypotheses. */
export interface Hypothesis {
  readonly id: string;
  readonly title: string;
  /** Prior probability, strictly in (0, 1); the priors of a problem sum to 1. */
  readonly prior: number;
  /** A dangerous hypothesis is one a warning is about (raid, attack). */
  readonly dangerous?: boolean;
}

/** Something that may be observed, with P(truly present | hypothesis) for every hypothesis. */
export interface Indicator {
  readonly id: string;
  readonly title: string;
  /** Evidence on this indicator loses half its weight every `halfLifeHours`; absent = never fades. */
  readonly halfLifeHours?: number;
  /** Hypothesis id -> P(indicator truly present | hypothesis), strictly in (0, 1). */
  readonly likelihood: Readonly<Record<string, number>>;
}

/** One warning level: reached when pDangerous >= threshold. */
export interface WarningLevel {
  readonly id: string;
  readonly threshold: number;
}

/** The warning policy (spec section 6). */
export interface WarningPolicy {
  /** Lowest first; thresholds strictly increasing; the first is exactly 0. */
  readonly levels: readonly WarningLevel[];
  /** In [0, 1); default 0.2. */
  readonly hysteresis?: number;
}

/** A warning problem (spec section 1). */
export interface Problem {
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  readonly hypotheses: readonly Hypothesis[];
  readonly indicators: readonly Indicator[];
  readonly warning: WarningPolicy;
}

export const RELIABILITY_GRADES = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
export const CREDIBILITY_GRADES = ['1', '2', '3', '4', '5', '6'] as const;
/** Admiralty source-reliability grade. */
export type Reliability = (typeof RELIABILITY_GRADES)[number];
/** Admiralty information-credibility grade. */
export type Credibility = (typeof CREDIBILITY_GRADES)[number];
export type Observation = 'present' | 'absent';

/**
 * A report, with defaults applied: `received`, `source`, `reliability` and `credibility` are
 * always set. Instants are milliseconds since the epoch (UTC).
 */
export interface Report {
  readonly id: string;
  readonly indicator: string;
  readonly observed: Observation;
  /** When the thing was observed (ms since epoch). */
  readonly at: number;
  /** When the report reached the system (ms since epoch), >= `at`. */
  readonly received: number;
  readonly source: string;
  readonly reliability: Reliability;
  readonly credibility: Credibility;
  /** Measured hit rate of the source, strictly in (0, 1); given together with `falseAlarmRate`. */
  readonly sensitivity?: number;
  /** Measured false-alarm rate of the source, strictly in (0, 1). */
  readonly falseAlarmRate?: number;
  readonly text?: string;
}

/** The hysteresis used when the policy gives none. */
export const DEFAULT_HYSTERESIS = 0.2;
