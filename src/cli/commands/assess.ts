import { assess, assessmentToJson } from '../../core/assess.js';
import { optionalInstant, parseCommandArgs, requireString } from '../args.js';
import { renderAssessment } from '../assessment-text.js';
import { out, type Command } from '../command.js';
import { loadProblem, loadReports } from '../input-files.js';
import { painterFor } from '../paint.js';

export const assessCommand: Command = {
  name: 'assess',
  summary: 'assess a problem from its reports: posterior, level, what it hangs on, what to collect next',
  usage: `Usage: vigil assess --problem FILE --reports FILE [--at ISO] [--json]

Assesses the problem at an instant from a report file (JSON Lines, or CSV with a header row).

  --problem FILE   the warning problem (YAML or JSON)
  --reports FILE   the reports (.jsonl, or .csv)
  --at ISO         the instant (default: the latest "received" in the file)
  --json           print the assessment as JSON (shared/spec/assessment.md section 7)

A report file with any bad line is refused whole, with every bad line listed.
Exit status: 0 ok, 1 bad input, 2 wrong usage.
`,
  async run(args) {
    const { values } = parseCommandArgs('assess', args, {
      problem: { type: 'string' },
      reports: { type: 'string' },
      at: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (values.help === true) return out(this.usage), 0;
    const problemPath = requireString('assess', values, 'problem');
    const reportsPath = requireString('assess', values, 'reports');
    const at = optionalInstant('assess', values, 'at');
    const problem = await loadProblem(problemPath);
    const reports = await loadReports(reportsPath, problem);
    const assessment = assess(problem, reports, at === undefined ? {} : { at });
    out(values.json === true ? JSON.stringify(assessmentToJson(assessment), null, 2) + '\n' : renderAssessment(problem, assessment, painterFor(process.stdout)));
    return 0;
  },
};
