/**
 * A problem page: the level and P(dangerous) at the top, then the history chart, the
 * hypotheses with the analysts' dissents beside them, what the assessment hangs on, what to
 * collect next, the indicator board, the evidence and the ACH matrix. Live by default; with
 * `?at=` it shows the past, and says so.
 */
import { useEffect, useMemo, useState } from 'react';
import { seg } from '../../api/client.js';
import type { StoredReport } from '../../api/types.js';
import { HistoryChart } from '../../components/HistoryChart.js';
import { LevelBadge } from '../../components/LevelBadge.js';
import { ErrorNote, Loading, Panel } from '../../components/Panel.js';
import { Probability } from '../../components/Probability.js';
import { utc } from '../../lib/format.js';
import { Link, navigate } from '../../router.js';
import { abilities, useUser } from '../../session.js';
import { AchPanel } from './AchPanel.js';
import { CollectPanel } from './CollectPanel.js';
import { DissentsPanel } from './DissentsPanel.js';
import { OutcomePanel } from './OutcomePanel.js';
import { EMPTY_EVIDENCE } from './evidence.js';
import { EvidenceTimeline } from './EvidenceTimeline.js';
import { HypothesesPanel } from './HypothesesPanel.js';
import { IndicatorBoard } from './IndicatorBoard.js';
import { InquiryBar } from './InquiryBar.js';
import { SensitivityPanel } from './SensitivityPanel.js';
import { useProblemData } from './use-problem-data.js';

