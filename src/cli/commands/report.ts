import { Store } from '../../app/store.js';
import type { Grades } from '../../core/corrections.js';
import { CREDIBILITY_GRADES, RELIABILITY_GRADES, type Credibility, type Reliability } from '../../core/model.js';
import { parseCommandArgs, requireString } from '../args.js';
import { usageError } from '../cli-error.js';
import { out, type Command } from '../command.js';
import { DATA_HELP, DATA_OPTION, storeOptions } from '../store-options.js';

/** A probability option strictly between 0 and 1, or a usage error naming it. */
function rate(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || !(n > 0 && n < 1)) throw usageError(`--${name} must be a number strictly between 0 and 1`, 'report');
  return n;
}

export const reportCommand: Command = {
  name: 'report',
  summary: 'correct a stored report: retract it, or regrade it (a new event; nothing is edited)',
  usage: `Usage: vigil report retract --problem ID --report RID --reason TEXT [--data DIR]
       vigil report regrade --problem ID --report RID --reason TEXT
                            (--reliability A-F --credibility 1-6 | --sensitivity S --false-alarm-rate F)

Corrections are events that point at the report; the report itself is never changed, and
assessments as of an earlier instant still see it as it was.
  retract   from now on the report does not count (its source's previous word counts again)
  regrade   from now on the report counts with these grades or sensor rates
${DATA_HELP}
`,
  async run(args) {
    const { values, positionals } = parseCommandArgs(
      'report',
      args,
      {
        ...DATA_OPTION,
        problem: { type: 'string' },
        report: { type: 'string' },
        reason: { type: 'string' },
        reliability: { type: 'string' },
        credibility: { type: 'string' },
        sensitivity: { type: 'string' },
        'false-alarm-rate': { type: 'string' },
        actor: { type: 'string' },
      },
      true,
    );
    if (values.help === true) return out(this.usage), 0;
    const [action, ...extra] = positionals;
    if ((action !== 'retract' && action !== 'regrade') || extra.length > 0) throw usageError('expected "report retract" or "report regrade"', 'report');
    const problemId = requireString('report', values, 'problem');
    const reportId = requireString('report', values, 'report');
    const reason = requireString('report', values, 'reason');
    const actor = typeof values.actor === 'string' ? values.actor : 'system';
    let grades: Grades | undefined;
    if (action === 'regrade') {
      const reliability = values.reliability;
      const credibility = values.credibility;
      if (!RELIABILITY_GRADES.includes(reliability as Reliability)) throw usageError('--reliability must be a grade A to F', 'report');
      if (!CREDIBILITY_GRADES.includes(credibility as Credibility)) throw usageError('--credibility must be a grade 1 to 6', 'report');
      const sensitivity = rate('sensitivity', values.sensitivity);
      const falseAlarmRate = rate('false-alarm-rate', values['false-alarm-rate']);
      if ((sensitivity === undefined) !== (falseAlarmRate === undefined)) throw usageError('give both --sensitivity and --false-alarm-rate, or neither', 'report');
      grades = {
        reliability: reliability as Reliability,
        credibility: credibility as Credibility,
        ...(sensitivity !== undefined && falseAlarmRate !== undefined ? { sensitivity, falseAlarmRate } : {}),
      };
    }
    const store = await Store.open(storeOptions(values));
    try {
      const event =
        grades === undefined
          ? await store.retractReport(problemId, reportId, reason, actor)
          : await store.regradeReport(problemId, reportId, grades, reason, actor);
      out(`report "${reportId}" ${action === 'retract' ? 'retracted' : 'regraded'} (event ${event.seq}, ${event.at})\n`);
    } finally {
      await store.close();
    }
    return 0;
  },
};
