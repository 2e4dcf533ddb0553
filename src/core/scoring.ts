/**
 * Calibration: how good were the probabilities, once we know what came true? Brier scores and
 * log scores of forecasts (the posterior over the hypotheses, and pDangerous), lead times of
 * warning levels, and the bins of a reliability diagram. Pure: no I/O, no clock.
 *
 * Conventions, fixed here so that any number Vigil prints can be checked by hand:
 *
 * - **Multi-class Brier score** of a posterior p over hypotheses, when hypothesis t came true:
 *   `Σ_h (p_h − [h = t])²`, in [0, 2]. 0 is a certain, right forecast; 2 a certain, wrong one;
 *   the uniform forecast over n hypotheses scores 1 − 1/n.
 * - **Binary Brier score** of pDangerous: `(p − o)²` with o = 1 when a dangerous hypothesis came
 *   true, else 0; in [0, 1]. (Half the two-class Brier score of the same forecast.)
 * - **Log score** (the "ignorance" score): `−log₂ max(ε, q)` where q is the probability the
 *   forecast gave to what came true (the true hypothesis; or pDangerous if danger came, else
 *   1 − pDangerous). In bits, >= 0, lower is better: 0 for certainty in the truth, 1 bit for a
 *   fifty-fifty call, and at most log₂(1/ε) ≈ 19.93 bits for a forecast that ruled the truth
 *   out (ε = LOG_SCORE_EPSILON = 1e-6), so one confident miss cannot make a mean infinite.
 * - A mean over a sequence of forecasts weighs each forecast equally (the caller chooses the
 *   instants: regular ones, so a long quiet spell counts for its length).
 */
import { bits, type Bits } from './numbers.js';

/**
 * A Brier score: a squared distance between a forecast and what happened; 0 is perfect.
 * Multi-class scores are in [0, 2], binary ones in [0, 1].
 */
export type BrierScore = number & { readonly __brand: 'BrierScore' };

/**
 * The floor on the probability of what came true before its logarithm is taken: a forecast of
 * 0 for the truth costs log₂(1/1e-6) ≈ 19.93 bits, a finite (if heavy) penalty.
 */
export const LOG_SCORE_EPSILON = 1e-6;

/** The worst log score there is: what a forecast of 0 for the truth costs, in bits. */
export const WORST_LOG_SCORE: Bits = bits(-Math.log2(LOG_SCORE_EPSILON));

/** A probability checked to be a finite number, then clamped into [0, 1] (rounding may overshoot). */
function probability(p: number, what: string): number {
  if (!Number.isFinite(p)) throw new RangeError(`${what} must be a finite probability, got ${p}`);
  return Math.min(1, Math.max(0, p));
}

/**
 * The log score of a forecast that gave probability `q` to what came true: −log₂ max(ε, q), in
 * bits (lower is better). Throws RangeError for a value that is not a finite number.
 */
export function logScore(q: number): Bits {
  const p = probability(q, 'the probability of what came true');
  return bits(-Math.log2(Math.max(LOG_SCORE_EPSILON, p)));
}

/**
 * Multi-class Brier score of a posterior (hypothesis id → probability; a hypothesis it does
 * not name has 0) when `truth` came true: Σ_h (p_h − [h = truth])² over every hypothesis the
 * posterior names and the truth. In [0, 2].
 */
export function multiClassBrier(posterior: Readonly<Record<string, number>>, truth: string): BrierScore {
  let sum = 0;
  let truthNamed = false;
  for (const [hypothesis, p] of Object.entries(posterior)) {
    const hit = hypothesis === truth;
    if (hit) truthNamed = true;
    const d = probability(p, `the probability of "${hypothesis}"`) - (hit ? 1 : 0);
    sum += d * d;
  }
  if (!truthNamed) sum += 1;
  return Math.min(2, sum) as BrierScore;
}

/** Log score of a posterior when `truth` came true: −log₂ max(ε, p_truth), in bits. */
export function multiClassLogScore(posterior: Readonly<Record<string, number>>, truth: string): Bits {
  return logScore(posterior[truth] ?? 0);
}

/** Binary Brier score (p − o)² of a forecast `p` of an event, o = 1 when it happened. In [0, 1]. */
export function binaryBrier(p: number, happened: boolean): BrierScore {
  const d = probability(p, 'the forecast') - (happened ? 1 : 0);
  return (d * d) as BrierScore;
}

/** Log score of a forecast `p` of an event: −log₂ max(ε, p) if it happened, else −log₂ max(ε, 1 − p). */
export function binaryLogScore(p: number, happened: boolean): Bits {
  const q = probability(p, 'the forecast');
  return logScore(happened ? q : 1 - q);
}

/** One forecast of a problem: the posterior over its hypotheses and pDangerous, at an instant (ms). */
export interface Forecast {
  readonly at: number;
  readonly posterior: Readonly<Record<string, number>>;
  readonly pDangerous: number;
}

/** What came true: the hypothesis, and whether it is one of the dangerous ones. */
export interface ResolvedTruth {
  readonly hypothesis: string;
  readonly dangerous: boolean;
}

/** Scores of one forecast. */
export interface ForecastScores {
  /** Multi-class Brier score of the posterior, [0, 2]. */
  readonly brier: BrierScore;
  /** Log score of the true hypothesis's probability, bits. */
  readonly logScore: Bits;
  /** Binary Brier score of pDangerous, [0, 1]. */
  readonly dangerBrier: BrierScore;
  /** Log score of pDangerous against whether danger came, bits. */
  readonly dangerLogScore: Bits;
}