export function ProblemPage({ problemId, at }: { problemId: string; at: string | undefined }) {
  const user = useUser();
  const can = abilities(user);
  const atMs = at === undefined ? undefined : Date.parse(at);
  const inquiring = atMs !== undefined && !Number.isNaN(atMs);
  const data = useProblemData(problemId, inquiring ? at : undefined);
  const now = useMinuteClock();

  const model = data.model.value;
  const assessment = data.assessment.value;
  const timeline = data.timeline.value;
  const evidence = useMemo(() => data.liveEvidence(data.evidence.value ?? EMPTY_EVIDENCE), [data.liveEvidence, data.evidence.value]);
  const reports = useMemo(() => {
    const map = new Map<string, StoredReport>();
    for (const item of evidence.items) if (item.kind === 'report') map.set(item.report.id, item.report);
    return map;
  }, [evidence]);
  const levels = timeline?.levels ?? model?.problem.warning.levels ?? [];
  const dissents = data.dissents.value?.dissents;
  const openDissents = dissents?.filter((d) => d.state === 'open').length ?? 0;

  const trend = useMemo(() => {
    const points = (timeline?.points ?? []).map((p) => ({ t: Date.parse(p.at), p: p.pDangerous }));
    // The assessment's own instant ends the line (evidence fades between reports).
    if (assessment !== undefined && (points.length === 0 || Date.parse(assessment.at) > points[points.length - 1]!.t)) points.push({ t: Date.parse(assessment.at), p: assessment.pDangerous });
    return points;
  }, [timeline, assessment]);

  useEffect(() => {
    document.title = `${inquiring ? 'Inquiry: ' : ''}${model?.problem.title ?? problemId} · Vigil`;
  }, [model, problemId, inquiring]);

  if (data.model.error !== undefined) {
    return (
      <main id="main" className="page">
        <h1>{problemId}</h1>
        <ErrorNote error={data.model.error} what="the problem" />
        <p>
          <Link to="/">Back to the watch floor</Link>
        </p>
      </main>
    );
  }
  if (model === undefined) {
    return (
      <main id="main" className="page">
        <Loading what="the problem" />
      </main>
    );
  }

  const problem = model.problem;
  const end = inquiring ? atMs : Math.max(now, assessment !== undefined ? Date.parse(assessment.at) : 0);
  const first = timeline?.points[0] !== undefined ? Date.parse(timeline.points[0].at) : end - 86400e3;

  return (
    <main id="main" className={`page page-problem${inquiring ? ' page-inquiry' : ''}`} data-mode={inquiring ? 'inquiry' : 'live'}>
      {inquiring && (
        <div className="inquiry-banner" role="note" aria-label="Inquiry mode">
          <strong>INQUIRY — THE PAST.</strong> This page shows what Vigil knew at <strong>{utc(atMs)}</strong>. Nothing here is live
          {data.missed > 0 ? `; ${data.missed} updates have arrived since` : ''}.{' '}
          <button type="button" className="button-primary" onClick={() => navigate(`/problems/${seg(problemId)}`)}>
            Back to live
          </button>
        </div>
      )}
      <header className="problem-head">
        <div className="problem-title">
          <h1>{problem.title}</h1>
          <p className="muted small">
            {problem.id} · model version {timeline?.version ?? model.version}
            {assessment !== undefined && <> · {inquiring ? 'as of' : 'assessed'} {utc(assessment.at)}</>}
          </p>
        </div>
        {assessment !== undefined ? (
          <dl className="problem-state" aria-live={inquiring ? 'off' : 'polite'}>
            <div>
              <dt>Level</dt>
              <dd>
                <LevelBadge level={assessment.level} levels={levels} size="large" />
              </dd>
            </div>
            <div>
              <dt>P(dangerous)</dt>
              <dd data-testid="p-dangerous">
                <Probability p={assessment.pDangerous} size="large" />
              </dd>
            </div>
            <div>
              <dt>Leading</dt>
              <dd>{problem.hypotheses.find((h) => h.id === assessment.leading)?.title ?? assessment.leading}</dd>
            </div>
            <div>
              <dt>Reports</dt>
              <dd>
                {assessment.counted} counted
                {(assessment.withheld ?? 0) > 0 && <span className="withheld-inline"> · {assessment.withheld} withheld from you</span>}
              </dd>
            </div>
          </dl>
        ) : (
          <Loading what="the assessment" />
        )}
        <div className="problem-actions">
          {can.postReports && !inquiring && (
            <Link className="button" to={`/problems/${seg(problemId)}/report`}>
              Enter a report
            </Link>
          )}
          {can.editModels && !inquiring && (
            <Link className="button" to={`/problems/${seg(problemId)}/model`}>
              Edit model
            </Link>
          )}
          {(user.roles.includes('auditor') || user.roles.includes('admin')) && (
            <Link className="button-quiet" to={`/problems/${seg(problemId)}/inquiry`}>
              Inquiry report
            </Link>
          )}
        </div>
      </header>
      {problem.description !== undefined && <p className="problem-description">{problem.description}</p>}

      <InquiryBar problemId={problemId} at={inquiring ? atMs : undefined} min={first} max={inquiring ? Math.max(now, atMs) : end} />
      {data.assessment.error !== undefined && <ErrorNote error={data.assessment.error} what="the assessment" />}

      <div className="problem-grid">
        <div className="col-main">
          <Panel title="History of P(dangerous)" id="history">
            {data.timeline.error !== undefined && <ErrorNote error={data.timeline.error} what="the timeline" />}
            {timeline === undefined && data.timeline.error === undefined ? (
              <Loading what="the timeline" />
            ) : (
              <HistoryChart
                points={trend}
                levels={levels}
                changes={timeline?.changes ?? []}
                reports={[...reports.values()]}
                end={end}
                onPick={(instant) => navigate(`/problems/${seg(problemId)}?at=${encodeURIComponent(new Date(instant).toISOString())}`)}
              />
            )}
          </Panel>
          <Panel title="Collect next" id="collect">
            {assessment !== undefined ? <CollectPanel problem={problem} assessment={assessment} /> : <Loading what="the advice" />}
          </Panel>
          <Panel title="Evidence" id="evidence" aside={<span className="muted small">newest first</span>}>
            {data.evidence.error !== undefined && <ErrorNote error={data.evidence.error} what="the reports" />}
            {data.evidence.value === undefined && data.evidence.error === undefined ? (
              <Loading what="the reports" />
            ) : (
              <EvidenceTimeline problem={problem} items={evidence.items} until={inquiring ? atMs : undefined} withheldAtInstant={assessment?.withheld} />
            )}
          </Panel>
        </div>
        <div className="col-side">
          <Panel title="Hypotheses" id="hypotheses">
            {assessment !== undefined ? <HypothesesPanel problem={problem} assessment={assessment} /> : <Loading what="the hypotheses" />}
          </Panel>
          <Panel title="Dissents" id="dissents" aside={dissents !== undefined ? <span className="muted small">{openDissents} open{inquiring ? ' then' : ''}</span> : undefined}>
            {data.dissents.error !== undefined && <ErrorNote error={data.dissents.error} what="the dissents" />}
            {dissents !== undefined && assessment !== undefined ? (
              <DissentsPanel problem={problem} assessment={assessment} levels={levels} dissents={dissents} inquiring={inquiring} mayFile={can.fileDissents} onChanged={data.dissents.reload} />
            ) : (
              data.dissents.error === undefined && <Loading what="the dissents" />
            )}
          </Panel>
          {!inquiring && (
            <Panel title="Outcome" id="outcome">
              <OutcomePanel problem={problem} mayRecord={can.recordOutcomes} now={now} />
            </Panel>
          )}
          <Panel title="What this hangs on" id="hangs-on">
            {assessment !== undefined ? <SensitivityPanel problem={problem} assessment={assessment} reports={reports} /> : <Loading what="the sensitivity" />}
          </Panel>
        </div>
      </div>
      <Panel title="Indicator board" id="indicators">
        {assessment !== undefined ? <IndicatorBoard problem={problem} assessment={assessment} /> : <Loading what="the indicators" />}
      </Panel>
      <Panel title="ACH matrix (derived from the model)" id="ach">
        {data.ach.error !== undefined && <ErrorNote error={data.ach.error} what="the ACH matrix" />}
        {data.ach.value !== undefined ? <AchPanel problem={problem} matrix={data.ach.value} reports={reports} /> : data.ach.error === undefined && <Loading what="the ACH matrix" />}
      </Panel>
    </main>
  );
}

/** Now, to the minute: the live chart's end and the slider's reach move with it. */
function useMinuteClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}
