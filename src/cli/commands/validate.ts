import { formatIssue } from '../../core/issues.js';
import type { Problem } from '../../core/model.js';
import { parseProblemText, problemFormatOf } from '../../core/problem-file.js';
import { parseReportsText, reportFormatOf } from '../../core/report-file.js';
import { parseCommandArgs } from '../args.js';
import { usageError } from '../cli-error.js';
import { out, type Command } from '../command.js';
import { formatLineErrors, loadProblem, readText } from '../input-files.js';

/** Problem files are YAML or JSON; report files JSON Lines or CSV. */
function looksLikeReports(path: string): boolean {
  return /\.(jsonl|ndjson|csv)$/i.test(path);
}

/** The line for a valid problem file. */
function problemOk(path: string, problem: Problem): string {
  return `${path}: ok (problem "${problem.id}": ${problem.hypotheses.length} hypotheses, ${problem.indicators.length} indicators)\n`;
}

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check problem and report files, listing every error',
  usage: `Usage: vigil validate [--problem FILE] FILE...

Checks each file and lists every error, naming the field (problems) or the line (reports).
Files ending .jsonl, .ndjson or .csv are report files; others (.yaml, .yml, .json) problems.
With --problem, report files are also checked against that problem (known indicators).

Exit status: 0 all valid, 1 some file has errors, 2 wrong usage.
`,
  async run(args) {
    const { values, positionals } = parseCommandArgs('validate', args, { problem: { type: 'string' } }, true);
    if (values.help === true) return out(this.usage), 0;
    if (positionals.length === 0 && values.problem === undefined) throw usageError('name at least one file', 'validate');
    let problem: Problem | undefined;
    const messages: string[] = [];
    let bad = 0;
    if (typeof values.problem === 'string') {
      problem = await loadProblem(values.problem);
      out(problemOk(values.problem, problem));
    }
    for (const path of positionals) {
      const text = await readText(path).catch((error: Error) => {
        messages.push(error.message);
        return undefined;
      });
      if (text === undefined) {
        bad++;
        continue;
      }
      if (looksLikeReports(path)) {
        const parsed = parseReportsText(text, reportFormatOf(path), problem);
        if (parsed.errors.length > 0) {
          bad++;
          messages.push(formatLineErrors(path, parsed.errors), `${path}: ${parsed.errors.length} bad line(s), ${parsed.reports.length} good`);
        } else out(`${path}: ok (${parsed.reports.length} reports)\n`);
      } else {
        const result = parseProblemText(text, problemFormatOf(path));
        if (!result.ok) {
          bad++;
          messages.push(...result.issues.map((i) => `${path}: ${formatIssue(i)}`));
        } else out(problemOk(path, result.value));
      }
    }
    if (messages.length > 0) process.stderr.write(messages.join('\n') + '\n');
    return bad > 0 ? 1 : 0;
  },
};
