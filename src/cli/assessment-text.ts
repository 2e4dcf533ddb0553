/** The assessment and the level timeline as text a person reads in a terminal. */
import type { AchMatrix, AchScores } from '../core/ach.js';
import type { Assessment } from '../core/assess.js';
import { formatInstant } from '../core/instant.js';
import type { Problem, Report } from '../core/model.js';
import type { Replay } from '../core/replay.js';
import { percentWithWords } from '../core/words.js';

type Paint = (style: 'bold' | 'dim' | 'red' | 'yellow' | 'green' | 'cyan', text: string) => string;

const SHOWN = 5;

/** Signed change in percentage points: "+12.3 pts". */
function points(delta: number): string {
  const pts = delta * 100;
  return `${pts >= 0 ? '+' : '−'}${Math.abs(pts).toFixed(1)} pts`;
}

function bar(p: number, width = 20): string {
  const filled = Math.round(p * width);
  return '█'.repeat(filled) + '·'.repeat(width - filled);
}

/** A short description of a report: indicator, what it says, grades, source. */
export function describeReport(report: Report | undefined, problem: Problem): string {
  if (report === undefined) return '';
  const indicator = problem.indicators.find((i) => i.id === report.indicator);
  const grade = report.sensitivity !== undefined ? `sensor s=${report.sensitivity} f=${report.falseAlarmRate}` : `${report.reliability}${report.credibility}`;
  return `${indicator?.title ?? report.indicator}: ${report.observed} (${grade}, source ${report.source}, seen ${formatInstant(report.at)})`;
}

function levelStyle(problem: Problem, level: string): 'green' | 'yellow' | 'red' {
  const index = problem.warning.levels.findIndex((l) => l.id === level);
  const top = problem.warning.levels.length - 1;
  return index <= 0 ? 'green' : index >= top ? 'red' : 'yellow';
}

/** Renders an assessment for a terminal. */
export function renderAssessment(problem: Problem, a: Assessment, paint: Paint): string {
  const byId = new Map(a.counted.map((r) => [r.id, r]));
  const title = (id: string) => problem.hypotheses.find((h) => h.id === id)?.title ?? id;
  const indicatorTitle = (id: string) => problem.indicators.find((i) => i.id === id)?.title ?? id;
  const lines: string[] = [];
  lines.push(paint('bold', `${problem.title}`) + paint('dim', `  [${problem.id}]`));
  lines.push(paint('dim', `as of ${formatInstant(a.at)} · ${a.counted.length} reports counted, ${a.ignored.length} not counted`));
  lines.push('');
  lines.push(
    `Level ${paint(levelStyle(problem, a.level), paint('bold', a.level.toUpperCase()))}   ` +
      `P(dangerous) ${paint('bold', percentWithWords(a.pDangerous))}   leading: ${paint('bold', title(a.leading))}`,
  );
  lines.push('');
  lines.push(paint('bold', 'Hypotheses'));
  for (const h of problem.hypotheses) {
    const p = a.posterior.get(h.id) ?? 0;
    const tag = h.dangerous === true ? paint('red', ' (dangerous)') : '';
    lines.push(`  ${bar(p)} ${percentWithWords(p, 1).padEnd(30)} ${h.title}${tag}`);
  }
  lines.push('');
  lines.push(paint('bold', 'What this hangs on') + paint('dim', ' (reports by their effect on P(dangerous); without each one)'));
  if (a.sensitivity.length === 0) lines.push('  no reports counted yet');
  for (const s of a.sensitivity.slice(0, SHOWN)) {
    const flip = s.flips ? paint('yellow', '  ← without it the leading hypothesis changes') : '';
    lines.push(`  ${points(s.impact).padStart(11)}  ${s.report}  ${describeReport(byId.get(s.report), problem)}${flip}`);
  }
  lines.push('');
  lines.push(paint('bold', 'Collect next') + paint('dim', ' (expected information gain of learning the truth of each indicator)'));
  a.collect.slice(0, SHOWN).forEach((c, k) => {
    lines.push(`  ${k + 1}. ${indicatorTitle(c.indicator)} ${paint('dim', `[${c.indicator}]`)}  ${c.eig.toFixed(3)} bits`);
    lines.push(
      `       if present → P(dangerous) ${percentWithWords(c.pDangerousIfPresent)}; if absent → ${percentWithWords(c.pDangerousIfAbsent)}`,
    );
  });
  lines.push('');
  lines.push(paint('bold', 'Indicators') + paint('dim', ' (belief that each is really present)'));
  for (const ind of a.indicators) {
    const reports = ind.reports === 0 ? paint('dim', 'no reports') : `${ind.reports} report${ind.reports === 1 ? '' : 's'}`;
    lines.push(`  ${percentWithWords(ind.belief).padEnd(27)} ${indicatorTitle(ind.id)} ${paint('dim', `· ${reports}`)}`);
  }
  return lines.join('\n') + '\n';
}

