/**
 * The inquiry report of a problem over a window, as the API draws it (GET
 * /api/v1/problems/{id}/inquiry, JSON): the story in brief, the key intervals, every report and
 * what it did to P(dangerous), level changes with their evidence and advice, warnings with who
 * was told and how long acknowledgment took, dissents, model changes, each person's view, and
 * the verification of the log with its head hash. The same report as HTML is one link away.
 * Reports the reader may not see are marked withheld, never shown.
 */
import { useState, type FormEvent } from 'react';
import { api, seg } from '../../api/client.js';
import { ErrorNote, Loading, Panel } from '../../components/Panel.js';
import { Probability } from '../../components/Probability.js';
import { fromInputValue, points, toInputValue, utc } from '../../lib/format.js';
import { useResource } from '../../lib/use-resource.js';
import { Link, navigate } from '../../router.js';
import { useUser } from '../../session.js';
import type { Inquiry, Warning } from './inquiry-types.js';
import './inquiry.css';

/** "4 min 12 s", "2 h 5 min", "—" for none. */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  const s = Math.round(Math.abs(ms) / 1000);
  const sign = ms < 0 ? '−' : '';
  if (s < 60) return `${sign}${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${sign}${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${sign}${h} h ${m % 60} min`;
  return `${sign}${Math.floor(h / 24)} d ${h % 24} h`;
}

export function InquiryPage({
  problemId,
  from,
  to,
}: {
  problemId: string;
  from: string | undefined;
  to: string | undefined;
}) {
  const user = useUser();
  const allowed = user.roles.includes('auditor') || user.roles.includes('admin');
  const query = new URLSearchParams();
  if (from !== undefined) query.set('from', from);
  if (to !== undefined) query.set('to', to);
  const base = `/api/v1/problems/${seg(problemId)}/inquiry`;
  const report = useResource(
    (signal) =>
      allowed
        ? api.get<Inquiry>(`${base}?${query.toString()}`, signal)
        : Promise.reject(new Error('not allowed')),
    `${problemId}?${query.toString()}`,
  );
  const htmlQuery = new URLSearchParams(query);
  htmlQuery.set('format', 'html');

  return (
    <main id="main" className="page inquiry-page">
      <header className="page-head">
        <h1>Inquiry: {report.value?.problem.title ?? problemId}</h1>
        <p className="muted small">
          <Link to={`/problems/${seg(problemId)}`}>Back to the problem</Link>
          {allowed && (
            <>
              {' · '}
              <a
                href={`${base}?${htmlQuery.toString()}`}
                download={`inquiry-${problemId}.html`}
                data-testid="inquiry-html"
              >
                Download HTML
              </a>
            </>
          )}
        </p>
      </header>
      {!allowed ? (
        <p role="alert">The inquiry report is for auditors and administrators.</p>
      ) : (
        <>
          <WindowPicker
            key={`${report.value?.window.from ?? from}/${report.value?.window.to ?? to}`}
            problemId={problemId}
            from={report.value?.window.from ?? from}
            to={report.value?.window.to ?? to}
          />
          {report.error !== undefined && <ErrorNote error={report.error} what="the inquiry report" />}
          {report.value === undefined ? (
            report.error === undefined && <Loading what="the inquiry report" />
          ) : (
            <Report inquiry={report.value} />
          )}
        </>
      )}
    </main>
  );
}

function WindowPicker({
  problemId,
  from,
  to,
}: {
  problemId: string;
  from: string | undefined;
  to: string | undefined;
}) {
  const [start, setStart] = useState(from !== undefined ? toInputValue(Date.parse(from)) : '');
  const [end, setEnd] = useState(to !== undefined ? toInputValue(Date.parse(to)) : '');
  const [error, setError] = useState<string | undefined>(undefined);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const a = fromInputValue(start);
    const b = fromInputValue(end);
    if (a !== undefined && b !== undefined && a > b) {
      setError('From must not be after to.');
      return;
    }
    setError(undefined);
    const q = new URLSearchParams();
    if (a !== undefined) q.set('from', new Date(a).toISOString());
    if (b !== undefined) q.set('to', new Date(b).toISOString());
    navigate(`/problems/${seg(problemId)}/inquiry${q.size > 0 ? `?${q.toString()}` : ''}`);
  };
  return (
    <form className="inquiry-window" onSubmit={submit} aria-label="Window of the inquiry">
      <label htmlFor="inquiry-from">From (UTC)</label>
      <input
        id="inquiry-from"
        type="datetime-local"
        step="1"
        value={start}
        onChange={(e) => setStart(e.target.value)}
      />
      <label htmlFor="inquiry-to">To (UTC)</label>
      <input
        id="inquiry-to"
        type="datetime-local"
        step="1"
        value={end}
        onChange={(e) => setEnd(e.target.value)}
      />
      <button type="submit" className="button">
        Show
      </button>
      {error !== undefined && (
        <span role="alert" className="field-error">
          {error}
        </span>
      )}
    </form>
  );
}

