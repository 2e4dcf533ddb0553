/**
 * Validation of one report (spec section 2), from a JSON object or a CSV record, with defaults
 * applied. Every error names the field; a validator never throws.
 */
import { z } from 'zod';
import { parseInstant } from './instant.js';
import { pointer, type Issue, type Validated } from './issues.js';
import { CREDIBILITY_GRADES, RELIABILITY_GRADES, type Credibility, type Problem, type Report } from './model.js';
import { issuesFromZod } from './problem-schema.js';

const instant = z
  .string({ error: 'must be an ISO 8601 instant string' })
  .refine((s) => parseInstant(s) !== undefined, 'must be an ISO 8601 instant with a time zone, e.g. 2023-10-07T03:12:44Z');
const openUnit = z
  .number({ error: 'must be a number' })
  .refine((x) => x > 0 && x < 1, 'must be strictly between 0 and 1');

/** A UTF-16 surrogate without its partner: `\ud800` in JSON reads as one, but it is no character. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * A string member of a report: characters, which a lone surrogate is not (the log would refuse
 * to write one; refused here, it is named by its field, with the report's other errors).
 */
const unicodeString = () =>
  z.string({ error: 'must be a string' }).refine((s) => !LONE_SURROGATE.test(s), 'must not contain a lone surrogate (not valid Unicode)');

/** The fields of a report as it arrives, before defaults. */
export const reportFields = {
  id: unicodeString().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  indicator: unicodeString().min(1, 'must not be empty'),
  observed: z.enum(['present', 'absent'], { error: 'must be "present" or "absent"' }),
  at: instant,
  received: instant.optional(),
  source: unicodeString().min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional(),
  reliability: z.enum(RELIABILITY_GRADES, { error: 'must be an Admiralty reliability grade, A to F' }).optional(),
  credibility: z
    .union([z.enum(CREDIBILITY_GRADES), z.number().int().min(1).max(6)], { error: 'must be an Admiralty credibility grade, 1 to 6' })
    .optional(),
  sensitivity: openUnit.optional(),
  falseAlarmRate: openUnit.optional(),
  text: unicodeString().max(100_000, 'must be at most 100000 characters').optional(),
};

/** The shape of one report (rules between fields are checked by `completeReport`). */
export const reportSchema = z.strictObject(reportFields, { error: 'must be a JSON object' });

/** A report as it arrives (the wire shape of spec section 2). */
export type ReportInput = z.infer<typeof reportSchema>;

/** The spec's field names, in the order a CSV export writes them. */
export const REPORT_FIELD_NAMES = Object.keys(reportFields) as (keyof typeof reportFields)[];

/**
 * Checks the rules between fields and against the problem, and applies the defaults of spec
 * section 2: `received` = `at`, `source` = the report's id, grades F and 6.
 */
export function completeReport(input: ReportInput, problem?: Problem): Validated<Report> {
  const issues: Issue[] = [];
  const at = parseInstant(input.at) as number;
  const received = input.received === undefined ? at : (parseInstant(input.received) as number);
  if (received < at) issues.push({ path: '/received', message: 'must not be before "at" (a report cannot arrive before the thing was seen)' });
  if ((input.sensitivity === undefined) !== (input.falseAlarmRate === undefined)) {
    const missing = input.sensitivity === undefined ? 'sensitivity' : 'falseAlarmRate';
    issues.push({ path: pointer([missing]), message: 'is required when the other of sensitivity/falseAlarmRate is given (both or neither)' });
  }
  if (problem !== undefined && !problem.indicators.some((i) => i.id === input.indicator)) {
    issues.push({ path: '/indicator', message: `"${input.indicator}" is not an indicator of problem "${problem.id}"` });
  }
  if (issues.length > 0) return { ok: false, issues };
  const report: Report = {
    id: input.id,
    indicator: input.indicator,
    observed: input.observed,
    at,
    received,
    source: input.source ?? input.id,
    reliability: input.reliability ?? 'F',
    credibility: (input.credibility === undefined ? '6' : String(input.credibility)) as Credibility,
    ...(input.sensitivity !== undefined && input.falseAlarmRate !== undefined
      ? { sensitivity: input.sensitivity, falseAlarmRate: input.falseAlarmRate }
      : {}),
    ...(input.text !== undefined ? { text: input.text } : {}),
  };
  return { ok: true, value: report };
}

/**
 * Validates one report object (a parsed JSON line, or a CSV record after `fromCsvRecord`)
 * against the spec and, when given, the problem it belongs to. Never throws.
 */
export function validateReport(input: unknown, problem?: Problem): Validated<Report> {
  const parsed = reportSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) return { ok: false, issues: issuesFromZod(parsed.error) };
  return completeReport(parsed.data, problem);
}

const NUMERIC_CSV_FIELDS = new Set(['sensitivity', 'falseAlarmRate']);

/**
 * Turns a CSV record (every value a string) into the object shape of a JSON report: empty
 * cells are absent fields, numeric fields are numbers when they read as one (otherwise kept as
 * text, so validation names them).
 */
export function fromCsvRecord(record: Readonly<Record<string, string>>): Record<string, unknown> {
  // A null-prototype object: a header named "__proto__" stays a plain (unknown) field.
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of Object.entries(record)) {
    if (value === '') continue;
    if (NUMERIC_CSV_FIELDS.has(key)) {
      const n = Number(value.trim());
      out[key] = value.trim() !== '' && Number.isFinite(n) ? n : value;
    } else {
      out[key] = value;
    }
  }
  return out;
}
