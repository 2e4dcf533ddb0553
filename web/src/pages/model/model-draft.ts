/**
 * A problem model being edited (assessment.md sections 1 and 6), its live validation, and the
 * document PUT /api/v1/problems/{id} takes. Rows carry a key of their own, so renaming a
 * hypothesis keeps its column of likelihoods. Issues are keyed by the same JSON Pointers the
 * server uses, so the editor's and the server's objections land on the same fields.
 */
import type { Problem } from '../../api/types.js';

export interface HypothesisRow {
  readonly key: string;
  readonly id: string;
  readonly title: string;
  readonly prior: string;
  readonly dangerous: boolean;
}

export interface IndicatorRow {
  readonly key: string;
  readonly id: string;
  readonly title: string;
  readonly halfLifeHours: string;
  /** Hypothesis row key -> P(present | hypothesis), as typed. */
  readonly likelihood: Readonly<Record<string, string>>;
}

export interface LevelRow {
  readonly key: string;
  readonly id: string;
  readonly threshold: string;
}

export interface ModelDraft {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly hypotheses: readonly HypothesisRow[];
  readonly indicators: readonly IndicatorRow[];
  readonly levels: readonly LevelRow[];
  readonly hysteresis: string;
}

let keys = 0;
/** A key for a new row. */
export function rowKey(): string {
  return `k${++keys}`;
}

export function draftFromProblem(problem: Problem): ModelDraft {
  const hypotheses = problem.hypotheses.map((h) => ({ key: rowKey(), id: h.id, title: h.title, prior: String(h.prior), dangerous: h.dangerous === true }));
  const keyOf = new Map(hypotheses.map((h) => [h.id, h.key]));
  return {
    id: problem.id,
    title: problem.title,
    description: problem.description ?? '',
    hypotheses,
    indicators: problem.indicators.map((i) => ({
      key: rowKey(),
      id: i.id,
      title: i.title,
      halfLifeHours: i.halfLifeHours === undefined ? '' : String(i.halfLifeHours),
      likelihood: Object.fromEntries(Object.entries(i.likelihood).map(([id, p]) => [keyOf.get(id) ?? id, String(p)])),
    })),
    levels: problem.warning.levels.map((l) => ({ key: rowKey(), id: l.id, threshold: String(l.threshold) })),
    hysteresis: problem.warning.hysteresis === undefined ? '' : String(problem.warning.hysteresis),
  };
}

/** A starting point for a new problem: two hypotheses, one indicator, two levels. */
export function blankDraft(): ModelDraft {
  const calm = rowKey();
  const danger = rowKey();
  return {
    id: '',
    title: '',
    description: '',
    hypotheses: [
      { key: calm, id: 'calm', title: 'Nothing planned', prior: '0.9', dangerous: false },
      { key: danger, id: 'attack', title: 'An attack is coming', prior: '0.1', dangerous: true },
    ],
    indicators: [{ key: rowKey(), id: '', title: '', halfLifeHours: '', likelihood: { [calm]: '0.1', [danger]: '0.5' } }],
    levels: [
      { key: rowKey(), id: 'normal', threshold: '0' },
      { key: rowKey(), id: 'warning', threshold: '0.5' },
    ],
    hysteresis: '0.2',
  };
}

/** A number as typed, or NaN ("" too). */
export function num(text: string): number {
  return text.trim() === '' ? NaN : Number(text);
}

/** The sum of the priors (NaN when one is not a number). */
export function priorSum(draft: ModelDraft): number {
  return draft.hypotheses.reduce((sum, h) => sum + num(h.prior), 0);
}

export type Issues = ReadonlyMap<string, readonly string[]>;

