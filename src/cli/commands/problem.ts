import { Store } from '../../app/store.js';
import { parseCommandArgs } from '../args.js';
import { usageError } from '../cli-error.js';
import { out, type Command } from '../command.js';
import { loadProblem } from '../input-files.js';
import { DATA_HELP, DATA_OPTION, storeOptions } from '../store-options.js';

export const problemCommand: Command = {
  name: 'problem',
  summary: 'store a problem model (a new problem, or a new version of one): vigil problem put FILE',
  usage: `Usage: vigil problem put FILE [--data DIR]
       vigil problem list [--data DIR]

put   stores the problem in FILE (YAML or JSON): version 1 when its id is new, else the next
      version. A model identical to the current version is not stored again.
list  lists the stored problems with their current version.

${DATA_HELP}
`,
  async run(args) {
    const { values, positionals } = parseCommandArgs('problem', args, { ...DATA_OPTION, actor: { type: 'string' } }, true);
    if (values.help === true) return out(this.usage), 0;
    const [action, file, ...extra] = positionals;
    if (action === 'list' && file === undefined) {
      const store = await Store.open(storeOptions(values));
      try {
        const problems = await store.problems();
        if (problems.length === 0) out('no problems stored\n');
        for (const p of problems) out(`${p.id}  version ${p.version}  ${p.title}\n`);
      } finally {
        await store.close();
      }
      return 0;
    }
    if (action !== 'put' || file === undefined || extra.length > 0) throw usageError('expected "problem put FILE" or "problem list"', 'problem');
    const problem = await loadProblem(file);
    const store = await Store.open(storeOptions(values));
    try {
      const result = await store.defineProblem(problem, typeof values.actor === 'string' ? values.actor : 'system');
      out(result.changed ? `problem "${result.id}": version ${result.version} stored\n` : `problem "${result.id}": unchanged (version ${result.version})\n`);
    } finally {
      await store.close();
    }
    return 0;
  },
};
