/**
 * `npm run bench`: every benchmark, each printing figures and ratios against a baseline
 * measured in the same run. Pass suite names to run only some: `npm run bench -- assessment`.
 */
import { runAssessmentBench } from './assessment-bench.js';
import { runHttpBench } from './http-bench.js';
import { runWarningBench } from './warning-bench.js';
import { runLogBench } from './log-bench.js';
import { printResults, type BenchResult } from './measure.js';
import { runStoreBench } from './store-bench.js';

const SUITES: Record<string, { title: string; run: () => BenchResult[] | Promise<BenchResult[]> }> = {
  assessment: { title: 'Assessment engine: 10 hypotheses x 200 indicators, 100,000 reports', run: runAssessmentBench },
  log: { title: 'Event log on SQLite: append, export, verification', run: runLogBench },
  store: { title: 'Store: import with hashing and projections; as-of assessments', run: runStoreBench },
  warnings: { title: 'Warnings: a report POST to the webhook it causes, under 500 reports/s of background load', run: runWarningBench },
  http: { title: 'Server on SQLite under load from a second process (autocannon, 16 connections, loopback)', run: runHttpBench },
};

const wanted = process.argv.slice(2);
for (const [name, suite] of Object.entries(SUITES)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  printResults(suite.title, await suite.run());
}
