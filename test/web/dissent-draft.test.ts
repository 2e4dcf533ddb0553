/**
 * The dissent form checks probabilities as they are typed; the server checks what is filed.
 * They must agree on what is valid, name the same fields, and find the same level, or the form
 * would promise a warning the server does not raise.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { Problem as ServerProblem } from '../../src/core/model.js';
import { dissentIssues, dissentLevel as serverLevel } from '../../src/warn/dissent.js';
import type { Problem } from '../../web/src/api/types.js';
import { dissentBody, dissentLevel, draftFromOfficial, draftSum, scaleToOne, sumsToOne, validateDissent, type DissentDraft } from '../../web/src/pages/problem/dissent-draft.js';

const EXAMPLE = parseYaml(readFileSync(new URL('../../examples/southern-front/problem.yaml', import.meta.url), 'utf8')) as Problem;
const OFFICIAL = { routine: 0.2127, exercise: 0.4444, raid: 0.2222, offensive: 0.1207 };

function draft(values: Record<string, string>, rationale = 'because'): DissentDraft {
  return { values, rationale };
}

/** The pointers the server names for a posterior (the rationale is the route's to check). */
function serverPointers(values: Record<string, string>): string[] {
  return [...new Set(dissentIssues(EXAMPLE as unknown as ServerProblem, dissentBody(EXAMPLE, draft(values)).posterior).map((i) => i.path))].sort();
}

function formPointers(values: Record<string, string>): string[] {
  return [...validateDissent(EXAMPLE, draft(values)).keys()].sort();
}

describe('a dissent as the form checks it', () => {
  it('starts from the official probabilities, rounded, still summing to 1', () => {
    const start = draftFromOfficial(EXAMPLE, OFFICIAL);
    expect(start.values).toEqual({ routine: '0.213', exercise: '0.444', raid: '0.222', offensive: '0.121' });
    expect(sumsToOne(draftSum(EXAMPLE, start))).toBe(true);
    expect(validateDissent(EXAMPLE, start)).toEqual(new Map([['/rationale', ['must not be empty: say why']]]));
  });

  it('names the same fields as the server', () => {
    const cases: Record<string, string>[] = [
      { routine: '0.1', exercise: '0.2', raid: '0.4', offensive: '0.3' },
      { routine: '0.1', exercise: '0.3', raid: '0.4', offensive: '0.3' },
      { routine: '1.5', exercise: '0.2', raid: '0.4', offensive: '0.3' },
      { routine: '-0.1', exercise: '0.2', raid: '0.4', offensive: '0.5' },
      { routine: '0.25', exercise: '0.25', raid: '0.25', offensive: '0.2500001' },
      { routine: '0.25', exercise: '0.25', raid: '0.25', offensive: '0.25000000001' },
    ];
    for (const values of cases) expect(formPointers(values), JSON.stringify(values)).toEqual(serverPointers(values));
  });

  it('requires a probability for every hypothesis and a rationale', () => {
    const issues = validateDissent(EXAMPLE, draft({ routine: '0.5', exercise: '', raid: '0.5' }, '  '));
    expect([...issues.keys()].sort()).toEqual(['/posterior/exercise', '/posterior/offensive', '/rationale']);
  });

  it('agrees with the server on validity and level for any probabilities', () => {
    const p = fc.double({ min: 0, max: 1, noNaN: true });
    fc.assert(
      fc.property(fc.tuple(p, p, p, p), fc.boolean(), ([a, b, c, d], scale) => {
        let values: DissentDraft = draft({ routine: String(a), exercise: String(b), raid: String(c), offensive: String(d) });
        if (scale) values = scaleToOne(EXAMPLE, values);
        const posterior = dissentBody(EXAMPLE, values).posterior;
        expect(formPointers(values.values)).toEqual(serverPointers(values.values));
        expect(dissentLevel(EXAMPLE, posterior)).toEqual(serverLevel(EXAMPLE as unknown as ServerProblem, posterior));
      }),
    );
  });

  it('scales to 1, and leaves alone what cannot be scaled', () => {
    expect(scaleToOne(EXAMPLE, draft({ routine: '1', exercise: '1', raid: '1', offensive: '1' })).values).toEqual({ routine: '0.25', exercise: '0.25', raid: '0.25', offensive: '0.25' });
    const blank = draft({ routine: '1', exercise: '', raid: '1', offensive: '1' });
    expect(scaleToOne(EXAMPLE, blank)).toBe(blank);
  });
});
