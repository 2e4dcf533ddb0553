/**
 * The evidence timeline: every report the reader may see, newest first, with its Admiralty
 * grade (or a sensor's measured rates), its marking and its text, and "N withheld" where
 * reports were kept from the reader. Report text is untrusted: it is rendered as text, never
 * as markup.
 */
import { useState } from 'react';
import type { Problem } from '../../api/types.js';
import { grade, gradeMeaning, utc } from '../../lib/format.js';
import { newestFirst, type EvidenceItem } from './evidence.js';

const SHOWN = 25;

export function EvidenceTimeline({ problem, items, until, withheldAtInstant }: { problem: Problem; items: readonly EvidenceItem[]; until: number | undefined; withheldAtInstant: number | undefined }) {
  const [all, setAll] = useState(false);
  const titles = new Map(problem.indicators.map((i) => [i.id, i.title]));
  // As of a past instant: only what had been received by then; the markers of the live list
  // cannot be placed in time, so the assessment's count of withheld reports stands for them.
  const shown = newestFirst(items).filter((item) => (until === undefined ? true : item.kind === 'report' && Date.parse(item.report.received) <= until));
  const list = all ? shown : shown.slice(0, SHOWN);

  return (
    <>
      {until !== undefined && (withheldAtInstant ?? 0) > 0 && (
        <p className="withheld-marker" data-withheld={withheldAtInstant}>
          <span aria-hidden="true">▒</span> {withheldAtInstant} counted reports withheld at this instant: you are not cleared to see them.
        </p>
      )}
      {shown.length === 0 && <p className="note">No reports {until === undefined ? 'yet' : 'by this instant'}.</p>}
      <ol className="evidence" aria-label="Reports, newest first">
        {list.map((item) =>
          item.kind === 'withheld' ? (
            <li key={`w-${item.key}-${item.live ? 'live' : 'page'}`} className="withheld-marker" data-withheld={item.count}>
              <span aria-hidden="true">▒</span> {item.count} {item.count === 1 ? 'report' : 'reports'} withheld{' '}
              {item.among === undefined ? 'here' : item.among === 0 ? 'here' : `among the ${item.among} below`}: you are not cleared to see{' '}
              {item.count === 1 ? 'it' : 'them'}.
            </li>
          ) : (
            <li key={item.report.id} className={`evidence-item evidence-${item.report.observed}`} data-report={item.report.id}>
              <div className="evidence-line">
                <span className={`observed observed-${item.report.observed}`}>{item.report.observed === 'present' ? '▲ present' : '▽ absent'}</span>
                <strong className="evidence-indicator">{titles.get(item.report.indicator) ?? item.report.indicator}</strong>
                <abbr className="grade" title={gradeMeaning(item.report)}>
                  {grade(item.report)}
                </abbr>
                {item.report.classification !== undefined && item.report.classification !== 'UNCLASSIFIED' && <span className="marking">{item.report.classification}</span>}
                {(item.report.compartments ?? []).map((c) => (
                  <span key={c} className="marking">
                    {c}
                  </span>
                ))}
                {item.report.backfilled === true && <span className="tag">backfilled</span>}
              </div>
              {item.report.text !== undefined && item.report.text !== '' && <p className="evidence-text">{item.report.text}</p>}
              <div className="muted small">
                {item.report.id} · source {item.report.source ?? item.report.id} · seen {utc(item.report.at)} · received {utc(item.report.received)}
              </div>
            </li>
          ),
        )}
      </ol>
      {shown.length > SHOWN && (
        <button type="button" className="button-quiet" onClick={() => setAll((a) => !a)} aria-expanded={all}>
          {all ? `Show the latest ${SHOWN}` : `Show all ${shown.length}`}
        </button>
      )}
    </>
  );
}
