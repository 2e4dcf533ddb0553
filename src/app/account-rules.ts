/**
 * What makes a user name, a password and a grant (roles, clearance, compartments) acceptable,
 * and who may grant it. Each check of a field throws a VigilError whose `details.path` names
 * the field at fault (a JSON pointer into the request), so the HTTP layer can point at it.
 */
import { VigilError } from '../core/errors.js';
import {
  CLEARANCES,
  ROLES,
  clearanceRank,
  isClearance,
  isRole,
  type Clearance,
  type Principal,
  type Role,
} from './access.js';

/** The shortest password accepted. */
export const MIN_PASSWORD_LENGTH = 12;

/** A user name: 1 to 64 characters of letters, digits, `.`, `_`, `@` and `-`. */
const USERNAME = /^[A-Za-z0-9._@-]{1,64}$/;

/** The roles, clearance and compartments given to a user or a token. */
export interface Grant {
  readonly roles: Role[];
  readonly clearance: Clearance;
  readonly compartments: string[];
}

/**
 * Who makes an account change: a principal (an admin over HTTP), who may grant no more than
 * its own clearance and compartments and may not take over a user cleared beyond them; or the
 * name of an operator working on the store directly (`cli`, `system`), bounded by nothing, as
 * whoever holds the data directory holds everything in it anyway.
 */
export type Actor = Principal | string;

/** The id an actor's events carry as their `actor`. */
export function actorId(actor: Actor): string {
  return typeof actor === 'string' ? actor : actor.id;
}

/**
 * Throws FORBIDDEN, naming the field, unless `actor` may grant `grant`'s clearance and
 * compartments: an operator may grant any; a principal none above its own clearance and only
 * compartments it holds. Roles are not limited here (the permission matrix decides who grants).
 */
export function checkGrantWithin(grant: Pick<Grant, 'clearance' | 'compartments'>, actor: Actor): void {
  if (typeof actor === 'string') return;
  if (clearanceRank(grant.clearance) > clearanceRank(actor.clearance)) {
    throw forbidden('/clearance', `clearance: ${grant.clearance} is above your own (${actor.clearance})`);
  }
  const foreign = grant.compartments.filter((c) => !actor.compartments.includes(c));
  if (foreign.length > 0) {
    const names = foreign.map((c) => JSON.stringify(c)).join(', ');
    throw forbidden('/compartments', `compartments: you do not hold ${names}`);
  }
}

/**
 * Throws FORBIDDEN unless `actor` may take over (set the password of) a user holding
 * `target`'s clearance and compartments: an operator may take over anyone; a principal only a
 * user it could have granted as much, so nobody gains through another's account what they
 * could not grant themselves.
 */
export function checkTakeoverWithin(
  username: string,
  target: Pick<Grant, 'clearance' | 'compartments'>,
  actor: Actor,
): void {
  if (typeof actor === 'string') return;
  const above = clearanceRank(target.clearance) > clearanceRank(actor.clearance);
  if (above || target.compartments.some((c) => !actor.compartments.includes(c))) {
    const beyond = above
      ? `clearance ${target.clearance}, above your own (${actor.clearance})`
      : 'compartments you do not hold';
    throw new VigilError(
      'FORBIDDEN',
      `user "${username}" holds ${beyond}; only an admin who holds as much, or the operator (vigil user), may set their password`,
    );
  }
}

/** True when `name` is a well-formed user name. */
export function isUsername(name: unknown): name is string {
  return typeof name === 'string' && USERNAME.test(name);
}

/** Throws REQUEST_INVALID unless `name` is a well-formed user name. */
export function checkUsername(name: unknown): string {
  if (!isUsername(name)) {
    throw new VigilError(
      'REQUEST_INVALID',
      'a user name is 1 to 64 characters of letters, digits, ".", "_", "@" and "-"',
      { path: '/username' },
    );
  }
  return name;
}

/** Throws PASSWORD_WEAK for a password shorter than MIN_PASSWORD_LENGTH characters. */
export function checkPassword(password: unknown): string {
  if (typeof password !== 'string') {
    throw new VigilError('REQUEST_INVALID', 'the password must be a string', { path: '/password' });
  }
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    throw new VigilError('PASSWORD_WEAK', `a password needs at least ${MIN_PASSWORD_LENGTH} characters`, {
      path: '/password',
    });
  }
  return password;
}

/**
 * A grant checked and normalized: roles de-duplicated (at least one, each known), clearance
 * known (default the lowest), compartments non-empty strings, sorted and de-duplicated.
 * Throws REQUEST_INVALID naming the first field at fault.
 */
export function checkGrant(input: { roles?: unknown; clearance?: unknown; compartments?: unknown }): Grant {
  const roles = input.roles;
  if (!Array.isArray(roles) || roles.length === 0) throw invalid('/roles', 'give at least one role');
  roles.forEach((role: unknown, k) => {
    if (typeof role !== 'string' || !isRole(role)) {
      throw invalid(`/roles/${k}`, `unknown role ${JSON.stringify(role)}; one of ${ROLES.join(', ')}`);
    }
  });
  const clearance = input.clearance ?? CLEARANCES[0];
  if (typeof clearance !== 'string' || !isClearance(clearance)) {
    throw invalid(
      '/clearance',
      `unknown clearance ${JSON.stringify(clearance)}; one of ${CLEARANCES.join(', ')}`,
    );
  }
  const compartments = input.compartments ?? [];
  if (!Array.isArray(compartments)) throw invalid('/compartments', 'compartments must be a list of names');
  compartments.forEach((c: unknown, k) => {
    if (typeof c !== 'string' || c.trim() === '') {
      throw invalid(`/compartments/${k}`, 'a compartment is a non-empty name');
    }
  });
  return {
    roles: [...new Set(roles as Role[])],
    clearance,
    compartments: [...new Set(compartments as string[])].sort(),
  };
}

/** Throws REQUEST_INVALID unless `name` is a token name: 1 to 100 characters, not all blank. */
export function checkTokenName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '' || name.length > 100) {
    throw invalid('/name', 'a token name is 1 to 100 characters');
  }
  return name;
}

function invalid(path: string, message: string): VigilError {
  return new VigilError('REQUEST_INVALID', message, { path });
}

function forbidden(path: string, message: string): VigilError {
  return new VigilError('FORBIDDEN', message, { path });
}
