/** Problem files: JSON or YAML text to a validated problem (spec section 1). */
import { parseDocument } from 'yaml';
import type { Issue, Validated } from './issues.js';
import { memberNameIssue } from './json-members.js';
import type { Problem } from './model.js';
import { validateProblem } from './problem-schema.js';

export type ProblemFormat = 'json' | 'yaml';

/** The format a file name implies: `.json` is JSON, anything else YAML (a superset of JSON). */
export function problemFormatOf(fileName: string): ProblemFormat {
  return /\.json$/i.test(fileName) ? 'json' : 'yaml';
}

/**
 * Parses and validates a problem document. Syntax errors name the line and column; model
 * errors name the JSON Pointer of the bad field, all at once. Never throws.
 */
export function parseProblemText(text: string, format: ProblemFormat): Validated<Problem> {
  let input: unknown;
  if (format === 'json') {
    try {
      input = JSON.parse(text);
    } catch (error) {
      return { ok: false, issues: [{ path: '', message: `not valid JSON: ${(error as Error).message}` }] };
    }
    // As the YAML reader does: a key given twice is an error, not the last one winning. (A
    // `__proto__` id is the schema's to refuse, with its own reason.)
    const issue = memberNameIssue(text, true);
    if (issue !== undefined) return { ok: false, issues: [issue] };
  } else {
    const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
    if (doc.errors.length > 0) {
      const issues: Issue[] = doc.errors.map((e) => {
        const where = e.linePos?.[0];
        return { path: '', message: `not valid YAML${where ? ` at line ${where.line}, column ${where.col}` : ''}: ${(e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}` };
      });
      return { ok: false, issues };
    }
    input = doc.toJS({ maxAliasCount: 100 });
  }
  return validateProblem(input);
}
