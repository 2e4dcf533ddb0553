import { deriveAchMatrix, scoreAch } from '../../core/ach.js';
import { assess, assessmentToJson, type Assessment } from '../../core/assess.js';
import type { Problem } from '../../core/model.js';
import { optionalInstant, parseCommandArgs, requireString } from '../args.js';
import { renderAch, renderAssessment } from '../assessment-text.js';
import { out, type Command } from '../command.js';
import { loadProblem, loadReports } from '../input-files.js';
import { modelAt } from '../../app/projection-reads.js';
import { Store } from '../../app/store.js';
import { CliError, usageError } from '../cli-error.js';
import { existsSync } from 'node:fs';
import { DATA_HELP, DATA_OPTION, storeOptions } from '../store-options.js';
import { painterFor } from '../paint.js';

export const assessCommand: Command = {
  name: 'assess',
  summary: 'assess a problem from its reports: posterior, level, what it hangs on, what to collect next',
  usage: `Usage: vigil assess --problem FILE --reports FILE [--at ISO] [--json]
       vigil assess --problem ID [--at ISO] [--json] [--data DIR]

Assesses the problem at an instant, from files, or from the store as the system knew it then.

  --problem FILE   the warning problem (YAML or JSON); with no --reports, a stored problem's id
  --reports FILE   the reports (.jsonl, or .csv)
  --at ISO         the instant (default: the latest "received" in the file; now for the store)
  --json           print the assessment as JSON (shared/spec/assessment.md section 7)
  --ach            also print the ACH matrix derived from the model, with Heuer's scores
                   (with --json: an "ach" member beside the section 7 fields)
${DATA_HELP}

A report file with any bad line is refused whole, with every bad line listed.
Exit status: 0 ok, 1 bad input, 2 wrong usage.
`,
  async run(args) {
    const { values } = parseCommandArgs('assess', args, {
      ...DATA_OPTION,
      problem: { type: 'string' },
      reports: { type: 'string' },
      at: { type: 'string' },
      json: { type: 'boolean' },
      ach: { type: 'boolean' },
    });
    if (values.help === true) return out(this.usage), 0;
    const problemPath = requireString('assess', values, 'problem');
    const at = optionalInstant('assess', values, 'at');
    if (values.reports === undefined) {
      if (/\.(ya?ml|json)$/i.test(problemPath) || existsSync(problemPath)) {
        throw usageError(`"${problemPath}" is a file: give --reports FILE too (without it, --problem names a stored problem)`, 'assess');
      }
      const store = await Store.open(storeOptions(values));
      try {
        const model = await store.problem(problemPath);
        if (model === undefined) throw new CliError(`no problem "${problemPath}" in the store (to assess files, give --reports FILE too)`);
        const assessment = await store.assess(problemPath, at);
        // Shown with the model it was computed with: the version in force at T, not the latest.
        const inForce = await modelAt(store.db, problemPath, assessment.at);
        out(present(inForce.problem, assessment, values.json === true, values.ach === true));
      } finally {
        await store.close();
      }
      return 0;
    }
    const reportsPath = requireString('assess', values, 'reports');
    const problem = await loadProblem(problemPath);
    const reports = await loadReports(reportsPath, problem);
    const assessment = assess(problem, reports, at === undefined ? {} : { at });
    out(present(problem, assessment, values.json === true, values.ach === true));
    return 0;
  },
};

/** The assessment as JSON or text, with the derived ACH matrix when asked. */
function present(problem: Problem, assessment: Assessment, json: boolean, ach: boolean): string {
  const matrix = ach ? deriveAchMatrix(problem, assessment.counted, assessment.at) : undefined;
  const scores = matrix === undefined ? undefined : scoreAch(matrix);
  if (json) {
    const body = assessmentToJson(assessment);
    return JSON.stringify(matrix === undefined ? body : { ...body, ach: { matrix, scores } }, null, 2) + '\n';
  }
  const paint = painterFor(process.stdout);
  const text = renderAssessment(problem, assessment, paint);
  return matrix === undefined || scores === undefined ? text : `${text}\n${renderAch(problem, matrix, scores, paint)}`;
}
