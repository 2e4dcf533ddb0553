/**
 * The watch floor: every problem this user may see, highest level first, each with its level,
 * P(dangerous) in numbers and words, its trend, its leading hypothesis, its warnings not yet
 * acknowledged and its open dissents, kept live by the event stream. Rows move only when a
 * level changes, never on every wiggle of a number.
 */
import { useEffect, useState } from 'react';
import { api, seg } from '../api/client.js';
import { useLiveEvents, useLiveStatus } from '../api/live.js';
import type { Dissent, ProblemSummary, Timeline, Warning, WarningLevel } from '../api/types.js';
import { LevelBadge } from '../components/LevelBadge.js';
import { ErrorNote, Loading } from '../components/Panel.js';
import { Probability } from '../components/Probability.js';
import { Sparkline, type TrendPoint } from '../components/Sparkline.js';
import { utc } from '../lib/format.js';
import { rankOf } from '../lib/levels.js';
import { useResource, useThrottled } from '../lib/use-resource.js';
import { Link } from '../router.js';
import { abilities, useUser } from '../session.js';
import { warningCountsByProblem } from './warnings/inbox.js';

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

/** Per problem: open warnings (and how many nobody has acknowledged), and open dissents (undefined: could not be read). */
interface Counts {
  readonly warnings: ReadonlyMap<string, { open: number; unacknowledged: number }>;
  readonly dissents: ReadonlyMap<string, number | undefined>;
}

async function loadCounts(problemIds: readonly string[], signal: AbortSignal): Promise<Counts> {
  // `open` lists the open warnings whose current version nobody has acknowledged; `acknowledged` the rest of the open ones.
  const [waiting, acknowledged, dissents] = await Promise.all([
    api.get<{ warnings: Warning[] }>('/api/v1/warnings?state=open', signal),
    api.get<{ warnings: Warning[] }>('/api/v1/warnings?state=acknowledged', signal),
    Promise.all(
      problemIds.map(async (id): Promise<[string, number | undefined]> => {
        try {
          const answer = await api.get<{ dissents: Dissent[] }>(`/api/v1/problems/${seg(id)}/dissents`, signal);
          return [id, answer.dissents.filter((d) => d.state === 'open').length];
        } catch {
          return [id, undefined];
        }
      }),
    ),
  ]);
  return { warnings: warningCountsByProblem([...waiting.warnings, ...acknowledged.warnings]), dissents: new Map(dissents) };
}

function ordered(rows: readonly Row[]): Row[] {
  return [...rows].sort((a, b) => rankOf(b.summary.level, b.levels) - rankOf(a.summary.level, a.levels) || a.summary.title.localeCompare(b.summary.title));
}

export function WatchFloorPage() {
  const user = useUser();
  const resource = useResource(loadRows, 'watch-floor');
  const [rows, setRows] = useState<Row[] | undefined>(undefined);
  const reload = useThrottled(resource.reload, 500);
  const ids = (rows ?? []).map((row) => row.summary.id);
  const counts = useResource((signal) => loadCounts(ids, signal), `counts:${ids.join('\n')}`);
  const reloadCounts = useThrottled(counts.reload, 500);

  useEffect(() => {
    document.title = 'Watch floor · Vigil';
  }, []);
  useEffect(() => {
    if (resource.value !== undefined) setRows(resource.value);
  }, [resource.value]);
  // After the stream reconnects, what changed meanwhile was missed: load afresh.
  const { connections } = useLiveStatus();
  useEffect(() => {
    if (connections > 1) {
      reload();
      reloadCounts();
    }
  }, [connections, reload, reloadCounts]);

  useLiveEvents((event) => {
    if (event.type === 'problem') reload();
    // A dissent above the official level raises (and its withdrawal closes) a warning of its own.
    if (event.type === 'warning') reloadCounts();
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
              <th scope="col">Warnings</th>
              <th scope="col">Dissents</th>
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
                <td data-testid="unacknowledged">
                  <WarningCount count={counts.value === undefined ? undefined : (counts.value.warnings.get(summary.id) ?? { open: 0, unacknowledged: 0 })} />
                </td>
                <td data-testid="dissents">
                  <DissentCount count={counts.value?.dissents.get(summary.id)} problemId={summary.id} />
                </td>
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
    </main>
  );
}

function WarningCount({ count }: { count: { open: number; unacknowledged: number } | undefined }) {
  if (count === undefined) return <span className="muted">…</span>;
  if (count.open === 0) return <span className="muted">none</span>;
  if (count.unacknowledged === 0) return <span>{count.open} acknowledged</span>;
  return (
    <Link to="/warnings" className="count-alert">
      {count.unacknowledged} not acknowledged
    </Link>
  );
}

function DissentCount({ count, problemId }: { count: number | undefined; problemId: string }) {
  if (count === undefined) return <span className="muted">…</span>;
  if (count === 0) return <span className="muted">none</span>;
  return (
    <Link to={`/problems/${seg(problemId)}`} className="count-dissent">
      {count} open<span className="visually-hidden"> {count === 1 ? 'dissent' : 'dissents'}</span>
    </Link>
  );
}
