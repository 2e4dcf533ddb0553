/**
 * Coverage ahead: the stretches of time in which a role will have nobody reachable (holder,
 * deputies and their delegates all away), so administrators can fix the rota before a warning
 * finds the gap. Pure.
 */
import { parseInstant } from '../core/instant.js';
import { EVERY_CHANNEL, resolveTarget, type Channel, type Organisation } from './organisation.js';

/** A role with nobody reachable from `from` to `to` (ISO instants). */
export interface CoverageGap {
  readonly role: string;
  readonly from: string;
  readonly to: string;
}

/**
 * Every gap in [from, to) (ms) for every role, reaching people through `available` (the
 * server's channels, as the escalation does; default every channel). Reachability only changes
 * where an absence starts or ends, so it is checked at those instants.
 */
export function coverageGaps(org: Organisation, from: number, to: number, available: ReadonlySet<Channel> = EVERY_CHANNEL): CoverageGap[] {
  const instants = new Set<number>([from]);
  for (const a of org.absences) {
    for (const edge of [parseInstant(a.from), parseInstant(a.to)]) {
      if (edge !== undefined && edge > from && edge < to) instants.add(edge);
    }
  }
  const cuts = [...instants].sort((a, b) => a - b);
  const gaps: CoverageGap[] = [];
  for (const role of org.roles) {
    let start: number | undefined;
    for (const [k, at] of cuts.entries()) {
      const nobody = resolveTarget(org, `role:${role.id}`, at, role.id, available) === undefined;
      if (nobody && start === undefined) start = at;
      const end = cuts[k + 1] ?? to;
      if (start !== undefined && (!nobody || k === cuts.length - 1)) {
        gaps.push({ role: role.id, from: new Date(start).toISOString(), to: new Date(nobody ? end : at).toISOString() });
        start = undefined;
      }
    }
  }
  return gaps;
}
