/**
 * The organisation a warning reaches: people and their channels, roles with a holder and
 * ordered deputies, absences with a delegate, and the escalation policy of each problem. One
 * document (YAML or JSON), loaded through the API or `vigil org load`. Pure: validation and the
 * question "who answers for this role at this instant, and why".
 */
import { z } from 'zod';
import { parseInstant } from '../core/instant.js';
import { pointer, type Issue, type Validated } from '../core/issues.js';
import { issuesFromZod } from '../core/problem-schema.js';

const id = z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(100, 'must be at most 100 characters').regex(/^[A-Za-z0-9._:-]+$/, 'must be letters, digits, ".", "_", ":" or "-"');
const instant = z.string({ error: 'must be an ISO 8601 instant' }).refine((s) => parseInstant(s) !== undefined, 'must be an ISO 8601 instant with a time zone');
const seconds = z.number({ error: 'must be a number of seconds' }).int('must be whole seconds').min(1, 'must be at least 1 second').max(7 * 24 * 3600, 'must be at most a week');

const personSchema = z.strictObject({
  id,
  /** Kept out of the log: the display name. */
  name: z.string().min(1).max(200),
  /** The Vigil user name of this person: their in-app inbox, and acknowledgment when signed in. */
  user: z.string().min(1).max(64).optional(),
  /** Kept out of the log. */
  email: z.email('must be an email address').max(320).optional(),
  /** Kept out of the log: warnings are POSTed here as JSON, signed with HMAC-SHA256. */
  webhook: z.url('must be an http(s) URL').max(2000).optional(),
});

const roleSchema = z.strictObject({
  id,
  title: z.string().min(1).max(200),
  holder: id,
  deputies: z.array(id).max(20).default([]),
});

const absenceSchema = z.strictObject({
  person: id,
  from: instant,
  to: instant,
  delegate: id.optional(),
});

/** One escalation step: notify targets (`role:<id>`, `person:<id>`, `control`), wait, or repeat. */
const stepSchema = z.union([
  z.strictObject({ notify: z.array(z.string().regex(/^(role:|person:)[A-Za-z0-9._:-]+$|^control$/, 'must be "role:<id>", "person:<id>" or "control"')).min(1).max(20) }),
  z.strictObject({ wait: seconds }),
  z.strictObject({ repeat: z.number().int().min(1).max(20) }),
]);

const policySchema = z.strictObject({
  problem: id,
  /** The role that receives dissents and their warnings, outside the analysts' chain. */
  control: id,
  /** A new warning version (and new notifications) when pDangerous moves more than this. */
  materialChange: z.number().min(0.01).max(1).default(0.1),
  /** Steps per level id; a level without steps opens a warning that only the inbox shows. */
  levels: z.record(id, z.array(stepSchema).max(50)),
});

/** When the daily briefing goes out: a local time of day in an IANA time zone. */
const briefingSchema = z.strictObject({
  time: z.string({ error: 'must be a time of day' }).regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'must be a local time "HH:MM" (00:00-23:59)'),
  timeZone: z.string({ error: 'must be a time zone' }).max(100).refine(isTimeZone, 'must be an IANA time zone, e.g. "Europe/London" or "UTC"'),
});

export const organisationSchema = z.strictObject({
  people: z.array(personSchema).max(10_000),
  roles: z.array(roleSchema).max(1_000),
  absences: z.array(absenceSchema).max(10_000).default([]),
  policies: z.array(policySchema).max(1_000).default([]),
  /** The daily briefing email to everyone who follows a problem; none without it. */
  briefing: briefingSchema.optional(),
});

/** True for a time zone name the runtime knows (Intl). */
function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export type OrganisationDocument = z.output<typeof organisationSchema>;
export type Person = z.output<typeof personSchema>;
export type Step = z.output<typeof stepSchema>;
export type Policy = z.output<typeof policySchema>;

/** The organisation as the log keeps it: everything but names and contact details. */
export interface Organisation {
  readonly people: readonly { id: string; user?: string; channels: readonly Channel[] }[];
  readonly roles: readonly { id: string; title: string; holder: string; deputies: readonly string[] }[];
  readonly absences: readonly { person: string; from: string; to: string; delegate?: string }[];
  readonly policies: readonly Policy[];
  readonly briefing?: Briefing;
}

