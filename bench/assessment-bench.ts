/**
 * Benchmark of the assessment engine (issue "Foundation", section 6): a problem of 10
 * hypotheses x 200 indicators with 100,000 reports.
 */
import { snapshotAt } from '../src/core/assess.js';
import { collectionAdvice } from '../src/core/collection.js';
import { compileProblem } from '../src/core/compiled-problem.js';
import { countReports } from '../src/core/counting.js';
import { gatherEvidence } from '../src/core/evidence.js';
import { IncrementalAssessor } from '../src/core/incremental.js';
import type { Problem, Report } from '../src/core/model.js';
import { parseReportsText } from '../src/core/report-file.js';
import { indicatorTerms, logStateGivenHypothesis, logWeightsFromTerms, posteriorFromLogWeights } from '../src/core/posterior.js';
import { sensitivity } from '../src/core/sensitivity.js';
import { median, rng, time, type BenchResult } from './measure.js';

const HYPOTHESES = 10;
const INDICATORS = 200;
const REPORTS = 100_000;
const SOURCES = 2_000;
const HOUR = 3_600_000;
const T0 = Date.UTC(2023, 8, 1);

/** A random but valid problem: a quarter of the indicators fade. */
export function benchProblem(random: () => number): Problem {
  const hypotheses = Array.from({ length: HYPOTHESES }, (_, i) => ({
    id: `h${i}`,
    title: `Hypothesis ${i}`,
    prior: 1 / HYPOTHESES,
    dangerous: i >= HYPOTHESES - 3,
  }));
  const indicators = Array.from({ length: INDICATORS }, (_, j) => ({
    id: `ind-${String(j).padStart(3, '0')}`,
    title: `Indicator ${j}`,
    ...(j % 4 === 0 ? { halfLifeHours: 24 + (j % 7) * 12 } : {}),
    likelihood: Object.fromEntries(hypotheses.map((h) => [h.id, 0.02 + 0.96 * random()])),
  }));
  return {
    id: 'bench',
    title: 'Benchmark problem',
    hypotheses,
    indicators,
    warning: { levels: [{ id: 'normal', threshold: 0 }, { id: 'watch', threshold: 0.2 }, { id: 'alert', threshold: 0.6 }] },
  };
}

/**
 * Reports spread over 30 days, received in order, from a pool of sources with mixed grades,
 * read through the report-file parser as real reports are.
 */
export function benchReports(random: () => number, n: number): Report[] {
  const lines = generateReports(random, n).map((r) =>
    JSON.stringify({ ...r, at: new Date(r.at).toISOString(), received: new Date(r.received).toISOString() }),
  );
  const parsed = parseReportsText(lines.join('\n'), 'jsonl');
  if (parsed.errors.length > 0) throw new Error(`benchmark data: ${parsed.errors[0]?.message}`);
  return parsed.reports;
}

function generateReports(random: () => number, n: number): Report[] {
  const grades = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
  const creds = ['1', '2', '3', '4', '5', '6'] as const;
  return Array.from({ length: n }, (_, k): Report => {
    const at = T0 + Math.floor((k / n) * 30 * 24 * HOUR);
    const sensor = k % 10 === 0;
    return {
      id: `r-${k}`,
      indicator: `ind-${String(Math.floor(random() * INDICATORS)).padStart(3, '0')}`,
      observed: random() < 0.5 ? 'present' : 'absent',
      at,
      received: at + Math.floor(random() * HOUR),
      source: `src-${Math.floor(random() * SOURCES)}`,
      reliability: grades[Math.floor(random() * 6)]!,
      credibility: creds[Math.floor(random() * 6)]!,
      ...(sensor ? { sensitivity: 0.6 + 0.3 * random(), falseAlarmRate: 0.01 + 0.2 * random() } : {}),
    };
  }).sort((a, b) => a.received - b.received);
}

export function runAssessmentBench(): BenchResult[] {
  const random = rng(20231007);
  const problem = benchProblem(random);
  const reports = benchReports(random, REPORTS);
  const at = reports[reports.length - 1]!.received;
  const compiled = compileProblem(problem);
  const results: BenchResult[] = [];

  const full = median(7, () => time(() => snapshotAt(problem, reports, at)));
  results.push({ name: 'full assessment (posterior, beliefs, sensitivity, collection), 100k reports', value: full, unit: 'ms', target: '< 200 ms' });

  // Parts of the full assessment, measured alone.
  const { counted } = countReports(reports, at);
  const evidence = gatherEvidence(compiled, counted, at);
  const terms = indicatorTerms(compiled, evidence);
  const posterior = posteriorFromLogWeights(compiled, logWeightsFromTerms(compiled, terms));
  const posteriorOnly = median(7, () =>
    time(() => {
      const c = countReports(reports, at);
      const e = gatherEvidence(compiled, c.counted, at);
      posteriorFromLogWeights(compiled, logWeightsFromTerms(compiled, indicatorTerms(compiled, e)));
    }),
  );
  results.push({ name: 'posterior from scratch, 100k reports', value: posteriorOnly, unit: 'ms' });
  const ranking = median(7, () => time(() => {
    const states = compiled.indicatorIds.map((_, j) => logStateGivenHypothesis(compiled, evidence, j));
    sensitivity(compiled, evidence, posterior, states);
    collectionAdvice(compiled, posterior, states);
  }));
  results.push({ name: `sensitivity (${counted.length} counted reports) + collection (200 indicators)`, value: ranking, unit: 'ms', target: '< 50 ms' });

  // Incremental (what the server does on each new report) against recomputing from scratch.
  const incremental = (evaluateAt: (r: Report) => number, n = reports.length) => {
    const assessor = new IncrementalAssessor(problem);
    const ms = time(() => {
      for (let k = 0; k < n; k++) {
        const report = reports[k]!;
        assessor.add(report);
        assessor.evaluate(evaluateAt(report));
      }
    });
    return n / (ms / 1000);
  };
  const sameInstant = median(3, () => incremental(() => at));
  const eachInstant = median(3, () => incremental((r) => r.received, 5_000));
  const sample = 20;
  const scratchMs = time(() => {
    for (let k = 1; k <= sample; k++) {
      const upTo = Math.floor((k / sample) * reports.length);
      const slice = reports.slice(0, upTo);
      const when = slice[slice.length - 1]!.received;
      const c = countReports(slice, when);
      posteriorFromLogWeights(compiled, logWeightsFromTerms(compiled, indicatorTerms(compiled, gatherEvidence(compiled, c.counted, when))));
    }
  });
  const scratchRate = sample / (scratchMs / 1000);
  results.push({ name: 'incremental update + evaluate, one instant (batch ingest)', value: sameInstant, unit: 'reports/s', target: '>= 200,000/s' });
  results.push({ name: "incremental, evaluated at each report's own instant (fading re-weighed; first 5k reports)", value: eachInstant, unit: 'reports/s' });
  results.push({ name: 'recompute from scratch per new report (baseline, same run)', value: scratchRate, unit: 'reports/s' });
  results.push({ name: 'incremental / from scratch', value: sameInstant / scratchRate, unit: 'x' });
  return results;
}
