import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { Store } from '../../app/store.js';
import { currentOrganisation, loadOrganisation } from '../../warn/organisation-store.js';
import { parseCommandArgs } from '../args.js';
import { CliError, EXIT_BAD_INPUT, usageError } from '../cli-error.js';
import { out, type Command } from '../command.js';
import { DATA_HELP, DATA_OPTION, storeOptions } from '../store-options.js';

export const orgCommand: Command = {
  name: 'org',
  summary: 'load or show the organisation warnings reach (people, roles, absences, policies): vigil org load FILE',
  usage: `Usage: vigil org load FILE [--data DIR]
       vigil org show [--data DIR]

load  replaces the organisation with the one in FILE (YAML or JSON; see
      examples/southern-front/organisation.yaml): people and their channels, roles with a
      holder and ordered deputies, absences with a delegate, escalation policies per problem
      and level. Names and contact details are kept out of the event log.
show  prints the organisation in force (as the log holds it, without contact details).

${DATA_HELP}
`,
  async run(args) {
    const { values, positionals } = parseCommandArgs('org', args, { ...DATA_OPTION }, true);
    if (values.help === true) return out(this.usage), 0;
    const [action, file, ...extra] = positionals;
    if (extra.length > 0 || !((action === 'load' && file !== undefined) || (action === 'show' && file === undefined))) {
      throw usageError('expected "org load FILE" or "org show"', 'org');
    }
    let document: unknown;
    if (action === 'load') {
      let text: string;
      try {
        text = await readFile(file!, 'utf8');
      } catch (error) {
        throw new CliError(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, EXIT_BAD_INPUT);
      }
      try {
        document = parseYaml(text);
      } catch (error) {
        throw new CliError(`${file}: not YAML or JSON: ${(error as Error).message.split('\n')[0]}`, EXIT_BAD_INPUT);
      }
    }
    const store = await Store.open(storeOptions(values));
    try {
      if (action === 'load') {
        const { seq, organisation } = await loadOrganisation(store, document, 'cli');
        out(`organisation loaded (event ${seq}): ${organisation.people.length} people, ${organisation.roles.length} roles, ${organisation.absences.length} absences, ${organisation.policies.length} policies\n`);
      } else {
        const { seq, organisation } = await currentOrganisation(store);
        out(seq === 0 ? 'no organisation loaded\n' : JSON.stringify(organisation, null, 2) + '\n');
      }
    } finally {
      await store.close();
    }
    return 0;
  },
};
