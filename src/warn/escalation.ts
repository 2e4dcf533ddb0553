/**
 * The escalation of one warning version, as a pure step machine: from a cursor, run the frozen
 * policy's steps until a wait (a timer due at an instant) or the end. Notify steps resolve their
 * targets to people (holder, deputy, delegate of someone absent); a step that reaches nobody is
 * an error and escalates at once (the waits up to the next notify step are skipped). `repeat N`
 * runs the steps since the previous repeat N more times. Escalation stops when the version is
 * acknowledged, which the caller checks before calling.
 */
import { EVERY_CHANNEL, resolveTarget, type Channel, type Organisation, type Recipient, type Step } from './organisation.js';

/** Where an escalation is: the next step, and how many times each repeat step has looped. */
export interface EscalationCursor {
  readonly step: number;
  readonly loops: Readonly<Record<number, number>>;
}

export const START: EscalationCursor = { step: 0, loops: {} };

export type EscalationAction =
  | { readonly kind: 'notify'; readonly step: number; readonly target: string; readonly recipient: Recipient }
  | { readonly kind: 'unreachable'; readonly step: number; readonly target: string }
  | { readonly kind: 'wait'; readonly step: number; readonly due: number; readonly cursor: EscalationCursor }
  | { readonly kind: 'exhausted'; readonly step: number };

/**
 * Runs steps from `cursor` at instant `now` (ms) until a wait or the end. Returns the actions in
 * order; the last is a `wait` (with the cursor to resume from) or `exhausted`. A person already
 * told in this run is not told twice by one notify step. People are reached through `available`
 * (the server's channels; default every channel): one with none of them is unreachable.
 */
export function runEscalation(steps: readonly Step[], cursor: EscalationCursor, org: Organisation, controlRole: string, now: number, available: ReadonlySet<Channel> = EVERY_CHANNEL): EscalationAction[] {
  const actions: EscalationAction[] = [];
  const loops: Record<number, number> = { ...cursor.loops };
  let escalateAtOnce = false;
  let step = cursor.step;
  // Enough for any policy: steps are bounded (50) and repeats (20 each).
  for (let guard = 0; guard < 10_000; guard++) {
    const current = steps[step];
    if (current === undefined) {
      actions.push({ kind: 'exhausted', step });
      return actions;
    }
    if ('notify' in current) {
      escalateAtOnce = false;
      const told = new Set<string>();
      let reachedAnyone = false;
      for (const target of current.notify) {
        const recipient = resolveTarget(org, target, now, controlRole, available);
        if (recipient === undefined) {
          actions.push({ kind: 'unreachable', step, target });
          continue;
        }
        reachedAnyone = true;
        if (told.has(recipient.person)) continue;
        told.add(recipient.person);
        actions.push({ kind: 'notify', step, target, recipient });
      }
      escalateAtOnce = !reachedAnyone;
      step++;
    } else if ('wait' in current) {
      if (!escalateAtOnce) {
        actions.push({ kind: 'wait', step, due: now + current.wait * 1000, cursor: { step: step + 1, loops } });
        return actions;
      }
      step++;
    } else {
      const done = loops[step] ?? 0;
      if (done < current.repeat) {
        loops[step] = done + 1;
        // Back to the step after the previous repeat (or the first step).
        let back = step - 1;
        while (back >= 0 && !('repeat' in steps[back]!)) back--;
        step = back + 1;
      } else {
        step++;
      }
    }
  }
  actions.push({ kind: 'exhausted', step });
  return actions;
}
