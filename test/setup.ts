/**
 * Test setup. In CI the property tests run with a fixed seed, so a run is reproducible and a
 * red build is never a coin toss; on a developer's machine every run draws new cases, which is
 * how rare counterexamples are found (fast-check prints the seed to replay one).
 */
import fc from 'fast-check';

if (process.env.CI !== undefined && process.env.CI !== '' && process.env.VIGIL_RANDOM_SEED === undefined) {
  fc.configureGlobal({ seed: 20231007 });
}
