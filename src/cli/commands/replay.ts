import { latestReceived } from '../../core/assess.js';
import { formatInstant } from '../../core/instant.js';
import { replay } from '../../core/replay.js';
import { optionalInstant, parseCommandArgs, requireString } from '../args.js';
import { renderReplay } from '../assessment-text.js';
import { out, type Command } from '../command.js';
import { loadProblem, loadReports } from '../input-files.js';
import { painterFor } from '../paint.js';

export const replayCommand: Command = {
  name: 'replay',
  summary: 'replay a report file in the order it was received: the warning-level timeline',
  usage: `Usage: vigil replay --problem FILE --reports FILE [--at ISO] [--json]

Evaluates the warning level at each distinct "received" instant of the report file, in order
(shared/spec/assessment.md section 6), and prints each level change with its instant,
P(dangerous), the evidence it hangs on and the top collection advice.

  --problem FILE   the warning problem (YAML or JSON)
  --reports FILE   the reports (.jsonl, or .csv)
  --at ISO         stop at this instant (and evaluate there too)
  --json           print {"problem", "changes": [...], "final": {...}} as JSON

Exit status: 0 ok, 1 bad input, 2 wrong usage.
`,
  async run(args) {
    const { values } = parseCommandArgs('replay', args, {
      problem: { type: 'string' },
      reports: { type: 'string' },
      at: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (values.help === true) return out(this.usage), 0;
    const problemPath = requireString('replay', values, 'problem');
    const reportsPath = requireString('replay', values, 'reports');
    const at = optionalInstant('replay', values, 'at');
    const problem = await loadProblem(problemPath);
    const reports = await loadReports(reportsPath, problem);
    const result = replay(problem, reports, { at });
    if (values.json === true) {
      const last = result.points[result.points.length - 1];
      const final = {
        at: formatInstant(last?.at ?? at ?? latestReceived(reports)),
        level: result.finalLevel,
        pDangerous: last?.pDangerous ?? null,
        leading: last?.leading ?? null,
      };
      out(JSON.stringify({ problem: problem.id, changes: result.changes, final }, null, 2) + '\n');
    } else {
      out(renderReplay(problem, result, reports, painterFor(process.stdout)));
    }
    return 0;
  },
};