/** Renders the level timeline of a replay for a terminal. */
export function renderReplay(problem: Problem, replay: Replay, reports: readonly Report[], paint: Paint): string {
  const byId = new Map(reports.map((r) => [r.id, r]));
  const title = (id: string) => problem.hypotheses.find((h) => h.id === id)?.title ?? id;
  const indicatorTitle = (id: string) => problem.indicators.find((i) => i.id === id)?.title ?? id;
  const lines: string[] = [];
  lines.push(paint('bold', `${problem.title}`) + paint('dim', `  [${problem.id}]`));
  lines.push(paint('dim', `level timeline: ${reports.length} reports, ${replay.points.length} evaluations, ${replay.changes.length} level changes`));
  const start = problem.warning.levels[0]?.id ?? '';
  const first = replay.points[0];
  if (first !== undefined) lines.push(paint('dim', `${formatInstant(first.at)}  starts at ${start.toUpperCase()}`));
  for (const change of replay.changes) {
    const up = problem.warning.levels.findIndex((l) => l.id === change.to) > problem.warning.levels.findIndex((l) => l.id === change.from);
    lines.push('');
    lines.push(
      `${change.at}  ${change.from.toUpperCase()} → ${paint(levelStyle(problem, change.to), paint('bold', change.to.toUpperCase()))}` +
        `  ${up ? '▲' : '▼'}  P(dangerous) ${percentWithWords(change.pDangerous)}, leading: ${title(change.leading)}`,
    );
    if (change.evidence.length > 0) {
      lines.push(paint('dim', '    hangs on:'));
      for (const e of change.evidence) lines.push(`      ${points(e.impact).padStart(11)}  ${describeReport(byId.get(e.report), problem)}`);
    }
    const advice = change.collect[0];
    if (advice !== undefined) {
      lines.push(
        paint('dim', '    collect next: ') +
          `${indicatorTitle(advice.indicator)} (${advice.eig.toFixed(3)} bits): ` +
          `if present → ${percentWithWords(advice.pDangerousIfPresent)}, if absent → ${percentWithWords(advice.pDangerousIfAbsent)}`,
      );
      for (const more of change.collect.slice(1)) lines.push(paint('dim', `                  then ${indicatorTitle(more.indicator)} (${more.eig.toFixed(3)} bits)`));
    }
  }
  const last = replay.points[replay.points.length - 1];
  lines.push('');
  lines.push(
    last === undefined
      ? 'no reports: the level stays at ' + start.toUpperCase()
      : `${formatInstant(last.at)}  final level ${paint('bold', replay.finalLevel.toUpperCase())}, P(dangerous) ${percentWithWords(last.pDangerous)}, leading: ${title(last.leading)}`,
  );
  return lines.join('\n') + '\n';
}

/**
 * The classic ACH matrix derived from the model (spec section 8) with Heuer's scores: one row
 * per counted report, a column per hypothesis.
 */
export function renderAch(problem: Problem, matrix: AchMatrix, scores: AchScores, paint: Paint): string {
  const width = Math.max(6, ...problem.hypotheses.map((h) => h.id.length));
  const idWidth = Math.max(6, ...matrix.rows.map((r) => r.id.length));
  const nonDiagnostic = new Set(scores.nonDiagnostic);
  const lines: string[] = [];
  lines.push(paint('bold', 'Analysis of competing hypotheses') + paint('dim', ' (derived from the model; CC C N I II, credibility from the channel)'));
  lines.push(`  ${'report'.padEnd(idWidth)}  ${'cred.'.padEnd(6)}  ${matrix.hypotheses.map((h) => h.padEnd(width)).join('  ')}`);
  for (const row of matrix.rows) {
    const cells = matrix.hypotheses.map((h) => (row.ratings[h] ?? 'NA').padEnd(width)).join('  ');
    const note = nonDiagnostic.has(row.id) ? paint('dim', '  non-diagnostic') : '';
    lines.push(`  ${row.id.padEnd(idWidth)}  ${row.credibility.padEnd(6)}  ${cells}${note}`);
  }
  lines.push(`  ${'inconsistency'.padEnd(idWidth + 8)}  ${scores.hypotheses.map((h) => String(h.inconsistencyScore).padEnd(width)).join('  ')}`);
  lines.push(`  ${'weighted'.padEnd(idWidth + 8)}  ${scores.hypotheses.map((h) => h.weightedInconsistencyScore.toFixed(2).padEnd(width)).join('  ')}`);
  lines.push(
    `  least inconsistent: ${paint('bold', scores.leastInconsistent)}; ${scores.nonDiagnostic.length} of ${matrix.rows.length} rows cannot tell the hypotheses apart`,
  );
  return lines.join('\n') + '\n';
}
