/**
 * Access rules in one place: the roles, what each may do (the permission matrix), and
 * need-to-know (a reader sees a report only with the clearance and every compartment it
 * carries). The HTTP layer asks `may` before every action and `canSee` before every report it
 * would send; nothing else decides.
 */

/** The roles of `shared/spec/api.md`. Every role may do what `viewer` may. */
export const ROLES = ['viewer', 'analyst', 'senior-analyst', 'duty-officer', 'decision-maker', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Clearance levels, lowest first. A report names one as its classification. */
export const CLEARANCES = ['UNCLASSIFIED', 'CONFIDENTIAL', 'SECRET', 'TOP SECRET'] as const;
export type Clearance = (typeof CLEARANCES)[number];

/** Who is asking: a signed-in user or an API token. */
export interface Principal {
  readonly kind: 'user' | 'token';
  /** The user id or token id: the `actor` of the events this principal causes. */
  readonly id: string;
  /** The user name, or the token's name. */
  readonly name: string;
  readonly roles: readonly Role[];
  readonly clearance: Clearance;
  readonly compartments: readonly string[];
}

/** A report's need-to-know marking. */
export interface Marking {
  readonly classification: string;
  readonly compartments: readonly string[];
}

/** The actions a request may take, each allowed to the roles listed in PERMISSIONS. */
export type Action =
  | 'problem.read'
  | 'problem.write'
  | 'report.create'
  | 'report.backfill'
  | 'report.correct'
  | 'log.read'
  | 'user.manage'
  | 'token.manage'
  | 'organisation.manage'
  | 'dissent.file'
  | 'metrics.read';

const EVERYONE: readonly Role[] = ROLES;

/**
 * The permission matrix: each action and the roles that may take it. `admin` manages accounts
 * and may load history; it sees reports only as far as its own clearance allows, like anyone.
 */
export const PERMISSIONS: Readonly<Record<Action, readonly Role[]>> = {
  'problem.read': EVERYONE,
  'problem.write': ['senior-analyst', 'admin'],
  'report.create': ['analyst', 'senior-analyst', 'admin'],
  'report.backfill': ['admin'],
  'report.correct': ['senior-analyst', 'admin'],
  'log.read': ['auditor', 'admin'],
  'user.manage': ['admin'],
  'token.manage': ['admin'],
  'organisation.manage': ['admin'],
  'dissent.file': ['analyst', 'senior-analyst'],
  'metrics.read': EVERYONE,
};

/** True when any of the principal's roles allows the action. */
export function may(principal: Pick<Principal, 'roles'>, action: Action): boolean {
  const allowed = PERMISSIONS[action];
  return principal.roles.some((role) => allowed.includes(role));
}

/** The rank of a clearance level (0 = lowest), or -1 for a name that is not one. */
export function clearanceRank(level: string): number {
  return (CLEARANCES as readonly string[]).indexOf(level);
}

export function isClearance(level: string): level is Clearance {
  return clearanceRank(level) >= 0;
}

export function isRole(role: string): role is Role {
  return (ROLES as readonly string[]).includes(role);
}

/**
 * Need-to-know: the reader's clearance is at least the report's classification and the reader
 * holds every compartment the report carries. An unknown classification is never visible.
 */
export function canSee(reader: Pick<Principal, 'clearance' | 'compartments'>, marking: Marking): boolean {
  const rank = clearanceRank(marking.classification);
  if (rank < 0 || rank > clearanceRank(reader.clearance)) return false;
  return marking.compartments.every((c) => reader.compartments.includes(c));
}

/** True when a marking is above the lowest: reading such a report is recorded as an event. */
export function isMarked(marking: Marking): boolean {
  return marking.classification !== CLEARANCES[0] || marking.compartments.length > 0;
}
