/**
 * The escalation of a warning's current version: each person told (by organisation id; names
 * stay out of the API), why them, when, through which channels and with what outcome, and
 * whether they have acknowledged; then who else acknowledged and who has not answered.
 */
import type { Warning, WarningAcknowledgment } from '../../api/types.js';
import { utc } from '../../lib/format.js';
import { useUser } from '../../session.js';
import { deliveryOutcome, escalationOf, whyTold } from './escalation.js';

/** Who acknowledged, in words: "you", the person's id, or the user. */
export function acknowledger(a: WarningAcknowledgment, me: string): string {
  if (a.user === me) return a.person !== undefined ? `you (${a.person})` : 'you';
  return a.person ?? `user ${a.user}`;
}

export function EscalationTable({ warning, headingId }: { warning: Warning; headingId: string }) {
  const user = useUser();
  const state = escalationOf(warning);
  const others = state.acknowledgments.filter((a) => a.person === undefined || !state.recipients.some((r) => r.person === a.person));
  return (
    <section className="escalation" aria-labelledby={headingId}>
      <h4 id={headingId}>Escalation of version {state.version}</h4>
      {state.recipients.length === 0 ? (
        <p className="muted small">
          Nobody has been told of this version through the organisation{warning.state === 'open' ? ' (no step of its policy reaches anyone at this level): the inbox is where it is seen' : ''}.
        </p>
      ) : (
        <div className="table-scroll">
          <table className="data-table escalation-table">
            <caption className="visually-hidden">Who was told of version {state.version}, through which channels, and who has answered</caption>
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Why them</th>
                <th scope="col">Told</th>
                <th scope="col">Channels and delivery</th>
                <th scope="col">Answer</th>
              </tr>
            </thead>
            <tbody>
              {state.recipients.map((r) => {
                const first = r.told[0]!;
                const delivered = new Map(r.deliveries.map((d) => [d.channel, d]));
                return (
                  <tr key={r.person} data-person={r.person} data-answered={r.acknowledgment !== undefined}>
                    <th scope="row">
                      <code>{r.person}</code>
                    </th>
                    <td>{whyTold(first)}</td>
                    <td className="small">
                      {r.told.map((n) => (
                        <div key={`${n.step}-${n.at}`}>
                          {utc(n.at)} <span className="muted">(step {n.step + 1})</span>
                        </div>
                      ))}
                    </td>
                    <td className="small">
                      <ul className="plain-list">
                        {first.channels.map((channel) => {
                          const d = delivered.get(channel);
                          return (
                            <li key={channel}>
                              {channel}:{' '}
                              {channel === 'in-app' ? (
                                <span className="muted">in this inbox</span>
                              ) : d === undefined ? (
                                <span className="muted">no attempt recorded</span>
                              ) : (
                                <span className={`delivery delivery-${d.outcome}`}>{deliveryOutcome(d, utc)}</span>
                              )}
                            </li>
                          );
                        })}
                      </ul>
                    </td>
                    <td>
                      {r.acknowledgment !== undefined ? (
                        <span className="answer-ok">
                          acknowledged {utc(r.acknowledgment.at)}
                          {r.acknowledgment.user === user.id && ' (you)'}
                          {r.acknowledgment.note !== undefined && <span className="ack-note">“{r.acknowledgment.note}”</span>}
                        </span>
                      ) : (
                        <strong className="answer-none">not answered</strong>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {others.length > 0 && (
        <ul className="plain-list small">
          {others.map((a) => (
            <li key={`${a.user}-${a.at}`} className="answer-ok">
              Acknowledged by {acknowledger(a, user.id)} {utc(a.at)} ({a.via}){a.note !== undefined && <span className="ack-note">“{a.note}”</span>}
            </li>
          ))}
        </ul>
      )}
      {warning.nextStep !== undefined && warning.nextStep.version === state.version && (
        <p className="escalation-next small" data-testid="escalation-next">
          Next escalation step due {utc(warning.nextStep.due)}, unless someone acknowledges this version first.
        </p>
      )}
      {state.recipients.length > 0 && (
        <p className="escalation-summary small" data-testid="escalation-summary">
          Told {state.recipients.length} · acknowledged by {state.acknowledgments.length} ·{' '}
          {state.silent.length === 0 ? 'everyone told has answered' : `not answered: ${state.silent.join(', ')}`}
        </p>
      )}
    </section>
  );
}