/** Mean scores of a sequence of forecasts (null when there is none). */
export interface ScoreSummary {
  readonly count: number;
  readonly brier: number | null;
  readonly logScore: number | null;
  readonly dangerBrier: number | null;
  readonly dangerLogScore: number | null;
}

/** Every score of one forecast against what came true. */
export function scoreForecast(forecast: Forecast, truth: ResolvedTruth): ForecastScores {
  return {
    brier: multiClassBrier(forecast.posterior, truth.hypothesis),
    logScore: multiClassLogScore(forecast.posterior, truth.hypothesis),
    dangerBrier: binaryBrier(forecast.pDangerous, truth.dangerous),
    dangerLogScore: binaryLogScore(forecast.pDangerous, truth.dangerous),
  };
}

/** The mean of each score over the forecasts, each weighing the same; nulls for none. */
export function meanScores(forecasts: readonly Forecast[], truth: ResolvedTruth): ScoreSummary {
  if (forecasts.length === 0) return { count: 0, brier: null, logScore: null, dangerBrier: null, dangerLogScore: null };
  let brier = 0;
  let log = 0;
  let dangerBrier = 0;
  let dangerLog = 0;
  for (const forecast of forecasts) {
    const s = scoreForecast(forecast, truth);
    brier += s.brier;
    log += s.logScore;
    dangerBrier += s.dangerBrier;
    dangerLog += s.dangerLogScore;
  }
  const n = forecasts.length;
  return { count: n, brier: brier / n, logScore: log / n, dangerBrier: dangerBrier / n, dangerLogScore: dangerLog / n };
}

/** From `at` (ms) on, the level was `level` (until the next step of the path). */
export interface LevelStep {
  readonly at: number;
  readonly level: string;
}

/** When a level was first reached, and how long before the outcome that was. */
export interface LeadTime {
  readonly level: string;
  /** The first instant (ms) the level or a higher one was in force; null if never. */
  readonly firstReached: number | null;
  /**
   * outcome − firstReached in ms: positive when the level came before the outcome (the
   * warning's lead), negative when it came only after; null when never reached.
   */
  readonly leadMs: number | null;
}

/**
 * Lead time of every level but the first (the calm one), lowest first. A level counts as
 * reached when it or a higher one is in force: a jump from the first level straight to the
 * top reaches every level between at that instant. `path` is the level in force from each
 * instant on, in time order; steps naming a level not in `levels` (ordered lowest first) are
 * skipped.
 */
export function leadTimes(path: readonly LevelStep[], levels: readonly string[], outcomeAt: number): LeadTime[] {
  const rank = new Map(levels.map((id, k) => [id, k]));
  const first = new Array<number | null>(levels.length).fill(null);
  for (const step of path) {
    const r = rank.get(step.level);
    if (r === undefined) continue;
    for (let k = 1; k <= r; k++) if (first[k] === null) first[k] = step.at;
  }
  return levels.slice(1).map((level, i) => {
    const reached = first[i + 1] ?? null;
    return { level, firstReached: reached, leadMs: reached === null ? null : outcomeAt - reached };
  });
}

/** A forecast probability of an event and whether the event happened. */
export interface BinaryOutcome {
  readonly p: number;
  readonly happened: boolean;
}

/** One bin of a reliability diagram. */
export interface ReliabilityBin {
  /** Forecasts in [lower, upper) fall in this bin (the last bin includes 1). */
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
  /** The mean forecast of the bin; null when it is empty. */
  readonly meanForecast: number | null;
  /** The share of its forecasts whose event happened; null when it is empty. */
  readonly observedFrequency: number | null;
}

/**
 * The bins of a reliability diagram: `binCount` equal bins of forecast probability over [0, 1]
 * (the last closed above), each with how many forecasts fell in it, their mean, and how often
 * the event happened. A calibrated forecaster's bins lie on the diagonal. Throws RangeError for
 * a bin count that is not a whole number from 1 to 100.
 */
/**
 * The bin [k/n, (k+1)/n) that holds p, with the bounds as the bins report them: p * n rounds
 * (0.29 * 100 is 28.999...), so the floor is moved to where k/n <= p < (k+1)/n; p = 1 goes in the last.
 */
function binOf(p: number, n: number): number {
  let k = Math.floor(p * n);
  if ((k + 1) / n <= p) k += 1;
  else if (k / n > p) k -= 1;
  return Math.max(0, Math.min(n - 1, k));
}

export function reliabilityBins(outcomes: readonly BinaryOutcome[], binCount = 10): ReliabilityBin[] {
  if (!Number.isInteger(binCount) || binCount < 1 || binCount > 100) throw new RangeError(`the bin count must be a whole number from 1 to 100, got ${binCount}`);
  const counts = new Array<number>(binCount).fill(0);
  const sums = new Array<number>(binCount).fill(0);
  const hits = new Array<number>(binCount).fill(0);
  for (const o of outcomes) {
    const p = probability(o.p, 'a forecast');
    const k = binOf(p, binCount);
    counts[k]! += 1;
    sums[k]! += p;
    if (o.happened) hits[k]! += 1;
  }
  return counts.map((count, k) => ({
    lower: k / binCount,
    upper: (k + 1) / binCount,
    count,
    meanForecast: count === 0 ? null : sums[k]! / count,
    observedFrequency: count === 0 ? null : hits[k]! / count,
  }));
}
