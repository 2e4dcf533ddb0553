/**
 * The request schemas of the API: they validate requests and generate the OpenAPI document.
 * Bodies and queries are strict (an unknown field is an error, named by its pointer).
 */
import { z } from 'zod';
import { CLEARANCES, ROLES } from '../app/access.js';
import { parseInstant } from '../core/instant.js';
import { CREDIBILITY_GRADES, RELIABILITY_GRADES } from '../core/model.js';
import { problemSchema } from '../core/problem-schema.js';
import { reportFields } from '../core/report-schema.js';

/** The most reports in one batch (api.md). */
export const MAX_BATCH = 10_000;

export const instantParam = z
  .string({ error: 'must be an ISO 8601 instant string' })
  .max(64, 'must be at most 64 characters')
  .refine((s) => parseInstant(s) !== undefined, 'must be an ISO 8601 instant with a time zone, e.g. 2023-10-07T03:12:44Z');

const seqParam = z.coerce
  .number({ error: 'must be a whole number' })
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(Number.MAX_SAFE_INTEGER, 'is too large');

const idParam = z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters');

export const clearance = z.enum(CLEARANCES, { error: `must be one of ${CLEARANCES.join(', ')}` });
export const role = z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` });
const compartment = z
  .string({ error: 'must be a string' })
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9._-]+$/, 'must be letters, digits, ".", "_" or "-"');
export const compartments = z.array(compartment, { error: 'must be a list of compartment names' }).max(64, 'must list at most 64 compartments');

/** The headers the API reads (others pass). */
export const authHeaders = z.object({
  authorization: z
    .string()
    .max(512, 'must be at most 512 characters')
    .regex(/^Bearer [A-Za-z0-9_.~+/-]+=*$/, 'must be "Bearer <token>"')
    .optional(),
  'x-csrf-token': z.string().max(200, 'must be at most 200 characters').optional(),
});

export const problemIdParams = z.strictObject({ id: idParam });
export const reportIdParams = z.strictObject({ id: idParam, reportId: idParam });

/** One report as POSTed: spec section 2, plus its need-to-know marking. */
export const reportItem = z.strictObject(
  {
    ...reportFields,
    classification: clearance.optional(),
    compartments: compartments.optional(),
  },
  { error: 'must be a JSON object (a report)' },
);

export const reportBatch = z.strictObject(
  {
    reports: z
      .array(reportItem, { error: 'must be a list of reports' })
      .min(1, 'must hold at least one report')
      .max(MAX_BATCH, `must hold at most ${MAX_BATCH} reports`),
  },
  { error: 'must be a JSON object' },
);

/** POST .../reports: one report, or `{"reports": [...]}`. */
export const reportsBody = z.union([reportBatch, reportItem]);

export const problemBody = problemSchema;

export const assessmentQuery = z.strictObject({
  at: instantParam.optional(),
  ignored: z.enum(['list', 'count'], { error: 'must be "list" or "count"' }).optional(),
});

export const atQuery = z.strictObject({ at: instantParam.optional() });

export const reportsQuery = z.strictObject({
  after: z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(0, 'must be at least 0').max(Number.MAX_SAFE_INTEGER).optional(),
  limit: z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000').optional(),
});

export const eventsQuery = z.strictObject({
  from: seqParam.optional(),
  limit: z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1').max(10_000, 'must be at most 10000').optional(),
});

export const exportQuery = z.strictObject({ from: seqParam.optional(), to: seqParam.optional() });

export const signInBody = z.strictObject({
  username: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(64, 'must be at most 64 characters'),
  password: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(1024, 'must be at most 1024 characters'),
});

export const newUserBody = z.strictObject({
  username: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(64, 'must be at most 64 characters'),
  password: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(1024, 'must be at most 1024 characters'),
  roles: z.array(role, { error: 'must be a list of roles' }).min(1, 'must list at least one role').max(ROLES.length),
  clearance: clearance.optional(),
  compartments: compartments.optional(),
});

export const usernameParams = z.strictObject({ username: z.string().min(1).max(64, 'must be at most 64 characters') });

export const passwordBody = z.strictObject({
  password: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(1024, 'must be at most 1024 characters').optional(),
});

export const newTokenBody = z.strictObject({
  name: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  roles: z.array(role, { error: 'must be a list of roles' }).min(1, 'must list at least one role').max(ROLES.length),
  clearance: clearance.optional(),
  compartments: compartments.optional(),
});

export const tokenIdParams = z.strictObject({ id: z.string().min(1).max(64, 'must be at most 64 characters') });

export const retractBody = z.strictObject({
  reason: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(2000, 'must be at most 2000 characters'),
});

const unit = z.number({ error: 'must be a number' }).refine((x) => x > 0 && x < 1, 'must be strictly between 0 and 1');

export const regradeBody = z.strictObject({
  reason: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(2000, 'must be at most 2000 characters'),
  reliability: z.enum(RELIABILITY_GRADES, { error: 'must be an Admiralty reliability grade, A to F' }),
  credibility: z.enum(CREDIBILITY_GRADES, { error: 'must be an Admiralty credibility grade, 1 to 6' }),
  sensitivity: unit.optional(),
  falseAlarmRate: unit.optional(),
});
