/**
 * The models of the problems a list of warnings names (titles, hypotheses, indicators, levels),
 * each asked once with GET /api/v1/problems/{id} and asked again when the stream says the
 * problem has a new version. A problem that cannot be read stays absent: the page shows its id.
 */
import { useEffect, useRef, useState } from 'react';
import { api, seg } from '../../api/client.js';
import { useLiveEvents } from '../../api/live.js';
import type { Problem, ProblemAnswer } from '../../api/types.js';

export function useProblemModels(ids: readonly string[]): ReadonlyMap<string, Problem> {
  const [models, setModels] = useState<ReadonlyMap<string, Problem>>(new Map());
  const asked = useRef(new Set<string>());
  const wanted = [...new Set(ids)].sort().join('\n');

  useEffect(() => {
    const missing = wanted.split('\n').filter((id) => id !== '' && !asked.current.has(id));
    for (const id of missing) {
      asked.current.add(id);
      api.get<ProblemAnswer>(`/api/v1/problems/${seg(id)}`).then(
        (answer) => setModels((old) => new Map(old).set(id, answer.problem)),
        () => undefined,
      );
    }
  }, [wanted, models]);

  useLiveEvents((event) => {
    if (event.type !== 'problem' || !asked.current.has(event.data.problem)) return;
    // A new model version: ask again (the old one shows meanwhile).
    asked.current.delete(event.data.problem);
    setModels((old) => new Map(old));
  });
  return models;
}
