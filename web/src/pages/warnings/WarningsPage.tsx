/**
 * The warnings inbox: every open warning, those addressed to me and not yet acknowledged first,
 * then the others awaiting acknowledgment, then those acknowledged. Each shows its judgment
 * (level, P(dangerous) in words, leading hypothesis, what it hangs on, what to collect next),
 * its version and why it changed, and its escalation (who was told, why them, when, through
 * which channels, deliveries, who acknowledged and who has not answered), with a form to
 * acknowledge the version shown. Kept live by the stream's `warning` events.
 */
import { useEffect, useMemo } from 'react';
import { api } from '../../api/client.js';
import { useLiveEvents, useLiveStatus } from '../../api/live.js';
import type { Problem, Warning } from '../../api/types.js';
import { ErrorNote, Loading } from '../../components/Panel.js';
import { useResource, useThrottled } from '../../lib/use-resource.js';
import { abilities, useUser } from '../../session.js';
import { useInboxCount } from './inbox-count.js';
import { inboxOf } from './inbox.js';
import { useProblemModels } from './use-problem-models.js';
import { WarningCard } from './WarningCard.js';

interface InboxAnswer {
  readonly warnings: readonly Warning[];
  /** Ids of the warnings sent to me. */
  readonly mine: ReadonlySet<string>;
}

/** How long a burst of warning events is gathered before the inbox is asked again (ms). */
const REFRESH_MS = 300;

async function loadInbox(signal: AbortSignal): Promise<InboxAnswer> {
  const list = (query: string) => api.get<{ warnings: Warning[] }>(`/api/v1/warnings?${query}`, signal).then((answer) => answer.warnings);
  const [waiting, acknowledged, mineWaiting, mineAcknowledged] = await Promise.all([
    list('state=open'),
    list('state=acknowledged'),
    list('state=open&mine=true'),
    list('state=acknowledged&mine=true'),
  ]);
  // One warning may be in both lists when it was acknowledged between the two answers: the later wins.
  const byId = new Map<string, Warning>();
  for (const w of [...waiting, ...acknowledged]) byId.set(w.id, w);
  return { warnings: [...byId.values()], mine: new Set([...mineWaiting, ...mineAcknowledged].map((w) => w.id)) };
}

export function WarningsPage() {
  const user = useUser();
  const resource = useResource(loadInbox, 'inbox');
  const reload = useThrottled(resource.reload, REFRESH_MS);
  const badge = useInboxCount();
  const { connections } = useLiveStatus();

  useEffect(() => {
    document.title = 'Warnings inbox · Vigil';
  }, []);
  useEffect(() => {
    if (connections > 1) reload();
  }, [connections, reload]);
  useLiveEvents((event) => {
    if (event.type === 'warning') reload();
  });

  const answer = resource.value;
  const inbox = useMemo(() => (answer === undefined ? undefined : inboxOf(answer.warnings, answer.mine)), [answer]);
  const models = useProblemModels(answer?.warnings.map((w) => w.problem) ?? []);
  const authority = abilities(user).acknowledgeAny;

  const changed = () => {
    resource.reload();
    badge.reload();
  };

  return (
    <main id="main" className="page page-inbox">
      <div className="page-head">
        <h1>Warnings inbox</h1>
        {inbox !== undefined && (
          <p className="muted" role="status" data-testid="inbox-summary">
            {inbox.mine.length} addressed to you awaiting acknowledgment · {inbox.others.length} more awaiting acknowledgment · {inbox.acknowledged.length} acknowledged
          </p>
        )}
      </div>
      {resource.error !== undefined && <ErrorNote error={resource.error} what="the warnings" />}
      {inbox === undefined && resource.error === undefined && <Loading what="the warnings" />}
      {inbox !== undefined && answer !== undefined && (
        <>
          <Section id="inbox-mine" title="Addressed to you, awaiting your acknowledgment" warnings={inbox.mine} empty="Nothing addressed to you awaits acknowledgment." models={models} mine={answer.mine} authority={authority} onChanged={changed} />
          <Section id="inbox-others" title="Not addressed to you, awaiting acknowledgment" warnings={inbox.others} empty="No other open warning awaits acknowledgment." models={models} mine={answer.mine} authority={authority} onChanged={changed} />
          <Section id="inbox-acknowledged" title="Acknowledged, still open" warnings={inbox.acknowledged} empty="No open warning has been acknowledged." models={models} mine={answer.mine} authority={authority} onChanged={changed} />
        </>
      )}
    </main>
  );
}

function Section(props: {
  id: string;
  title: string;
  warnings: readonly Warning[];
  empty: string;
  models: ReadonlyMap<string, Problem>;
  mine: ReadonlySet<string>;
  authority: boolean;
  onChanged: () => void;
}) {
  const { id, title, warnings, empty, models, mine, authority, onChanged } = props;
  return (
    <section className="inbox-section" aria-labelledby={`${id}-title`} data-section={id}>
      <h2 id={`${id}-title`}>
        {title} <span className="count">({warnings.length})</span>
      </h2>
      {warnings.length === 0 ? (
        <p className="note">{empty}</p>
      ) : (
        warnings.map((w) => <WarningCard key={w.id} warning={w} problem={models.get(w.problem)} mine={mine.has(w.id)} mayAcknowledge={authority || mine.has(w.id)} onChanged={onChanged} />)
      )}
    </section>
  );
}
