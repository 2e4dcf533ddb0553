/**
 * Calibration: were our probabilities any good? The reliability diagram of P(dangerous) across
 * resolved problems (the server's picture, GET /api/v1/scores/reliability?format=svg, with its
 * bins as a table beside it for those who cannot see it) and, for each resolved problem, the
 * Brier and log scores of the official assessment and of each dissent, and how long before the
 * outcome each level was reached.
 */
import { api, seg } from '../../api/client.js';
import { ErrorNote, Loading, Panel } from '../../components/Panel.js';
import { Probability } from '../../components/Probability.js';
import { percent, utc } from '../../lib/format.js';
import { useResource } from '../../lib/use-resource.js';
import { Link } from '../../router.js';
import type { ProblemScores, ReliabilityAcross, ScoreSummary } from '../inquiry/inquiry-types.js';
import '../inquiry/inquiry.css';

interface Calibration {
  readonly reliability: ReliabilityAcross;
  readonly scores: readonly ProblemScores[];
}

async function loadCalibration(signal: AbortSignal): Promise<Calibration> {
  const reliability = await api.get<ReliabilityAcross>('/api/v1/scores/reliability', signal);
  const ids = [...new Set(reliability.problems.map((p) => p.problem))];
  const scores = await Promise.all(
    ids.map((id) => api.get<ProblemScores>(`/api/v1/problems/${seg(id)}/scores`, signal)),
  );
  return { reliability, scores };
}

const score = (x: number | null | undefined) => (x === null || x === undefined ? '—' : x.toFixed(3));

export function CalibrationPage() {
  const data = useResource(loadCalibration, 'calibration');
  return (
    <main id="main" className="page calibration-page">
      <header className="page-head">
        <h1>Calibration</h1>
        <p className="muted small">
          How good our probabilities were, across every problem whose outcome is recorded. Lower Brier and log
          scores are better.
        </p>
      </header>
      {data.error !== undefined && <ErrorNote error={data.error} what="the scores" />}
      {data.value === undefined ? (
        data.error === undefined && <Loading what="the scores" />
      ) : (
        <div className="inquiry-sections">
          <Panel title="Reliability diagram" id="cal-diagram">
            <div className="calibration-diagram">
              <img
                src="/api/v1/scores/reliability?format=svg"
                alt="Reliability diagram of P(dangerous): forecast probability against how often the dangerous outcome came true; the table beside it holds the same bins."
                width={480}
                height={480}
                data-testid="reliability-image"
              />
              <table className="data-table" data-testid="reliability-bins">
                <caption>
                  {data.value.reliability.forecasts} forecasts from {data.value.reliability.problems.length}{' '}
                  resolved problems
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Forecast</th>
                    <th scope="col">Forecasts</th>
                    <th scope="col">Mean forecast</th>
                    <th scope="col">Came true</th>
                  </tr>
                </thead>
                <tbody>
                  {data.value.reliability.bins.map((b) => (
                    <tr key={b.lower}>
                      <td>
                        {percent(b.lower)} – {percent(b.upper)}
                      </td>
                      <td>{b.count}</td>
                      <td>{b.meanForecast === null ? '—' : <Probability p={b.meanForecast} />}</td>
                      <td>{b.observedFrequency === null ? '—' : percent(b.observedFrequency)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </Panel>
          <Panel title="Scores of resolved problems" id="cal-scores">
            {data.value.scores.length === 0 ? (
              <p className="muted">No problem has a recorded outcome yet.</p>
            ) : (
              data.value.scores.map((s) => <ProblemScoresBlock key={s.problem} scores={s} />)
            )}
          </Panel>
        </div>
      )}
    </main>
  );
}

function Row({ who, summary }: { who: string; summary: ScoreSummary | null }) {
  return (
    <tr>
      <th scope="row">{who}</th>
      <td>{summary?.count ?? 0}</td>
      <td>{score(summary?.dangerBrier)}</td>
      <td>{score(summary?.dangerLogScore)}</td>
      <td>{score(summary?.brier)}</td>
      <td>{score(summary?.logScore)}</td>
    </tr>
  );
}

function ProblemScoresBlock({ scores }: { scores: ProblemScores }) {
  return (
    <div className="inquiry-person" data-scores={scores.problem}>
      <h3>
        <Link to={`/problems/${seg(scores.problem)}`}>{scores.problem}</Link>
        {scores.outcome !== null && (
          <span className="muted small">
            {' '}
            — came true: {scores.outcome.hypothesis} (
            {scores.outcome.dangerous ? 'dangerous' : 'not dangerous'})
          </span>
        )}
      </h3>
      <p className="muted small">
        Scored every {scores.window.everyText} from {utc(scores.window.from)} to {utc(scores.window.to)} (
        {scores.window.instants} instants).
      </p>
      <table className="data-table" data-testid="scores-table">
        <caption className="visually-hidden">Scores of {scores.problem}</caption>
        <thead>
          <tr>
            <th scope="col">Assessment</th>
            <th scope="col">Instants</th>
            <th scope="col">Brier, P(dangerous)</th>
            <th scope="col">Log score, P(dangerous) (bits)</th>
            <th scope="col">Brier, hypotheses</th>
            <th scope="col">Log score, hypotheses (bits)</th>
          </tr>
        </thead>
        <tbody>
          <Row who="Official" summary={scores.official} />
          {scores.dissents.map((d) => (
            <Row
              key={d.dissent}
              who={`Dissent by ${d.author} (${percent(d.pDangerous)})`}
              summary={d.scores}
            />
          ))}
        </tbody>
      </table>
      <table className="data-table" data-testid="lead-times">
        <caption className="visually-hidden">Lead times of {scores.problem}</caption>
        <thead>
          <tr>
            <th scope="col">Level</th>
            <th scope="col">First reached</th>
            <th scope="col">Lead before the outcome</th>
            <th scope="col">First warning at this level</th>
          </tr>
        </thead>
        <tbody>
          {scores.leadTimes.map((l) => {
            const warned = scores.warningLeadTimes.find((w) => w.level === l.level);
            return (
              <tr key={l.level}>
                <th scope="row">{l.level}</th>
                <td>{l.firstReached === null ? 'never' : utc(l.firstReached)}</td>
                <td>{l.leadText ?? '—'}</td>
                <td>
                  {warned === undefined || warned.firstReached === null
                    ? 'none'
                    : `${utc(warned.firstReached)} (${warned.leadText ?? '—'})`}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
