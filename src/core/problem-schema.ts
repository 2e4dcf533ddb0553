/**
 * Validation of a warning problem (spec section 1 and 6), with every error naming the JSON
 * Pointer of the bad field, all errors at once.
 */
import { z } from 'zod';
import { pointer, type Issue, type Validated } from './issues.js';
import type { Problem } from './model.js';

const id = z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const title = z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(2000, 'must be at most 2000 characters');
const openUnit = z
  .number({ error: 'must be a number' })
  .refine((x) => x > 0 && x < 1, 'must be strictly between 0 and 1');

const hypothesisSchema = z.strictObject(
  {
    id,
    title,
    prior: openUnit,
    dangerous: z.boolean({ error: 'must be true or false' }).optional(),
  },
  { error: 'must be an object' },
);

const indicatorSchema = z.strictObject(
  {
    id,
    title,
    halfLifeHours: z
      .number({ error: 'must be a number' })
      .refine((x) => x > 0 && Number.isFinite(x), 'must be a positive number of hours')
      .optional(),
    likelihood: z.record(z.string(), openUnit, { error: 'must be an object mapping hypothesis ids to probabilities' }),
  },
  { error: 'must be an object' },
);

const levelSchema = z.strictObject(
  {
    id,
    threshold: z.number({ error: 'must be a number' }).refine((x) => x >= 0 && x <= 1, 'must be between 0 and 1'),
  },
  { error: 'must be an object' },
);

const warningSchema = z.strictObject(
  {
    levels: z.array(levelSchema, { error: 'must be a list of levels' }).min(1, 'must list at least one level'),
    hysteresis: z
      .number({ error: 'must be a number' })
      .refine((x) => x >= 0 && x < 1, 'must be at least 0 and less than 1')
      .optional(),
  },
  { error: 'must be an object' },
);

/** The shape of a problem document (cross-field rules are checked by `validateProblem`). */
export const problemSchema = z.strictObject(
  {
    id,
    title,
    description: z.string({ error: 'must be a string' }).max(100_000).optional(),
    hypotheses: z.array(hypothesisSchema, { error: 'must be a list of hypotheses' }).min(2, 'must list at least two hypotheses'),
    indicators: z.array(indicatorSchema, { error: 'must be a list of indicators' }).min(1, 'must list at least one indicator'),
    warning: warningSchema,
  },
  { error: 'must be an object' },
);

/** Turns zod issues into Vigil issues with JSON Pointer paths and plain messages. */
export function issuesFromZod(error: z.ZodError, prefix: readonly (string | number)[] = []): Issue[] {
  const out: Issue[] = [];
  for (const issue of error.issues) {
    const path = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: pointer([...path, key]), message: 'is not a known field' });
    } else if (issue.code === 'invalid_type' && issue.input === undefined) {
      // Inputs are reported (`reportInput`), so only an absent field gets here, not a wrong type.
      out.push({ path: pointer(path), message: 'is required' });
    } else {
      out.push({ path: pointer(path), message: issue.message });
    }
  }
  return out;
}

type Loose = Record<string, unknown>;

