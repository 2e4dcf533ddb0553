/**
 * The model editor for senior analysts: hypotheses and priors, indicators and their likelihood
 * grid, warning levels. Checked as typed; saved as a new version with PUT /api/v1/problems/{id}
 * (or created with POST); the server's objections are shown at the fields they name.
 */
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, seg } from '../../api/client.js';
import type { ProblemAnswer } from '../../api/types.js';
import { describe, Field } from '../../components/Field.js';
import { ErrorNote, Loading, Panel } from '../../components/Panel.js';
import { useResource } from '../../lib/use-resource.js';
import { Link, navigate } from '../../router.js';
import { abilities, useUser } from '../../session.js';
import { HypothesesEditor } from './HypothesesEditor.js';
import { LevelsEditor } from './LevelsEditor.js';
import { LikelihoodGrid } from './LikelihoodGrid.js';
import { blankDraft, draftFromProblem, problemFromDraft, validateDraft, type ModelDraft } from './model-draft.js';

export function ModelEditorPage({ problemId }: { problemId: string | undefined }) {
  const user = useUser();
  const creating = problemId === undefined;
  const base = creating ? undefined : `/api/v1/problems/${seg(problemId)}`;
  const model = useResource((signal) => (base === undefined ? Promise.resolve(undefined) : api.get<ProblemAnswer>(base, signal)), problemId ?? 'new');
  const [draft, setDraft] = useState<ModelDraft | undefined>(creating ? blankDraft() : undefined);
  const [serverIssues, setServerIssues] = useState<Map<string, string[]>>(new Map());
  const [failure, setFailure] = useState<ApiError | undefined>(undefined);
  const [saved, setSaved] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const summary = useRef<HTMLDivElement>(null);

  useEffect(() => {
    document.title = `${creating ? 'New problem' : `Model of ${problemId}`} · Vigil`;
  }, [creating, problemId]);
  useEffect(() => {
    if (model.value !== undefined && draft === undefined) setDraft(draftFromProblem(model.value.problem));
  }, [model.value, draft]);

  const local = useMemo(() => (draft === undefined ? new Map<string, string[]>() : validateDraft(draft)), [draft]);
  const issues = useMemo(() => {
    const merged = new Map(local);
    for (const [path, messages] of serverIssues) merged.set(path, [...(merged.get(path) ?? []), ...messages.filter((m) => !(merged.get(path) ?? []).includes(m))]);
    return merged;
  }, [local, serverIssues]);

  if (!abilities(user).editModels) {
    return (
      <main id="main" className="page">
        <h1>Model editor</h1>
        <p className="note">Your roles ({user.roles.join(', ')}) do not include editing models: that takes a senior analyst.</p>
      </main>
    );
  }

  const edit = (next: ModelDraft) => {
    setDraft(next);
    // The server's objections were to the last save; after an edit the live checks speak.
    if (serverIssues.size > 0) setServerIssues(new Map());
    setSaved(undefined);
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (draft === undefined || local.size > 0) {
      requestAnimationFrame(() => summary.current?.focus());
      return;
    }
    setBusy(true);
    setFailure(undefined);
    try {
      const body = problemFromDraft(draft);
      const answer = creating
        ? await api.post<{ id: string; version: number }>('/api/v1/problems', body)
        : await api.put<{ id: string; version: number; changed?: boolean }>(`/api/v1/problems/${seg(problemId)}`, body);
      if (creating) {
        navigate(`/problems/${seg(answer.id)}`);
        return;
      }
      setSaved('changed' in answer && answer.changed === false ? `No change: the model is still version ${answer.version}.` : `Saved as version ${answer.version}.`);
    } catch (error) {
      const apiError = error instanceof ApiError ? error : new ApiError(0, 'NETWORK', String(error), undefined, []);
      setFailure(apiError);
      const byPath = new Map<string, string[]>();
      for (const issue of apiError.issues) byPath.set(issue.path, [...(byPath.get(issue.path) ?? []), issue.message]);
      setServerIssues(byPath);
      requestAnimationFrame(() => summary.current?.focus());
    } finally {
      setBusy(false);
    }
  };

  const idHint = creating ? 'Letters, digits and dashes; it cannot change later.' : 'Fixed for an existing problem.';
  const count = [...issues.values()].reduce((n, list) => n + list.length, 0);
  return (
    <main id="main" className="page page-form page-editor">
      <p className="crumbs">
        <Link to="/">Watch floor</Link> › {creating ? 'New problem' : <Link to={`/problems/${seg(problemId)}`}>{model.value?.problem.title ?? problemId}</Link>} › Model
      </p>
      <h1>{creating ? 'New problem' : 'Edit the model'}</h1>
      {!creating && <p className="muted">Saving stores a new version (the current is {model.value?.version ?? '…'}); the assessment is recomputed; the past stays as it was.</p>}
      {model.error !== undefined && <ErrorNote error={model.error} what="the model" />}
      {draft === undefined && model.error === undefined && <Loading what="the model" />}
      <div ref={summary} tabIndex={-1} className="error-summary-anchor" aria-live="polite">
        {saved !== undefined && (
          <p className="note note-ok" role="status">
            {saved} <Link to={`/problems/${seg(problemId ?? '')}`}>See the problem</Link>
          </p>
        )}
        {failure !== undefined && (
          <div className="note note-error" role="alert">
            <p>
              The server refused the model ({failure.code}): {failure.message}
            </p>
            {failure.issues.length > 0 && (
              <ul>
                {failure.issues.map((i) => (
                  <li key={`${i.path}-${i.message}`}>
                    <code>{i.path || '/'}</code> {i.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </div>
      {draft !== undefined && (
        <form onSubmit={(e) => void save(e)} noValidate>
          <Panel title="Problem" id="model-problem">
            <div className="field-pair">
              <Field id="model-id" label="Id" errors={issues.get('/id') ?? []} hint={idHint}>
                <input value={draft.id} readOnly={!creating} onChange={(e) => edit({ ...draft, id: e.target.value })} {...describe('model-id', issues.get('/id') ?? [], idHint)} />
              </Field>
              <Field id="model-title" label="Question" errors={issues.get('/title') ?? []} className="field-wide">
                <input value={draft.title} onChange={(e) => edit({ ...draft, title: e.target.value })} {...describe('model-title', issues.get('/title') ?? [])} />
              </Field>
            </div>
            <Field id="model-description" label="Description (optional)" errors={issues.get('/description') ?? []}>
              <textarea rows={3} value={draft.description} onChange={(e) => edit({ ...draft, description: e.target.value })} {...describe('model-description', issues.get('/description') ?? [])} />
            </Field>
          </Panel>
          <Panel title="Hypotheses" id="model-hypotheses">
            <HypothesesEditor draft={draft} issues={issues} onChange={edit} />
          </Panel>
          <Panel title="Indicators and likelihoods" id="model-indicators">
            <LikelihoodGrid draft={draft} issues={issues} onChange={edit} />
          </Panel>
          <Panel title="Warning levels" id="model-levels">
            <LevelsEditor draft={draft} issues={issues} onChange={edit} />
          </Panel>
          <div className="form-actions sticky-actions">
            <button type="submit" className="button-primary" disabled={busy} aria-describedby="model-status">
              {busy ? 'Saving…' : creating ? 'Create problem' : 'Save as a new version'}
            </button>
            <span id="model-status" className={count > 0 ? 'sum-bad' : 'sum-ok'}>
              {count > 0 ? `${count} ${count === 1 ? 'issue' : 'issues'} to fix before saving` : 'Ready to save'}
            </span>
            {!creating && <Link to={`/problems/${seg(problemId)}`}>Cancel</Link>}
          </div>
        </form>
      )}
    </main>
  );
}