function Report({ inquiry }: { inquiry: Inquiry }) {
  const { intervals, verification } = inquiry;
  const shown = inquiry.reports.filter((r) => r.withheld !== true).length;
  return (
    <div className="inquiry-sections">
      <Panel title="The story in brief" id="inq-brief">
        <p data-testid="inquiry-brief">
          From {utc(inquiry.window.from)} to {utc(inquiry.window.to)}: {inquiry.reports.length} reports (
          {shown} shown
          {inquiry.withheld > 0 ? `, ${inquiry.withheld} withheld from you` : ''}),{' '}
          {inquiry.levelChanges.length} level changes, {inquiry.warnings.length} warnings,{' '}
          {inquiry.dissents.length} dissents, {inquiry.modelChanges.length} model changes.
        </p>
        <p>
          At the start the level was <strong>{inquiry.atStart.level}</strong> with P(dangerous){' '}
          <Probability p={inquiry.atStart.pDangerous} /> (leading: {inquiry.atStart.leadingTitle}); at the end{' '}
          <strong>{inquiry.atEnd.level}</strong> with <Probability p={inquiry.atEnd.pDangerous} /> (leading:{' '}
          {inquiry.atEnd.leadingTitle}).
        </p>
        {inquiry.outcomes.map((o, i) => (
          <p key={i}>
            Outcome{o.inForce ? '' : ' (superseded)'}: {o.hypothesisTitle} (
            {o.dangerous ? 'dangerous' : 'not dangerous'}) at {utc(o.at)}.
          </p>
        ))}
      </Panel>

      <Panel title="Key intervals" id="inq-intervals">
        <dl className="inquiry-milestones">
          {(
            [
              ['First indicator', intervals.firstIndicator],
              ['First warning', intervals.firstWarning],
              ['First acknowledgment', intervals.firstAcknowledgment],
              ['First decision recorded', intervals.firstDecision],
            ] as const
          ).map(([label, m]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>{m === null ? 'none in the window' : `${utc(m.at)} — ${m.what}`}</dd>
            </div>
          ))}
        </dl>
        {intervals.steps.length > 0 && (
          <ul>
            {intervals.steps.map((s) => (
              <li key={`${s.from}-${s.to}`}>
                {s.from} → {s.to}: {s.text}
              </li>
            ))}
          </ul>
        )}
      </Panel>

      <Panel title="Timeline of reports" id="inq-reports">
        {inquiry.reports.length === 0 ? (
          <p className="muted">No report in the window.</p>
        ) : (
          <div className="table-scroll">
            <table className="data-table" data-testid="inquiry-reports">
              <caption className="visually-hidden">
                Every report of the window and what it did to P(dangerous)
              </caption>
              <thead>
                <tr>
                  <th scope="col">Received</th>
                  <th scope="col">Report</th>
                  <th scope="col">Observed</th>
                  <th scope="col">First counted</th>
                  <th scope="col">P(dangerous) after</th>
                  <th scope="col">Change</th>
                </tr>
              </thead>
              <tbody>
                {inquiry.reports.map((r) =>
                  r.withheld === true ? (
                    <tr key={r.seq} className="withheld-row" data-withheld="true">
                      <td>{utc(r.receivedAt)}</td>
                      <td colSpan={3}>
                        <span className="withheld-marker">Withheld</span> — above your clearance (log entry{' '}
                        {r.seq})
                      </td>
                      <td>
                        <Probability p={r.pAfter} />
                      </td>
                      <td>{points(r.delta)}</td>
                    </tr>
                  ) : (
                    <tr key={r.seq} data-inquiry-report={r.id}>
                      <td>{utc(r.receivedAt)}</td>
                      <td>
                        {r.indicatorTitle} — {r.observed} ({r.source}, {r.grade})
                      </td>
                      <td>{r.observedAt !== undefined ? utc(r.observedAt) : ''}</td>
                      <td>
                        {r.firstCountedAt !== null && r.firstCountedAt !== undefined
                          ? utc(r.firstCountedAt)
                          : `not counted${r.notCounted !== undefined ? `: ${r.notCounted}` : ''}`}
                      </td>
                      <td>
                        <Probability p={r.pAfter} />
                      </td>
                      <td>{points(r.delta)}</td>
                    </tr>
                  ),
                )}
              </tbody>
            </table>
          </div>
        )}
      </Panel>

      <Panel title="Level changes" id="inq-levels">
        {inquiry.levelChanges.length === 0 ? (
          <p className="muted">The level did not change in the window.</p>
        ) : (
          <ol className="inquiry-list">
            {inquiry.levelChanges.map((c, i) => (
              <li key={i}>
                <p>
                  <strong>
                    {utc(c.at)}: {c.from} → {c.to}
                  </strong>{' '}
                  ({c.cause === 'model' ? `model version ${c.version}` : 'the evidence'}), P(dangerous){' '}
                  <Probability p={c.pDangerous} />, leading {c.leadingTitle}.
                </p>
                {c.evidence.length > 0 && (
                  <>
                    <h3 className="small">Evidence</h3>
                    <ul>
                      {c.evidence.map((e) => (
                        <li key={e.report}>
                          {e.description} ({points(e.impact)}
                          {e.flips ? ', decisive' : ''})
                        </li>
                      ))}
                    </ul>
                  </>
                )}
                {c.withheld > 0 && (
                  <p className="withheld-inline">{c.withheld} evidence entries withheld from you.</p>
                )}
                {c.collect.length > 0 && (
                  <>
                    <h3 className="small">Collection advice at the time</h3>
                    <ul>
                      {c.collect.map((a) => (
                        <li key={a.indicator}>
                          {a.indicatorTitle}: if present <Probability p={a.pDangerousIfPresent} />, if absent{' '}
                          <Probability p={a.pDangerousIfAbsent} />
                        </li>
                      ))}
                    </ul>
                  </>
                )}
              </li>
            ))}
          </ol>
        )}
      </Panel>

      <Panel title="Warnings" id="inq-warnings">
        {inquiry.warnings.length === 0 ? (
          <p className="muted">No warning in the window.</p>
        ) : (
          inquiry.warnings.map((w) => <WarningBlock key={w.id} warning={w} />)
        )}
        {inquiry.escalationErrors.length > 0 && (
          <>
            <h3>Escalation errors</h3>
            <ul>
              {inquiry.escalationErrors.map((e) => (
                <li key={e.seq}>
                  {utc(e.at)}: {e.text}
                </li>
              ))}
            </ul>
          </>
        )}
      </Panel>

      <Panel title="Dissents" id="inq-dissents">
        {inquiry.dissents.length === 0 ? (
          <p className="muted">No dissent in the window.</p>
        ) : (
          <ul className="inquiry-list">
            {inquiry.dissents.map((d) => (
              <li key={d.dissent}>
                {utc(d.filedAt)}: {d.authorName ?? d.author} held P(dangerous){' '}
                <Probability p={d.pDangerous} /> (level {d.level}): “{d.rationale}”. {d.fate}
              </li>
            ))}
          </ul>
        )}
      </Panel>

      <Panel title="Model changes" id="inq-models">
        {inquiry.modelChanges.length === 0 ? (
          <p className="muted">No model change in the window.</p>
        ) : (
          <ul className="inquiry-list">
            {inquiry.modelChanges.map((m) => (
              <li key={m.seq}>
                {utc(m.at)}: version {m.version} by {m.byName ?? m.by}
                {m.changes.length > 0 && `: ${m.changes.join('; ')}`}
              </li>
            ))}
          </ul>
        )}
      </Panel>

      <Panel title="What each person was told" id="inq-people">
        {inquiry.people.length === 0 ? (
          <p className="muted">Nobody was told anything in the window.</p>
        ) : (
          inquiry.people.map((p) => (
            <div key={p.person} className="inquiry-person">
              <h3>
                {p.name ?? p.person}{' '}
                <span className="muted small">({p.acknowledgments} acknowledgments)</span>
              </h3>
              <ul>
                {p.told.map((t) => (
                  <li key={`${t.seq}-${t.what}`}>
                    {utc(t.at)}: {t.what}
                    {t.level !== undefined ? ` at level ${t.level}` : ''}
                    {t.pDangerous !== undefined && (
                      <>
                        , P(dangerous) <Probability p={t.pDangerous} />
                      </>
                    )}{' '}
                    via {t.channels.join(', ') || 'no channel'};{' '}
                    {t.acknowledgedAt !== undefined
                      ? `acknowledged ${utc(t.acknowledgedAt)} (after ${duration(t.acknowledgedAfterMs)})`
                      : 'not acknowledged'}
                  </li>
                ))}
              </ul>
            </div>
          ))
        )}
      </Panel>

      <Panel title="Verification of the log" id="inq-verification">
        <p data-testid="inquiry-verification" className={verification.ok ? 'verify-ok' : 'verify-failed'}>
          {verification.ok ? 'Verified' : 'Verification FAILED'}: {verification.eventsVerified} events checked
          {verification.failure !== undefined
            ? ` — failure at entry ${verification.failure.seq}: ${verification.failure.reason}`
            : ''}
          ; {verification.window.events} events in the window
          {verification.sealedBy !== null
            ? `, sealed by the checkpoint at entry ${verification.sealedBy.seq} (${utc(verification.sealedBy.at)})`
            : ', not yet sealed by a checkpoint'}
          .
        </p>
        {verification.head !== null && (
          <p>
            Head: entry {verification.head.seq} at {utc(verification.head.at)}, hash{' '}
            <code className="hash" data-testid="inquiry-head-hash">
              {verification.head.hash}
            </code>
          </p>
        )}
        <p className="muted small">{verification.howToCheck}</p>
        {inquiry.notes.length > 0 && (
          <ul className="muted small">
            {inquiry.notes.map((n, i) => (
              <li key={i}>{n}</li>
            ))}
          </ul>
        )}
      </Panel>
    </div>
  );
}

