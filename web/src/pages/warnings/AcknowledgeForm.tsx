/**
 * Acknowledging a warning: "I have read this version", with a note. The version sent is the one
 * on the screen, so a warning that changed meanwhile is refused (409 WARNING_STALE) and the
 * reader is told to read the new version; a reader who may not acknowledge is told why (403).
 */
import { useState, type FormEvent } from 'react';
import { api, ApiError, seg } from '../../api/client.js';
import type { Warning } from '../../api/types.js';
import { describe, Field } from '../../components/Field.js';
import { utc } from '../../lib/format.js';
import { useUser } from '../../session.js';

/** The longest note the API takes. */
const NOTE_MAX = 2000;

/** What the reader is told when an acknowledgment is refused. */
export function refusalMessage(error: ApiError, version: number): string {
  if (error.code === 'WARNING_STALE') {
    return `Not acknowledged: this warning has changed since you read it, and version ${version} is no longer the current one. The new version is shown now: read it, then acknowledge it.`;
  }
  if (error.status === 403) return 'Not acknowledged: you are not one of the people this warning was sent to, nor a duty officer or a decision-maker.';
  if (error.status === 404) return 'Not acknowledged: this warning no longer exists.';
  return `Not acknowledged: ${error.message} (${error.code}).`;
}

export function AcknowledgeForm({ warning, mayAcknowledge, onChanged }: { warning: Warning; mayAcknowledge: boolean; onChanged: () => void }) {
  const user = useUser();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | undefined>(undefined);
  const mine = warning.acknowledgments.find((a) => a.version === warning.version && a.user === user.id);
  const id = `ack-note-${warning.id}`;

  if (mine !== undefined) {
    return (
      <p className="note note-ok ack-done" role="status">
        You acknowledged version {mine.version} at {utc(mine.at)}
        {mine.note !== undefined && <>: “{mine.note}”</>}.
      </p>
    );
  }
  if (!mayAcknowledge) {
    return <p className="note ack-denied">Only the people this warning was sent to, a duty officer or a decision-maker may acknowledge it.</p>;
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setRefusal(undefined);
    const version = warning.version;
    try {
      await api.post(`/api/v1/warnings/${seg(warning.id)}/acknowledge`, { version, ...(note.trim() !== '' ? { note: note.trim() } : {}) });
      setNote('');
    } catch (error) {
      setRefusal(error instanceof ApiError ? refusalMessage(error, version) : `Not acknowledged: ${String(error)}`);
    } finally {
      setBusy(false);
      // Either way the warning as it is now: acknowledged, or its newer version.
      onChanged();
    }
  };

  const errors = note.length > NOTE_MAX ? [`must be at most ${NOTE_MAX} characters`] : [];
  const hint = 'Optional: what you are doing about it. Kept with your acknowledgment.';
  return (
    <form className="ack-form" onSubmit={(event) => void submit(event)} noValidate>
      <Field id={id} label={`Note on version ${warning.version}`} errors={errors} hint={hint}>
        <textarea rows={2} value={note} onChange={(e) => setNote(e.target.value)} {...describe(id, errors, hint)} />
      </Field>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={busy || errors.length > 0}>
          {busy ? 'Acknowledging…' : `Acknowledge version ${warning.version}`}
        </button>
        {warning.acknowledged && <span className="muted small">Already acknowledged by someone else; you may acknowledge it too.</span>}
      </div>
      {refusal !== undefined && (
        <p className="note note-error" role="alert">
          {refusal}
        </p>
      )}
    </form>
  );
}
