/**
 * Branded numbers: a value's meaning travels with its type, so a log-probability cannot be
 * passed where a probability is expected. Each is built by a validating constructor.
 */

/** A probability in [0, 1]. */
export type Probability = number & { readonly __brand: 'Probability' };

/** A natural logarithm of a probability: a number in [-Infinity, 0]. */
export type LogProbability = number & { readonly __brand: 'LogProbability' };

/** An amount of information in bits (base-2 logarithms), >= 0. */
export type Bits = number & { readonly __brand: 'Bits' };

/** Hours, as a finite number. */
export type Hours = number & { readonly __brand: 'Hours' };

/**
 * Brands `x` as a probability. Throws a RangeError when `x` is not in [0, 1]; tiny rounding
 * excursions (within 1e-12) are clamped, since sums of floating-point terms may land there.
 */
export function probability(x: number): Probability {
  if (Number.isNaN(x) || x < -1e-12 || x > 1 + 1e-12) {
    throw new RangeError(`not a probability: ${x}`);
  }
  return Math.min(1, Math.max(0, x)) as Probability;
}

/** Brands `x` (assumed <= 0 up to rounding) as a log-probability, clamping rounding above 0. */
export function logProbability(x: number): LogProbability {
  if (Number.isNaN(x) || x > 1e-12) throw new RangeError(`not a log-probability: ${x}`);
  return Math.min(0, x) as LogProbability;
}

/** Brands `x` (>= 0 up to rounding) as bits, clamping tiny negative rounding to 0. */
export function bits(x: number): Bits {
  if (Number.isNaN(x) || x < -1e-9) throw new RangeError(`not an amount of information: ${x}`);
  return Math.max(0, x) as Bits;
}

/**
 * log(exp(a) + exp(b)) without overflow or underflow. Either side may be -Infinity.
 */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

/** log(Σ exp(x_i)) over an array; -Infinity for an empty array. */
export function logSumExp(xs: ArrayLike<number>): number {
  let m = -Infinity;
  for (let k = 0; k < xs.length; k++) if (xs[k]! > m) m = xs[k]!;
  if (m === -Infinity) return -Infinity;
  if (m === Infinity) return Infinity;
  let sum = 0;
  for (let k = 0; k < xs.length; k++) sum += Math.exp(xs[k]! - m);
  return m + Math.log(sum);
}

/** log(1 - exp(x)) for x <= 0, accurate near both ends (Mächler's log1mexp). */
export function log1mExp(x: number): number {
  if (x > -Math.LN2) return Math.log(-Math.expm1(x));
  return Math.log1p(-Math.exp(x));
}

/**
 * Normalizes log-weights into probabilities: p_i = exp(w_i - logΣexp(w)). Never produces NaN
 * for finite inputs, however small.
 */
export function normalizeLogWeights(logWeights: ArrayLike<number>): Probability[] {
  const z = logSumExp(logWeights);
  return Array.from(logWeights, (w) => Math.exp(w - z) as Probability);
}

/** Shannon entropy in bits of a distribution (0 log 0 = 0). */
export function entropyBits(p: ArrayLike<number>): Bits {
  let h = 0;
  for (let k = 0; k < p.length; k++) {
    const x = p[k]!;
    if (x > 0) h -= x * Math.log2(x);
  }
  return bits(h);
}
