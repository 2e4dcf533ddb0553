/**
 * One warning in the inbox: the judgment its current version carries (level, P(dangerous) in
 * words, leading hypothesis, what it hangs on, what to collect next), the version and why it
 * changed, the escalation of that version, the earlier versions, and acknowledgment.
 */
import { useRef } from 'react';
import { seg } from '../../api/client.js';
import type { Problem, Warning } from '../../api/types.js';
import { LevelBadge } from '../../components/LevelBadge.js';
import { Probability } from '../../components/Probability.js';
import { percent, points, utc } from '../../lib/format.js';
import { estimativeWords } from '../../lib/words.js';
import { Link } from '../../router.js';
import { AcknowledgeForm } from './AcknowledgeForm.js';
import { isDissentWarning, versionReason } from './escalation.js';
import { EscalationTable } from './EscalationTable.js';

interface Props {
  readonly warning: Warning;
  /** The problem's model, once loaded (titles and levels). */
  readonly problem: Problem | undefined;
  /** Sent to me. */
  readonly mine: boolean;
  /** I may acknowledge it: sent to me, or I am a duty officer or a decision-maker. */
  readonly mayAcknowledge: boolean;
  readonly onChanged: () => void;
}

export function WarningCard({ warning: w, problem, mine, mayAcknowledge, onChanged }: Props) {
  const titleId = `warning-${w.id}-title`;
  const levels = problem?.warning.levels;
  const hypothesis = (id: string) => problem?.hypotheses.find((h) => h.id === id)?.title ?? id;
  const indicator = (id: string) => problem?.indicators.find((i) => i.id === id)?.title ?? id;
  const current = w.versions.find((v) => v.version === w.version);
  const previous = w.versions.find((v) => v.version === w.version - 1);
  const earlier = w.versions.filter((v) => v.version < w.version).reverse();
  const dissent = isDissentWarning(w);
  // The version first shown: a newer one that arrives live is pointed out, so it is read before it is acknowledged.
  const firstSeen = useRef(w.version);
  const changedLive = w.version > firstSeen.current;

  return (
    <article className={`warning-card${w.acknowledged ? ' warning-acknowledged' : ''}`} aria-labelledby={titleId} data-warning={w.id} data-version={w.version} data-acknowledged={w.acknowledged}>
      <header className="warning-head">
        <LevelBadge level={w.level} levels={levels} size="large" />
        <div className="warning-title">
          <h3 id={titleId}>
            <Link to={`/problems/${seg(w.problem)}`}>{problem?.title ?? w.problem}</Link>
          </h3>
          <p className="muted small">
            {dissent ? 'Warning raised by a dissent' : 'Warning'} <code>{w.id.slice(0, 8)}</code> · opened {utc(w.openedAt)} · version {w.version}, {utc(current?.at ?? w.updatedAt)}
          </p>
        </div>
        <div className="warning-tags">
          {changedLive && (
            <span className="tag tag-danger" role="status">
              new version since you opened this page
            </span>
          )}
          {mine && <span className="tag tag-lead">addressed to you</span>}
          {dissent && <span className="tag">dissent</span>}
          {w.acknowledged ? <span className="tag tag-ok">acknowledged</span> : <span className="tag tag-danger">not acknowledged</span>}
        </div>
      </header>

      <dl className="warning-facts">
        <div>
          <dt>P(dangerous)</dt>
          <dd>
            <Probability p={w.pDangerous} />
          </dd>
        </div>
        <div>
          <dt>Leading hypothesis</dt>
          <dd>{hypothesis(w.leading)}</dd>
        </div>
        <div className="warning-why">
          <dt>Why version {w.version}</dt>
          <dd>
            {versionReason(current?.reason ?? '')}
            {previous !== undefined && (
              <span className="muted">
                {' '}
                (was {previous.level} at {percent(previous.pDangerous)} {estimativeWords(previous.pDangerous)}: {points(w.pDangerous - previous.pDangerous)})
              </span>
            )}
          </dd>
        </div>
      </dl>

      <div className="warning-grid">
        <section aria-labelledby={`${titleId}-hangs`}>
          <h4 id={`${titleId}-hangs`}>What it hangs on</h4>
          {dissent ? (
            <p className="muted small">
              A dissent’s own probabilities, not the reports: its rationale is on the <Link to={`/problems/${seg(w.problem)}`}>problem page</Link>.
            </p>
          ) : w.judgment.evidence.length === 0 && w.judgment.withheld === 0 ? (
            <p className="muted small">No single report: the priors and many small pieces.</p>
          ) : (
            <ul className="plain-list">
              {w.judgment.evidence.map((e) => (
                <li key={e.report}>
                  <span className={`impact ${e.impact > 0 ? 'impact-up' : 'impact-down'}`}>{points(e.impact)}</span> report <code>{e.report}</code>
                  {e.flips && <strong className="flips"> · would change the leading hypothesis</strong>}
                </li>
              ))}
              {w.judgment.withheld > 0 && <li className="withheld-inline">{w.judgment.withheld} more withheld from you</li>}
            </ul>
          )}
        </section>
        <section aria-labelledby={`${titleId}-collect`}>
          <h4 id={`${titleId}-collect`}>Collect next</h4>
          {w.judgment.collect.length === 0 ? (
            <p className="muted small">Nothing left to learn from these indicators.</p>
          ) : (
            <ul className="plain-list">
              {w.judgment.collect.map((c) => (
                <li key={c.indicator}>
                  <strong>{indicator(c.indicator)}</strong> <span className="muted small">{c.eig.toFixed(2)} bits</span>
                  <div className="muted small">
                    if present {percent(c.pDangerousIfPresent)} ({estimativeWords(c.pDangerousIfPresent)}), if absent {percent(c.pDangerousIfAbsent)} ({estimativeWords(c.pDangerousIfAbsent)})
                  </div>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>

      <EscalationTable warning={w} headingId={`${titleId}-escalation`} />

      {earlier.length > 0 && (
        <details className="warning-versions">
          <summary>Earlier versions ({earlier.length})</summary>
          <ol reversed className="plain-list">
            {earlier.map((v) => (
              <li key={v.version}>
                Version {v.version}, {utc(v.at)}: {v.level} at {percent(v.pDangerous)} ({estimativeWords(v.pDangerous)}) · {versionReason(v.reason)} ·{' '}
                {w.acknowledgments.filter((a) => a.version === v.version).length} acknowledgments
              </li>
            ))}
          </ol>
        </details>
      )}

      {w.state === 'open' && <AcknowledgeForm warning={w} mayAcknowledge={mayAcknowledge} onChanged={onChanged} />}
    </article>
  );
}
