/**
 * The watch floor: every problem this user may see, highest level first, each with its level,
 * P(dangerous) in numbers and words, its trend and its leading hypothesis, kept live by the
 * event stream. Rows move only when a level changes, never on every wiggle of a number.
 */
import { useEffect, useState } from 'react';
import { api, seg } from '../api/client.js';
import { useLiveEvents, useLiveStatus } from '../api/live.js';
import type { ProblemSummary, Timeline, WarningLevel } from '../api/types.js';
import { LevelBadge } from '../components/LevelBadge.js';
import { ErrorNote, Loading, NotYetBuilt } from '../components/Panel.js';
import { Probability } from '../components/Probability.js';
import { Sparkline, type TrendPoint } from '../components/Sparkline.js';
import { utc } from '../lib/format.js';
import { rankOf } from '../lib/levels.js';
import { useResource, useThrottled } from '../lib/use-resource.js';
import { Link } from '../router.js';
import { abilities, useUser } from '../session.js';

interface Row {
  readonly summary: ProblemSummary;
  readonly levels: readonly WarningLevel[] | undefined;
  readonly trend: readonly TrendPoint[];
}

/** How many of the latest evaluations a trend shows. */
const TREND_POINTS = 60;

async function loadRows(signal: AbortSignal): Promise<Row[]> {
  const { problems } = await api.get<{ problems: ProblemSummary[] }>('/api/v1/problems', signal);
  return Promise.all(
    problems.map(async (summary) => {
      try {
        const timeline = await api.get<Timeline>(`/api/v1/problems/${seg(summary.id)}/timeline`, signal);
        const trend = timeline.points.slice(-TREND_POINTS).map((p) => ({ t: Date.parse(p.at), p: p.pDangerous }));
        return { summary, levels: timeline.levels, trend };
      } catch {
        return { summary, levels: undefined, trend: [] };
      }
    }),
  );
}

function ordered(rows: readonly Row[]): Row[] {
  return [...rows].sort((a, b) => rankOf(b.summary.level, b.levels) - rankOf(a.summary.level, a.levels) || a.summary.title.localeCompare(b.summary.title));
}

export function WatchFloorPage() {
  const user = useUser();
  const resource = useResource(loadRows, 'watch-floor');
  const [rows, setRows] = useState<Row[] | undefined>(undefined);
  const reload = useThrottled(resource.reload, 500);

  useEffect(() => {
    document.title = 'Watch floor · Vigil';
  }, []);
  useEffect(() => {
    if (resource.value !== undefined) setRows(resource.value);
  }, [resource.value]);
  // After the stream reconnects, what changed meanwhile was missed: load afresh.
  const { connections } = useLiveStatus();
  useEffect(() => {
    if (connections > 1) reload();
  }, [connections, reload]);

  useLiveEvents((event) => {
    if (event.type === 'problem') reload();
    if (event.type !== 'assessment') return;
    const a = event.data;
    setRows((old) => {
      if (old === undefined) return old;
      if (!old.some((row) => row.summary.id === a.problem)) {
        reload();
        return old;
      }
      return old.map((row) =>
        row.summary.id !== a.problem
          ? row
          : {
              ...row,
              summary: { ...row.summary, level: a.level, pDangerous: a.pDangerous, leading: a.leading, counted: a.counted, updatedAt: a.updatedAt },
              trend: [...row.trend, { t: Date.parse(a.updatedAt), p: a.pDangerous }].slice(-TREND_POINTS),
            },
      );
    });
  });

  const can = abilities(user);
  return (
    <main id="main" className="page page-floor">
      <div className="page-head">
        <h1>Watch floor</h1>
        {can.editModels && (
          <Link to="/problems/new" className="button">
            New problem
          </Link>
        )}
      </div>
      {resource.error !== undefined && <ErrorNote error={resource.error} what="the problems" />}
      {rows === undefined && resource.error === undefined && <Loading what="the problems" />}
      {rows !== undefined && rows.length === 0 && <p className="note">No problems yet.{can.editModels ? ' Create one with “New problem”.' : ''}</p>}
      {rows !== undefined && rows.length > 0 && (
        <table className="floor-table">
          <caption className="visually-hidden">Every warning problem you may see, highest warning level first</caption>
          <thead>
            <tr>
              <th scope="col">Level</th>
              <th scope="col">Problem</th>
              <th scope="col">P(dangerous)</th>
              <th scope="col">Trend</th>
              <th scope="col">Leading hypothesis</th>
              <th scope="col" className="num">
                Reports
              </th>
              <th scope="col">Last change</th>
            </tr>
          </thead>
          <tbody>
            {ordered(rows).map(({ summary, levels, trend }) => (
              <tr key={summary.id} data-problem={summary.id}>
                <td>
                  <LevelBadge level={summary.level} levels={levels} />
                </td>
                <th scope="row" className="floor-title">
                  <Link to={`/problems/${seg(summary.id)}`}>{summary.title}</Link>
                  <span className="muted small"> {summary.id}</span>
                </th>
                <td>
                  <Probability p={summary.pDangerous} />
                </td>
                <td>
                  <Sparkline points={trend} levels={levels} />
                </td>
                <td>{summary.leading}</td>
                <td className="num">
                  {summary.counted} counted
                  {summary.withheld > 0 && <span className="withheld-inline"> · {summary.withheld} withheld</span>}
                </td>
                <td className="small">{summary.updatedAt === null ? '—' : utc(summary.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <NotYetBuilt title="Warnings inbox" id="warnings-inbox">
        The warnings raised by the escalation engine, with who was notified and who acknowledged, will be listed here; the web UI does not
        show them yet. Until it does, a problem's level above is the warning.
      </NotYetBuilt>
    </main>
  );
}