function WarningBlock({ warning }: { warning: Warning }) {
  return (
    <div className="inquiry-warning" data-inquiry-warning={warning.id}>
      <h3>
        {warning.kind === 'dissent' ? 'Dissent warning' : 'Warning'} {warning.id}: opened{' '}
        {utc(warning.openedAt)}
        {warning.closedAt !== undefined ? `, closed ${utc(warning.closedAt)}` : ', still open'}
      </h3>
      {warning.versions.map((v) => (
        <div key={v.seq} className="inquiry-version">
          <p>
            <strong>Version {v.version}</strong> at {utc(v.at)}:{' '}
            {v.closing ? 'all-clear' : `level ${v.level}`}, P(dangerous) <Probability p={v.pDangerous} /> —{' '}
            {v.reason}
            {v.withheld > 0 && (
              <span className="withheld-inline"> · {v.withheld} evidence entries withheld from you</span>
            )}
          </p>
          {v.notifications.length > 0 && (
            <table className="data-table">
              <caption className="visually-hidden">Who was told of version {v.version}</caption>
              <thead>
                <tr>
                  <th scope="col">Told</th>
                  <th scope="col">When</th>
                  <th scope="col">Why</th>
                  <th scope="col">Channels and deliveries</th>
                  <th scope="col">Delivered after</th>
                  <th scope="col">Acknowledged after</th>
                </tr>
              </thead>
              <tbody>
                {v.notifications.map((n) => (
                  <tr key={`${n.seq}-${n.person}`}>
                    <td>{n.name ?? n.person}</td>
                    <td>{utc(n.at)}</td>
                    <td>{n.reason}</td>
                    <td>
                      {n.deliveries.length > 0
                        ? n.deliveries.map((d) => `${d.channel}: ${d.outcome}`).join(', ')
                        : n.channels.join(', ')}
                    </td>
                    <td>{duration(n.deliveredAfterMs)}</td>
                    <td>
                      {n.acknowledgedAfterMs !== undefined
                        ? duration(n.acknowledgedAfterMs)
                        : 'not acknowledged'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {v.acknowledgments.length > 0 && (
            <ul>
              {v.acknowledgments.map((a) => (
                <li key={a.seq}>
                  Acknowledged by {a.userName ?? a.name ?? a.user} at {utc(a.at)} via {a.via},{' '}
                  {duration(a.afterVersionMs)} after the version
                  {a.note !== undefined ? `: “${a.note}”` : ''}
                </li>
              ))}
            </ul>
          )}
          {v.errors.map((e) => (
            <p key={e.seq} className="field-error">
              {utc(e.at)}: {e.text}
            </p>
          ))}
        </div>
      ))}
    </div>
  );
}
