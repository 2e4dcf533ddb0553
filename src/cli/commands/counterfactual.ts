import { parse as parseYaml } from 'yaml';
import { Store } from '../../app/store.js';
import { isVigilError } from '../../core/errors.js';
import { percentWithWords } from '../../core/words.js';
import { counterfactual, type CounterfactualResult, type TellView } from '../../inquiry/counterfactual.js';
import { optionalInstant, parseCommandArgs, requireString } from '../args.js';
import { CliError, usageError } from '../cli-error.js';
import { out, type Command } from '../command.js';
import { readText } from '../input-files.js';
import { DATA_HELP, DATA_OPTION, storeOptions } from '../store-options.js';

/** `--likelihood INDICATOR:HYPOTHESIS=P`, repeated, as indicator → hypothesis → P. */
function likelihoodChanges(values: readonly string[]): Record<string, Record<string, number>> {
  const changes: Record<string, Record<string, number>> = {};
  for (const value of values) {
    const match = /^([^:=]+):([^:=]+)=(.+)$/.exec(value);
    const p = Number(match?.[3]);
    if (match === null || !(p > 0 && p < 1)) throw usageError(`--likelihood must be INDICATOR:HYPOTHESIS=P with P strictly between 0 and 1 (got "${value}")`, 'counterfactual');
    (changes[match[1]!] ??= {})[match[2]!] = p;
  }
  return changes;
}

function tells(list: readonly TellView[], unreachable: CounterfactualResult['counterfactual']['unreachable'] = []): string {
  if (list.length === 0 && unreachable.length === 0) return '    nobody\n';
  const lines = [
    ...list.map((t) => ({
      at: t.at,
      text: `    ${t.at}  ${t.person.padEnd(16)} ${t.allClear ? 'all-clear' : t.level.toUpperCase().padEnd(9)} ${t.reason}${t.role !== undefined ? ` (${t.role})` : ''}${t.standingInFor !== undefined && t.standingInFor.length > 0 ? `, for ${t.standingInFor.join(', ')}` : ''}${t.ifUnacknowledged ? '  [if unacknowledged]' : ''}\n`,
    })),
    ...unreachable.map((u) => ({ at: u.at, text: `    ${u.at}  ${'NOBODY'.padEnd(16)} ${u.level.toUpperCase().padEnd(9)} nobody reachable for ${u.target} (step ${u.step})\n` })),
  ];
  // Stable: within an instant, the order the policy ran in.
  return lines
    .map((line, k) => ({ ...line, k }))
    .sort((a, b) => a.at.localeCompare(b.at) || a.k - b.k)
    .map((line) => line.text)
    .join('');
}

/** The counterfactual beside what happened, for a terminal. */
export function renderCounterfactual(r: CounterfactualResult): string {
  let text = `${r.problem}: replayed under ${r.model.source}, from ${r.window.from} to ${r.window.to}\n`;
  if (r.model.changes.length > 0) text += `  the model differs from the one in force: ${r.model.changes.join('; ')}\n`;
  if (r.ignoredReports > 0) text += `  ${r.ignoredReports} stored reports are on indicators this model lacks: left out\n`;
  text += `\n  ${'level'.padEnd(10)} ${'first reached: what happened'.padEnd(30)} ${'under the other model'.padEnd(26)} difference\n`;
  for (const l of r.levels) text += `  ${l.level.toUpperCase().padEnd(10)} ${(l.actual ?? 'never').padEnd(30)} ${(l.counterfactual ?? 'never').padEnd(26)} ${l.text}\n`;
  const changes = (title: string, list: CounterfactualResult['actual']['changes']) =>
    `\n${title}\n` + (list.length === 0 ? '    no level change\n' : list.map((c) => `    ${c.at}  ${c.from.toUpperCase()} → ${c.to.toUpperCase()}  P(dangerous) ${percentWithWords(c.pDangerous)}, leading ${c.leading}\n`).join(''));
  text += changes('what happened:', r.actual.changes);
  text += changes('under the other model:', r.counterfactual.changes);
  text += `\nwho was told (official warnings):\n${tells(r.actual.told)}`;
  text += `\nwho would have been told (the escalation policy in force at each change; later steps only if nobody acknowledged):\n${tells(r.counterfactual.told, r.counterfactual.unreachable)}`;
  return text;
}

export const counterfactualCommand: Command = {
  name: 'counterfactual',
  summary: 'replay a problem under another model (a version, a file, changed likelihoods): when each level, and who would have been told',
  usage: `Usage: vigil counterfactual --problem ID (--version N | --model FILE) [--likelihood IND:HYP=P]...
                            [--from ISO] [--to ISO] [--json] [--data DIR]

Replays the problem's stored reports (and corrections) under another model and shows, beside
what happened: when each level would have been reached, the level changes, and who the
escalation policy in force would have told at each change (holders, deputies, delegates of the
absent; later steps as if nobody acknowledged).

  --version N                   a stored version of the model
  --model FILE                  a model file (YAML or JSON)
  --likelihood IND:HYP=P        change P(indicator present | hypothesis) on that model (or on the
                                current version when neither is given); repeat as needed
  --from ISO, --to ISO          the window shown (default: the first report's arrival to now)
  --json                        print the result as JSON (what the API answers)
${DATA_HELP}
`,
  async run(args) {
    const { values } = parseCommandArgs('counterfactual', args, {
      ...DATA_OPTION,
      problem: { type: 'string' },
      version: { type: 'string' },
      model: { type: 'string' },
      likelihood: { type: 'string', multiple: true },
      from: { type: 'string' },
      to: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (values.help === true) return out(this.usage), 0;
    const problem = requireString('counterfactual', values, 'problem');
    const from = optionalInstant('counterfactual', values, 'from');
    const to = optionalInstant('counterfactual', values, 'to');
    const likelihoods = likelihoodChanges(values.likelihood ?? []);
    let version: number | undefined;
    if (values.version !== undefined) {
      version = Number(values.version);
      if (!/^\d+$/.test(values.version) || !(version >= 1)) throw usageError('--version must be a whole number >= 1', 'counterfactual');
    }
    if (version !== undefined && values.model !== undefined) throw usageError('give --version or --model, not both', 'counterfactual');
    if (version === undefined && values.model === undefined && Object.keys(likelihoods).length === 0) throw usageError('give --version N, --model FILE or --likelihood IND:HYP=P', 'counterfactual');
    let model: unknown;
    if (values.model !== undefined) {
      const text = await readText(values.model);
      try {
        model = parseYaml(text);
      } catch (error) {
        throw new CliError(`${values.model}: not YAML or JSON: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    const store = await Store.open(storeOptions(values));
    try {
      let result: CounterfactualResult;
      try {
        result = await counterfactual(
          store,
          problem,
          { ...(version !== undefined ? { version } : {}), ...(model !== undefined ? { model } : {}), ...(Object.keys(likelihoods).length > 0 ? { likelihoods } : {}), from, to },
          Date.now(),
        );
      } catch (error) {
        if (isVigilError(error) && error.code !== 'PROBLEM_NOT_FOUND') {
          const where = values.model !== undefined ? `${values.model}: ` : '';
          throw new CliError(where + error.message.replaceAll('/model/', '/').replace(/^\/version:/, '--version:').replace(/^\/likelihoods\//, '--likelihood ').replace(/^\/from:/, '--from:'));
        }
        throw error;
      }
      out(values.json === true ? JSON.stringify(result, null, 2) + '\n' : renderCounterfactual(result));
    } finally {
      await store.close();
    }
    return 0;
  },
};