export type Briefing = z.output<typeof briefingSchema>;

export type Channel = 'in-app' | 'email' | 'webhook';

/** Validates an organisation document: shapes, then every reference (people, roles, delegates). */
export function validateOrganisation(input: unknown): Validated<OrganisationDocument> {
  const parsed = organisationSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) return { ok: false, issues: issuesFromZod(parsed.error) };
  const doc = parsed.data;
  const issues: Issue[] = [];
  const people = new Set<string>();
  doc.people.forEach((p, i) => {
    if (people.has(p.id)) issues.push({ path: pointer(['people', i, 'id']), message: `duplicate person "${p.id}"` });
    people.add(p.id);
  });
  const roles = new Set<string>();
  doc.roles.forEach((r, i) => {
    if (roles.has(r.id)) issues.push({ path: pointer(['roles', i, 'id']), message: `duplicate role "${r.id}"` });
    roles.add(r.id);
    if (!people.has(r.holder)) issues.push({ path: pointer(['roles', i, 'holder']), message: `names no person ("${r.holder}")` });
    r.deputies.forEach((d, k) => {
      if (!people.has(d)) issues.push({ path: pointer(['roles', i, 'deputies', k]), message: `names no person ("${d}")` });
    });
  });
  doc.absences.forEach((a, i) => {
    if (!people.has(a.person)) issues.push({ path: pointer(['absences', i, 'person']), message: `names no person ("${a.person}")` });
    if (a.delegate !== undefined && !people.has(a.delegate)) issues.push({ path: pointer(['absences', i, 'delegate']), message: `names no person ("${a.delegate}")` });
    if ((parseInstant(a.to) ?? 0) <= (parseInstant(a.from) ?? 0)) issues.push({ path: pointer(['absences', i, 'to']), message: 'must be after "from"' });
  });
  const problems = new Set<string>();
  doc.policies.forEach((p, i) => {
    if (problems.has(p.problem)) issues.push({ path: pointer(['policies', i, 'problem']), message: `a second policy for problem "${p.problem}"` });
    problems.add(p.problem);
    if (!roles.has(p.control)) issues.push({ path: pointer(['policies', i, 'control']), message: `names no role ("${p.control}")` });
    for (const [level, steps] of Object.entries(p.levels)) {
      steps.forEach((step, k) => {
        if (!('notify' in step)) return;
        step.notify.forEach((target, t) => {
          const [kind, name] = target.includes(':') ? [target.slice(0, target.indexOf(':')), target.slice(target.indexOf(':') + 1)] : [target, ''];
          const known = kind === 'role' ? roles.has(name) : kind === 'person' ? people.has(name) : true;
          if (!known) issues.push({ path: pointer(['policies', i, 'levels', level, k, 'notify', t]), message: `names no ${kind} ("${name}")` });
        });
      });
    }
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: doc };
}

/** The organisation without names and contact details (what the log holds). */
export function withoutContacts(doc: OrganisationDocument): Organisation {
  return {
    people: doc.people.map((p) => ({
      id: p.id,
      ...(p.user !== undefined ? { user: p.user } : {}),
      channels: [...(p.user !== undefined ? ['in-app' as const] : []), ...(p.email !== undefined ? ['email' as const] : []), ...(p.webhook !== undefined ? ['webhook' as const] : [])],
    })),
    roles: doc.roles.map((r) => ({ id: r.id, title: r.title, holder: r.holder, deputies: [...r.deputies] })),
    absences: doc.absences.map((a) => ({ person: a.person, from: a.from, to: a.to, ...(a.delegate !== undefined ? { delegate: a.delegate } : {}) })),
    policies: doc.policies,
    ...(doc.briefing !== undefined ? { briefing: { ...doc.briefing } } : {}),
  };
}

/** Why a person is told: they hold the role, deputise, stand in for someone absent, or were named. */
export interface Recipient {
  readonly person: string;
  readonly reason: 'holder' | 'deputy' | 'delegate' | 'named';
  /** The role they answer for, when a role was notified. */
  readonly role?: string;
  /** For a deputy or a delegate: the people before them who are absent or unreachable. */
  readonly standingInFor?: readonly string[];
}