function isObject(x: unknown): x is Loose {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The objects of a list that is meant to hold objects, with their indexes; nothing for a non-list. */
function objectsOf(x: unknown): [Loose, number][] {
  return Array.isArray(x) ? x.flatMap((item, i): [Loose, number][] => (isObject(item) ? [[item, i]] : [])) : [];
}

/** Finds ids used more than once in a list; reports each repeat at its own path. */
function duplicateIds(list: unknown, path: readonly string[]): Issue[] {
  const seen = new Map<string, number>();
  const out: Issue[] = [];
  for (const [item, index] of objectsOf(list)) {
    if (typeof item.id !== 'string') continue;
    const first = seen.get(item.id);
    if (first === undefined) seen.set(item.id, index);
    else out.push({ path: pointer([...path, index, 'id']), message: `duplicate id "${item.id}" (also at ${pointer([...path, first])})` });
  }
  return out;
}

/**
 * The cross-field rules a shape cannot say. Works on the raw input, so that these errors are
 * reported together with shape errors elsewhere in the document.
 */
function crossFieldIssues(input: unknown): Issue[] {
  if (!isObject(input)) return [];
  const issues: Issue[] = [];
  const hypotheses = objectsOf(input.hypotheses).map(([h]) => h);
  const warning = isObject(input.warning) ? input.warning : {};
  issues.push(...duplicateIds(input.hypotheses, ['hypotheses']), ...duplicateIds(input.indicators, ['indicators']));
  issues.push(...duplicateIds(warning.levels, ['warning', 'levels']));

  const priors = hypotheses.map((h) => h.prior);
  if (Array.isArray(input.hypotheses) && priors.length >= 2 && priors.every((p) => typeof p === 'number' && p > 0 && p < 1)) {
    const priorSum = (priors as number[]).reduce((sum, p) => sum + p, 0);
    if (Math.abs(priorSum - 1) > 1e-9) {
      issues.push({ path: '/hypotheses', message: `priors must sum to 1 (within 1e-9); they sum to ${priorSum}` });
    }
  }
  if (Array.isArray(input.hypotheses) && !hypotheses.some((h) => h.dangerous === true)) {
    issues.push({ path: '/hypotheses', message: 'at least one hypothesis must be dangerous ("dangerous": true)' });
  }

  // Hypothesis ids key the likelihood objects, where "__proto__" would name the prototype.
  for (const [h, i] of objectsOf(input.hypotheses)) {
    if (h.id === '__proto__') issues.push({ path: pointer(['hypotheses', i, 'id']), message: 'must not be "__proto__" (it cannot key a likelihood)' });
  }
  const hypothesisIds = new Set(hypotheses.map((h) => h.id).filter((x): x is string => typeof x === 'string'));
  for (const [indicator, j] of objectsOf(input.indicators)) {
    const likelihood = indicator.likelihood;
    if (!isObject(likelihood)) continue;
    for (const h of hypothesisIds) {
      if (!Object.hasOwn(likelihood, h)) {
        issues.push({ path: pointer(['indicators', j, 'likelihood', h]), message: 'is required (a likelihood for every hypothesis)' });
      }
    }
    for (const key of Object.keys(likelihood)) {
      if (!hypothesisIds.has(key)) {
        issues.push({ path: pointer(['indicators', j, 'likelihood', key]), message: 'names no hypothesis of this problem' });
      }
    }
  }

  let previous: number | undefined;
  for (const [level, k] of objectsOf(warning.levels)) {
    const threshold = level.threshold;
    if (typeof threshold !== 'number') {
      previous = undefined;
      continue;
    }
    if (k === 0 && threshold !== 0) {
      issues.push({ path: '/warning/levels/0/threshold', message: 'the first level must have threshold exactly 0' });
    }
    if (previous !== undefined && !(threshold > previous)) {
      issues.push({ path: pointer(['warning', 'levels', k, 'threshold']), message: `must be greater than the previous level's threshold (${previous})` });
    }
    previous = threshold;
  }
  return issues;
}

/**
 * Validates a parsed problem document (from JSON or YAML). Returns the problem, or every issue
 * found, each at the JSON Pointer of the bad field. Never throws.
 */
export function validateProblem(input: unknown): Validated<Problem> {
  if (input === undefined || input === null) {
    return { ok: false, issues: [{ path: '', message: 'is empty: expected a problem (id, title, hypotheses, indicators, warning)' }] };
  }
  const parsed = problemSchema.safeParse(input, { reportInput: true });
  const issues = [...(parsed.success ? [] : issuesFromZod(parsed.error)), ...crossFieldIssues(input)];
  if (!parsed.success || issues.length > 0) return { ok: false, issues: dedupe(issues) };
  return { ok: true, value: parsed.data };
}

/** Drops repeated issues (the same message at the same path). */
function dedupe(issues: readonly Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
