/**
 * What this hangs on (assessment.md section 4): the counted reports whose removal would move
 * P(dangerous) most, and whether any would change the leading hypothesis. Reports the reader may
 * not see are not listed (the server leaves them out).
 */
import type { Assessment, Problem, StoredReport } from '../../api/types.js';
import { grade, gradeMeaning, percent, points } from '../../lib/format.js';
import { estimativeWords } from '../../lib/words.js';

export function SensitivityPanel({ problem, assessment, reports, limit = 6 }: { problem: Problem; assessment: Assessment; reports: ReadonlyMap<string, StoredReport>; limit?: number }) {
  const titles = new Map(problem.indicators.map((i) => [i.id, i.title]));
  const top = assessment.sensitivity.filter((s) => Math.abs(s.impact) >= 1e-6).slice(0, limit);
  if (top.length === 0) return <p className="note">No single report moves P(dangerous) noticeably: the assessment rests on the priors and many small pieces.</p>;
  return (
    <ol className="hangs-on">
      {top.map((s) => {
        const report = reports.get(s.report);
        const without = assessment.pDangerous - s.impact;
        return (
          <li key={s.report} className={s.flips ? 'hangs-flips' : undefined}>
            <div className="hangs-line">
              <span className={`impact ${s.impact > 0 ? 'impact-up' : 'impact-down'}`}>{points(s.impact)}</span>
              <span className="hangs-what">
                {report !== undefined ? (
                  <>
                    <strong>{titles.get(report.indicator) ?? report.indicator}</strong>: {report.observed}{' '}
                    <abbr className="grade" title={gradeMeaning(report)}>
                      {grade(report)}
                    </abbr>{' '}
                    <span className="muted small">{s.report}</span>
                  </>
                ) : (
                  <span>{s.report}</span>
                )}
              </span>
            </div>
            <div className="muted small">
              Without it: {percent(without)} ({estimativeWords(Math.min(1, Math.max(0, without)))})
              {s.flips && <strong className="flips"> · would change the leading hypothesis</strong>}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