/** Every channel there is: what a server with an SMTP server and webhooks can tell a person through. */
export const EVERY_CHANNEL: ReadonlySet<Channel> = new Set<Channel>(['in-app', 'email', 'webhook']);

type Absence = Organisation['absences'][number];

/**
 * The absences of a person covering `at` (ms), in the order their delegates are asked: the most
 * recently started first (on equal starts, the one listed later first). Empty when present.
 * Absences may overlap: a long one without a delegate never hides the delegate of a shorter
 * one inside it.
 */
export function absencesAt(org: Organisation, person: string, at: number): Absence[] {
  const covering: { absence: Absence; from: number; index: number }[] = [];
  org.absences.forEach((absence, index) => {
    const from = parseInstant(absence.from) ?? Infinity;
    if (absence.person === person && from <= at && at < (parseInstant(absence.to) ?? -Infinity)) covering.push({ absence, from, index });
  });
  return covering.sort((a, b) => b.from - a.from || b.index - a.index).map((c) => c.absence);
}

/** The person's channels among `available` (those the server has: see `reachable`). */
export function channelsOf(org: Organisation, person: string, available: ReadonlySet<Channel> = EVERY_CHANNEL): Channel[] {
  return (org.people.find((p) => p.id === person)?.channels ?? []).filter((c) => available.has(c));
}

/**
 * True when the person is present at `at` and has a channel the server can tell them through:
 * `available` holds the server's channels (`in-app` always; `email` only with an SMTP server;
 * `webhook`). A person whose only channel the server lacks is unreachable, so the escalation
 * goes on to the next person instead of waiting on someone nobody tells.
 */
export function reachable(org: Organisation, person: string, at: number, available: ReadonlySet<Channel> = EVERY_CHANNEL): boolean {
  return channelsOf(org, person, available).length > 0 && absencesAt(org, person, at).length === 0;
}

/**
 * Who answers for a person at `at`: the person, or (absent) a delegate of theirs, following
 * delegations up to a few hops; undefined when nobody reachable stands in. Of several
 * absences covering `at`, their delegates are asked in the order of `absencesAt` (most
 * recently started first): the first who can answer does.
 */
function standIn(org: Organisation, person: string, at: number, passed: readonly string[], available: ReadonlySet<Channel>): { person: string; passed: string[] } | undefined {
  if (reachable(org, person, at, available)) return { person, passed: [...passed] };
  if (passed.length >= 5) return undefined;
  for (const absence of absencesAt(org, person, at)) {
    const delegate = absence.delegate;
    if (delegate === undefined || delegate === person || passed.includes(delegate)) continue;
    const found = standIn(org, delegate, at, [...passed, person], available);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * The recipient for a target (`role:<id>`, `person:<id>`, or `control` = the policy's control
 * role) at `at`: the holder; if absent, their delegate; else the first reachable deputy (or
 * their delegate). Reachable means through one of `available`, the server's channels (default
 * every channel). Undefined when nobody is reachable.
 */
export function resolveTarget(org: Organisation, target: string, at: number, controlRole: string, available: ReadonlySet<Channel> = EVERY_CHANNEL): Recipient | undefined {
  if (target.startsWith('person:')) {
    const found = standIn(org, target.slice('person:'.length), at, [], available);
    if (found === undefined) return undefined;
    return found.passed.length === 0 ? { person: found.person, reason: 'named' } : { person: found.person, reason: 'delegate', standingInFor: found.passed };
  }
  const roleId = target === 'control' ? controlRole : target.slice('role:'.length);
  const role = org.roles.find((r) => r.id === roleId);
  if (role === undefined) return undefined;
  const passed: string[] = [];
  for (const [k, candidate] of [role.holder, ...role.deputies].entries()) {
    const found = standIn(org, candidate, at, [], available);
    if (found !== undefined) {
      const before = [...passed, ...found.passed];
      if (found.passed.length > 0) return { person: found.person, reason: 'delegate', role: role.id, standingInFor: before };
      return k === 0 ? { person: found.person, reason: 'holder', role: role.id } : { person: found.person, reason: 'deputy', role: role.id, standingInFor: before };
    }
    passed.push(candidate);
  }
  return undefined;
}
