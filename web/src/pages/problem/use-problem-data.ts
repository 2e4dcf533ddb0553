/**
 * Everything a problem page shows, for now (kept live by the stream) or as of a past instant
 * (inquiry: fixed, the stream only counted). The model is the current version; the assessment,
 * timeline, ACH matrix and dissents are asked for `at` when inquiring.
 */
import { useCallback, useEffect, useState } from 'react';
import { api, seg } from '../../api/client.js';
import { useLiveEvents, useLiveStatus } from '../../api/live.js';
import type { AchMatrix, Assessment, Dissent, ProblemAnswer, StoredReport, Timeline } from '../../api/types.js';
import { useResource, useThrottled, type Resource } from '../../lib/use-resource.js';
import { addReport, addWithheld, loadEvidence, type Evidence } from './evidence.js';

export interface ProblemData {
  readonly model: Resource<ProblemAnswer>;
  readonly assessment: Resource<Assessment>;
  readonly timeline: Resource<Timeline>;
  readonly ach: Resource<AchMatrix>;
  readonly evidence: Resource<Evidence>;
  /** Every dissent filed by the instant, open or withdrawn then. */
  readonly dissents: Resource<{ at: string; dissents: Dissent[] }>;
  /** Reports and markers that arrived live since the evidence was loaded. */
  readonly liveEvidence: (base: Evidence) => Evidence;
  /** Changes announced while inquiring (shown, not applied). */
  readonly missed: number;
}

type LiveAddition = { readonly kind: 'report'; readonly report: StoredReport } | { readonly kind: 'withheld'; readonly count: number };

/** How long a burst of live events is gathered before the page asks again (ms). */
const REFRESH_MS = 250;

export function useProblemData(problemId: string, at: string | undefined): ProblemData {
  const base = `/api/v1/problems/${seg(problemId)}`;
  const atQuery = at === undefined ? '' : `at=${encodeURIComponent(at)}`;
  const key = `${problemId}@${at ?? 'live'}`;

  const model = useResource((signal) => api.get<ProblemAnswer>(base, signal), problemId);
  const assessment = useResource((signal) => api.get<Assessment>(`${base}/assessment?ignored=count${atQuery === '' ? '' : `&${atQuery}`}`, signal), key);
  const timeline = useResource((signal) => api.get<Timeline>(`${base}/timeline${atQuery === '' ? '' : `?${atQuery}`}`, signal), key);
  const ach = useResource((signal) => api.get<AchMatrix>(`${base}/ach${atQuery === '' ? '' : `?${atQuery}`}`, signal), key);
  const evidence = useResource(() => loadEvidence((path) => api.get(path), base), problemId);
  const dissents = useResource((signal) => api.get<{ at: string; dissents: Dissent[] }>(`${base}/dissents${atQuery === '' ? '' : `?${atQuery}`}`, signal), key);

  // Live additions to the evidence, applied over whatever was loaded.
  const [live, setLive] = useState<LiveAddition[]>([]);
  const [missed, setMissed] = useState(0);

  const refresh = useThrottled(() => {
    assessment.reload();
    timeline.reload();
    ach.reload();
    dissents.reload();
  }, REFRESH_MS);
  const refreshDissents = useThrottled(dissents.reload, REFRESH_MS);
  const refreshModel = useThrottled(model.reload, REFRESH_MS);

  // After the stream reconnects, what arrived meanwhile was missed: load everything afresh.
  const { connections } = useLiveStatus();
  useEffect(() => {
    if (connections <= 1) return;
    setLive([]);
    model.reload();
    evidence.reload();
    if (at === undefined) refresh();
    // Only a new connection asks for this (the reloads are stable callbacks of their hooks).
  }, [connections]);

  useLiveEvents((event) => {
    if (event.data.problem !== problemId) return;
    switch (event.type) {
      case 'report':
        setLive((old) => [...old, { kind: 'report', report: { ...event.data.report, seq: event.data.seq, ...(event.data.classification !== undefined ? { classification: event.data.classification } : {}) } }]);
        break;
      case 'withheld':
        setLive((old) => [...old, { kind: 'withheld', count: event.data.count }]);
        break;
      case 'problem':
        refreshModel();
        break;
      case 'correction':
        evidence.reload();
        break;
      case 'assessment':
        if (at === undefined) refresh();
        else setMissed((m) => m + 1);
        break;
      case 'warning':
        // Filing or withdrawing a dissent above the official level opens or closes a warning of
        // its own (the stream has no dissent event): the live page asks for the dissents again.
        if (at === undefined) refreshDissents();
        break;
      default: {
        const never: never = event;
        return never;
      }
    }
  });

  const liveEvidence = useCallback(
    (loaded: Evidence) => {
      let result = loaded;
      // In the order they came, so a marker stands among the reports where it was announced; a
      // report already loaded is not added twice.
      for (const addition of live) result = addition.kind === 'report' ? addReport(result, addition.report) : addWithheld(result, addition.count);
      return result;
    },
    [live],
  );

  return { model, assessment, timeline, ach, evidence, dissents, liveEvidence, missed };
}