/** Every rule of assessment.md sections 1 and 6 the editor can check before saving, by pointer. */
export function validateDraft(draft: ModelDraft): Map<string, string[]> {
  const issues = new Map<string, string[]>();
  const add = (path: string, message: string) => issues.set(path, [...(issues.get(path) ?? []), message]);
  const open = (x: number) => Number.isFinite(x) && x > 0 && x < 1;

  if (draft.id.trim() === '') add('/id', 'must not be empty');
  if (draft.title.trim() === '') add('/title', 'must not be empty');
  if (draft.hypotheses.length < 2) add('/hypotheses', 'must list at least two hypotheses');
  const hypothesisIds = new Map<string, number>();
  draft.hypotheses.forEach((h, i) => {
    if (h.id.trim() === '') add(`/hypotheses/${i}/id`, 'must not be empty');
    else if (hypothesisIds.has(h.id)) add(`/hypotheses/${i}/id`, `duplicate id "${h.id}"`);
    else hypothesisIds.set(h.id, i);
    if (h.title.trim() === '') add(`/hypotheses/${i}/title`, 'must not be empty');
    if (!open(num(h.prior))) add(`/hypotheses/${i}/prior`, 'must be strictly between 0 and 1');
  });
  const sum = priorSum(draft);
  if (Number.isFinite(sum) && Math.abs(sum - 1) > 1e-9) add('/hypotheses', `priors must sum to 1; they sum to ${Number(sum.toFixed(12))}`);
  if (!draft.hypotheses.some((h) => h.dangerous)) add('/hypotheses', 'at least one hypothesis must be dangerous');

  if (draft.indicators.length < 1) add('/indicators', 'must list at least one indicator');
  const indicatorIds = new Set<string>();
  draft.indicators.forEach((ind, j) => {
    if (ind.id.trim() === '') add(`/indicators/${j}/id`, 'must not be empty');
    else if (indicatorIds.has(ind.id)) add(`/indicators/${j}/id`, `duplicate id "${ind.id}"`);
    else indicatorIds.add(ind.id);
    if (ind.title.trim() === '') add(`/indicators/${j}/title`, 'must not be empty');
    if (ind.halfLifeHours.trim() !== '' && !(num(ind.halfLifeHours) > 0)) add(`/indicators/${j}/halfLifeHours`, 'must be a positive number of hours (or empty: never fades)');
    for (const h of draft.hypotheses) {
      if (!open(num(ind.likelihood[h.key] ?? ''))) add(`/indicators/${j}/likelihood/${h.id}`, 'must be strictly between 0 and 1');
    }
  });

  if (draft.levels.length < 1) add('/warning/levels', 'must list at least one level');
  const levelIds = new Set<string>();
  draft.levels.forEach((level, k) => {
    if (level.id.trim() === '') add(`/warning/levels/${k}/id`, 'must not be empty');
    else if (levelIds.has(level.id)) add(`/warning/levels/${k}/id`, `duplicate id "${level.id}"`);
    else levelIds.add(level.id);
    const t = num(level.threshold);
    if (!(t >= 0 && t <= 1)) add(`/warning/levels/${k}/threshold`, 'must be between 0 and 1');
    else if (k === 0 && t !== 0) add('/warning/levels/0/threshold', 'the first level must have threshold exactly 0');
    else if (k > 0 && !(t > num(draft.levels[k - 1]!.threshold))) add(`/warning/levels/${k}/threshold`, "must be greater than the previous level's threshold");
  });
  if (draft.hysteresis.trim() !== '') {
    const h = num(draft.hysteresis);
    if (!(h >= 0 && h < 1)) add('/warning/hysteresis', 'must be at least 0 and less than 1');
  }
  return issues;
}

/** The problem document for a draft (numbers as numbers; empty optional fields left out). */
export function problemFromDraft(draft: ModelDraft): Problem {
  return {
    id: draft.id.trim(),
    title: draft.title,
    ...(draft.description.trim() !== '' ? { description: draft.description } : {}),
    hypotheses: draft.hypotheses.map((h) => ({ id: h.id, title: h.title, prior: num(h.prior), ...(h.dangerous ? { dangerous: true } : {}) })),
    indicators: draft.indicators.map((i) => ({
      id: i.id,
      title: i.title,
      ...(i.halfLifeHours.trim() !== '' ? { halfLifeHours: num(i.halfLifeHours) } : {}),
      likelihood: Object.fromEntries(draft.hypotheses.map((h) => [h.id, num(i.likelihood[h.key] ?? '')])),
    })),
    warning: {
      levels: draft.levels.map((l) => ({ id: l.id, threshold: num(l.threshold) })),
      ...(draft.hysteresis.trim() !== '' ? { hysteresis: num(draft.hysteresis) } : {}),
    },
  };
}
