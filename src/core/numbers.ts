/**
 * Numbers with meaning, and the log-space arithmetic the assessment needs so that thousands of
 * reports cannot underflow.
 */

/** An amount of information in bits (base-2 logarithms), >= 0. Built by `bits`. */
export type Bits = number & { readonly __brand: 'Bits' };

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

/** Shannon entropy in bits of a distribution (0 log 0 = 0). */
export function entropyBits(p: ArrayLike<number>): Bits {
  let h = 0;
  for (let k = 0; k < p.length; k++) {
    const x = p[k]!;
    if (x > 0) h -= x * Math.log2(x);
  }
  return bits(h);
}
