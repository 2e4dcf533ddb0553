/**
 * Dissents beside the official assessment: each analyst's own probability for every hypothesis
 * next to the official one, with words, the level it reaches, its author, rationale and when it
 * was filed; withdrawn ones stay, marked (as of the inquiry instant when inquiring). Analysts
 * may file one, and withdraw their own.
 */
import { useState } from 'react';
import { api, ApiError, seg } from '../../api/client.js';
import type { Assessment, Dissent, Problem, WarningLevel } from '../../api/types.js';
import { LevelBadge } from '../../components/LevelBadge.js';
import { Probability } from '../../components/Probability.js';
import { utc } from '../../lib/format.js';
import { useUser } from '../../session.js';
import { DissentForm } from './DissentForm.js';

interface Props {
  readonly problem: Problem;
  readonly assessment: Assessment;
  readonly levels: readonly WarningLevel[];
  readonly dissents: readonly Dissent[];
  readonly inquiring: boolean;
  /** The user may file dissents (analysts and senior analysts). */
  readonly mayFile: boolean;
  readonly onChanged: () => void;
}

export function DissentsPanel({ problem, assessment, levels, dissents, inquiring, mayFile, onChanged }: Props) {
  const [filing, setFiling] = useState(false);
  const [filed, setFiled] = useState(false);
  const open = dissents.filter((d) => d.state === 'open');
  const withdrawn = dissents.filter((d) => d.state === 'withdrawn');
  return (
    <div className="dissents">
      {dissents.length === 0 && <p className="note">No dissent {inquiring ? 'had been filed by then' : 'has been filed'}: the official assessment stands unchallenged.</p>}
      {filed && (
        <p className="note note-ok" role="status">
          Your dissent was filed and sent to the control role.
        </p>
      )}
      {[...open, ...withdrawn].map((d) => (
        <DissentCard key={d.dissent} dissent={d} problem={problem} assessment={assessment} levels={levels} inquiring={inquiring} onChanged={onChanged} />
      ))}
      {mayFile && !inquiring && !filing && (
        <button
          type="button"
          className="button"
          onClick={() => {
            setFiling(true);
            setFiled(false);
          }}
        >
          File a dissent
        </button>
      )}
      {mayFile && !inquiring && filing && (
        <DissentForm
          problem={problem}
          assessment={assessment}
          levels={levels}
          onCancel={() => setFiling(false)}
          onFiled={() => {
            setFiling(false);
            setFiled(true);
            onChanged();
          }}
        />
      )}
    </div>
  );
}

function DissentCard({ dissent: d, problem, assessment, levels, inquiring, onChanged }: { dissent: Dissent; problem: Problem; assessment: Assessment; levels: readonly WarningLevel[]; inquiring: boolean; onChanged: () => void }) {
  const user = useUser();
  const own = d.author === user.id;
  const author = d.authorName ?? d.author;
  const titleId = `dissent-${d.dissent}-title`;
  const known = new Set(problem.hypotheses.map((h) => h.id));
  const rows = [...problem.hypotheses.map((h) => ({ id: h.id, title: h.title })), ...Object.keys(d.posterior).filter((id) => !known.has(id)).map((id) => ({ id, title: id }))];
  return (
    <article className={`dissent dissent-${d.state}`} aria-labelledby={titleId} data-dissent={d.dissent} data-state={d.state}>
      <header className="dissent-head">
        <h3 id={titleId}>
          Dissent by {author}
          {own && ' (you)'}
        </h3>
        {d.state === 'withdrawn' ? <span className="tag tag-withdrawn">withdrawn{d.withdrawnAt !== undefined ? ` ${utc(d.withdrawnAt)}` : ''}</span> : <span className="tag tag-lead">open</span>}
      </header>
      <p className="dissent-reach">
        <span>
          P(dangerous) <Probability p={d.pDangerous} />
        </span>
        <LevelBadge level={d.level} levels={levels} />
      </p>
      <p className="muted small">
        Filed {utc(d.filedAt)}, when the official assessment was {d.official.level} at <Probability p={d.official.pDangerous} />
      </p>
      <table className="data-table dissent-table">
        <caption className="visually-hidden">The dissent’s probability of each hypothesis beside the official one {inquiring ? 'as of the inquiry instant' : 'now'}</caption>
        <thead>
          <tr>
            <th scope="col">Hypothesis</th>
            <th scope="col">Official {inquiring ? 'then' : 'now'}</th>
            <th scope="col">Dissent</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((h) => (
            <tr key={h.id}>
              <th scope="row">{h.title}</th>
              <td className="prob-cell">{assessment.posterior[h.id] !== undefined ? <Probability p={assessment.posterior[h.id]!} /> : <span className="muted">—</span>}</td>
              <td className="prob-cell">{d.posterior[h.id] !== undefined ? <Probability p={d.posterior[h.id]!} /> : <span className="muted">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="dissent-rationale">{d.rationale}</p>
      {d.state === 'withdrawn' && d.withdrawal?.reason !== undefined && <p className="muted small">Withdrawn because: {d.withdrawal.reason}</p>}
      {own && d.state === 'open' && !inquiring && <WithdrawControl dissent={d} onChanged={onChanged} />}
    </article>
  );
}

/** Withdrawing one's own dissent, in two steps (it stays in the record either way). */
function WithdrawControl({ dissent, onChanged }: { dissent: Dissent; onChanged: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const id = `withdraw-reason-${dissent.dissent}`;

  if (!confirming) {
    return (
      <button type="button" className="button" onClick={() => setConfirming(true)}>
        Withdraw my dissent
      </button>
    );
  }
  const withdraw = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.post(`/api/v1/dissents/${seg(dissent.dissent)}/withdraw`, reason.trim() !== '' ? { reason: reason.trim() } : {});
      onChanged();
    } catch (failure) {
      setError(failure instanceof ApiError ? `Not withdrawn: ${failure.message} (${failure.code})` : `Not withdrawn: ${String(failure)}`);
      setBusy(false);
    }
  };
  return (
    <div className="withdraw">
      <div className="field">
        <label htmlFor={id}>Why withdraw it (optional)</label>
        <input id={id} value={reason} maxLength={2000} onChange={(e) => setReason(e.target.value)} />
      </div>
      <div className="form-actions">
        <button type="button" className="button-primary" disabled={busy} onClick={() => void withdraw()}>
          {busy ? 'Withdrawing…' : 'Confirm withdrawal'}
        </button>
        <button type="button" className="button-quiet" onClick={() => setConfirming(false)}>
          Keep it
        </button>
      </div>
      {error !== undefined && (
        <p className="note note-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
