import { Store } from '../../app/store.js';
import { isVigilError } from '../../core/errors.js';
import { outcomesOf, recordOutcome } from '../../inquiry/outcome.js';
import { optionalInstant, parseCommandArgs, requireString } from '../args.js';
import { CliError, usageError } from '../cli-error.js';
import { out, type Command } from '../command.js';
import { DATA_HELP, DATA_OPTION, storeOptions } from '../store-options.js';

export const outcomeCommand: Command = {
  name: 'outcome',
  summary: 'record how a problem resolved (which hypothesis came true, and when), or list what was recorded',
  usage: `Usage: vigil outcome --problem ID --hypothesis H --at ISO [--note TEXT] [--data DIR]
       vigil outcome --problem ID [--data DIR]

Records a problem.resolved event: hypothesis H came true at the instant --at (not in the
future). Nothing is edited: a correction is a new outcome, and the latest one is in force.
Without --hypothesis, lists the outcomes recorded for the problem.

  --problem ID      the problem
  --hypothesis H    the hypothesis that came true (an id of the problem's model)
  --at ISO          when it happened, e.g. 2026-03-14T04:30:00Z
  --note TEXT       how we know (at most 2000 characters)
${DATA_HELP}
`,
  async run(args) {
    const { values } = parseCommandArgs('outcome', args, { ...DATA_OPTION, problem: { type: 'string' }, hypothesis: { type: 'string' }, at: { type: 'string' }, note: { type: 'string' } });
    if (values.help === true) return out(this.usage), 0;
    const problem = requireString('outcome', values, 'problem');
    const listing = values.hypothesis === undefined && values.at === undefined && values.note === undefined;
    const hypothesis = listing ? '' : requireString('outcome', values, 'hypothesis');
    const at = listing ? undefined : optionalInstant('outcome', values, 'at');
    if (!listing && at === undefined) throw usageError('missing --at', 'outcome');
    const store = await Store.open(storeOptions(values));
    try {
      if (listing) {
        if ((await store.problem(problem)) === undefined) throw new CliError(`no problem "${problem}"`);
        const outcomes = await outcomesOf(store, problem);
        if (outcomes.length === 0) out(`no outcome recorded for "${problem}"\n`);
        outcomes.forEach((o, k) => out(`${o.hypothesis} at ${o.at}  (recorded ${o.recordedAt} by ${o.actor}, event ${o.seq}${k === outcomes.length - 1 ? ', in force' : ', corrected since'})${o.note !== undefined ? `: ${o.note}` : ''}\n`));
        return 0;
      }
      try {
        const recorded = await recordOutcome(store, problem, { hypothesis, at: at!, ...(typeof values.note === 'string' ? { note: values.note } : {}) }, 'cli', Date.now());
        out(`outcome of "${problem}" recorded (event ${recorded.seq}): ${recorded.hypothesis} at ${recorded.at}\n`);
      } catch (error) {
        const path = isVigilError(error) ? error.details?.path : undefined;
        if (isVigilError(error) && typeof path === 'string') throw new CliError(`--${path.slice(1)}${error.message.slice(path.length)}`);
        throw error;
      }
    } finally {
      await store.close();
    }
    return 0;
  },
};
