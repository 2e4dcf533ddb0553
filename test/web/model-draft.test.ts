/**
 * The model editor checks a draft as it is typed; the server checks what is saved. They must
 * agree on what is valid, and name the same fields (JSON Pointers), or the editor would show
 * a problem at one place and the server at another.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { validateProblem } from '../../src/core/problem-schema.js';
import { draftFromProblem, problemFromDraft, validateDraft, type ModelDraft } from '../../web/src/pages/model/model-draft.js';
import type { Problem } from '../../web/src/api/types.js';

const EXAMPLE = parseYaml(readFileSync(new URL('../../examples/southern-front/problem.yaml', import.meta.url), 'utf8')) as Problem;

/** Breakages of a valid draft, each with the pointer both checks should name. */
const BREAKAGES: readonly [string, (d: ModelDraft) => ModelDraft, string][] = [
  ['a prior of 0', (d) => ({ ...d, hypotheses: d.hypotheses.map((h, i) => (i === 1 ? { ...h, prior: '0' } : h)) }), '/hypotheses/1/prior'],
  ['priors that sum to 0.99', (d) => ({ ...d, hypotheses: d.hypotheses.map((h, i) => (i === 0 ? { ...h, prior: '0.79' } : h)) }), '/hypotheses'],
  ['no dangerous hypothesis', (d) => ({ ...d, hypotheses: d.hypotheses.map((h) => ({ ...h, dangerous: false })) }), '/hypotheses'],
  ['a duplicate hypothesis id', (d) => ({ ...d, hypotheses: d.hypotheses.map((h, i) => (i === 3 ? { ...h, id: 'raid' } : h)) }), '/hypotheses/3/id'],
  ['a likelihood of 1', (d) => ({ ...d, indicators: d.indicators.map((r, j) => (j === 2 ? { ...r, likelihood: { ...r.likelihood, [d.hypotheses[2]!.key]: '1' } } : r)) }), '/indicators/2/likelihood/raid'],
  ['a likelihood that is not a number', (d) => ({ ...d, indicators: d.indicators.map((r, j) => (j === 0 ? { ...r, likelihood: { ...r.likelihood, [d.hypotheses[0]!.key]: 'x' } } : r)) }), '/indicators/0/likelihood/routine'],
  ['a negative half-life', (d) => ({ ...d, indicators: d.indicators.map((r, j) => (j === 4 ? { ...r, halfLifeHours: '-3' } : r)) }), '/indicators/4/halfLifeHours'],
  ['an empty indicator title', (d) => ({ ...d, indicators: d.indicators.map((r, j) => (j === 1 ? { ...r, title: '' } : r)) }), '/indicators/1/title'],
  ['a first level above 0', (d) => ({ ...d, levels: d.levels.map((l, k) => (k === 0 ? { ...l, threshold: '0.01' } : l)) }), '/warning/levels/0/threshold'],
  ['thresholds not increasing', (d) => ({ ...d, levels: d.levels.map((l, k) => (k === 2 ? { ...l, threshold: '0.05' } : l)) }), '/warning/levels/2/threshold'],
  ['a threshold above 1', (d) => ({ ...d, levels: d.levels.map((l, k) => (k === 3 ? { ...l, threshold: '1.5' } : l)) }), '/warning/levels/3/threshold'],
  ['a hysteresis of 1', (d) => ({ ...d, hysteresis: '1' }), '/warning/hysteresis'],
];

describe('the model editor', () => {
  it('turns a problem into a draft and back unchanged', () => {
    const draft = draftFromProblem(EXAMPLE);
    expect(validateDraft(draft).size).toBe(0);
    const back = problemFromDraft(draft);
    expect(validateProblem(back).ok).toBe(true);
    const original = validateProblem(EXAMPLE);
    expect(original.ok && original.value).toEqual(back);
  });

  it('keeps a hypothesis column of likelihoods when the hypothesis is renamed', () => {
    const draft = draftFromProblem(EXAMPLE);
    const renamed = { ...draft, hypotheses: draft.hypotheses.map((h) => (h.id === 'raid' ? { ...h, id: 'incursion' } : h)) };
    const problem = problemFromDraft(renamed);
    expect(problem.indicators[0]!.likelihood.incursion).toBe(EXAMPLE.indicators[0]!.likelihood.raid);
    expect(validateProblem(problem).ok).toBe(true);
  });

  for (const [what, breakIt, pointer] of BREAKAGES) {
    it(`names ${pointer} for ${what}, as the server does`, () => {
      const draft = breakIt(draftFromProblem(EXAMPLE));
      const local = validateDraft(draft);
      expect([...local.keys()]).toContain(pointer);
      const server = validateProblem(JSON.parse(JSON.stringify(problemFromDraft(draft))) as unknown);
      expect(server.ok).toBe(false);
      if (!server.ok) expect(server.issues.map((i) => i.path)).toContain(pointer);
    });
  }
});
