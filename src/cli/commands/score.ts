import { Accounts } from '../../app/accounts.js';
import { Store } from '../../app/store.js';
import { isVigilError } from '../../core/errors.js';
import type { ScoreSummary } from '../../core/scoring.js';
import { parseDuration } from '../../inquiry/duration.js';
import { problemScores, type ProblemScores } from '../../inquiry/scores.js';
import { optionalInstant, parseCommandArgs, requireString } from '../args.js';
import { CliError, usageError } from '../cli-error.js';
import { out, type Command } from '../command.js';
import { DATA_HELP, DATA_OPTION, storeOptions } from '../store-options.js';

function row(label: string, s: ScoreSummary | null): string {
  if (s === null || s.count === 0) return `  ${label.padEnd(60)} no instants scored\n`;
  return `  ${label.padEnd(60)} ${String(s.count).padStart(8)} ${s.brier!.toFixed(3).padStart(10)} ${`${s.logScore!.toFixed(2)} bits`.padStart(11)} ${s.dangerBrier!.toFixed(3).padStart(11)} ${`${s.dangerLogScore!.toFixed(2)} bits`.padStart(12)}\n`;
}

/** Scores as text for a terminal. */
export function renderScores(s: ProblemScores, names: ReadonlyMap<string, string>): string {
  let text = `${s.problem}: scored every ${s.window.everyText} from ${s.window.from} to ${s.window.to} (${s.window.instants} instants), as the system knew it at each\n`;
  if (s.outcome === null) {
    return `${text}no outcome recorded, so nothing can be scored yet: vigil outcome --problem ${s.problem} --hypothesis H --at ISO\n`;
  }
  text += `outcome: ${s.outcome.hypothesis}${s.outcome.dangerous ? ' (dangerous)' : ''} at ${s.outcome.at} (recorded ${s.outcome.recordedAt} by ${names.get(s.outcome.actor) ?? s.outcome.actor})\n\n`;
  text += `  ${'forecaster'.padEnd(60)} ${'instants'.padStart(8)} ${'Brier'.padStart(10)} ${'log score'.padStart(11)} ${'Brier P(d)'.padStart(11)} ${'log P(d)'.padStart(12)}\n`;
  text += row('official assessment', s.official);
  for (const d of s.dissents) {
    text += row(`dissent by ${names.get(d.author) ?? d.author} (${d.filedAt.slice(0, 16)}Z${d.withdrawnAt !== undefined ? ` to ${d.withdrawnAt.slice(0, 16)}Z` : ''})`, d.scores);
    text += row('  official assessment, same instants', d.official);
  }
  text += '\nBrier: 0 is perfect (up to 2 over the hypotheses, up to 1 for P(dangerous)). Log score: bits of surprise at what came true (-log2 p, p at least 1e-6); lower is better.\n\n';
  text += 'lead time: when each level (or a higher one) was first reached, before the outcome\n';
  s.leadTimes.forEach((l, k) => {
    const w = s.warningLeadTimes[k];
    const at = (ms: number | null) => (ms === null ? 'never reached' : new Date(ms).toISOString());
    text += `  ${l.level.toUpperCase().padEnd(10)} ${at(l.firstReached).padEnd(26)} ${(l.leadText ?? '').padEnd(30)} first warning: ${w === undefined ? '—' : `${at(w.firstReached)}${w.leadText !== null ? `, ${w.leadText}` : ''}`}\n`;
  });
  text += '\nreliability of P(dangerous) (this problem; vigil serve draws it across resolved problems)\n';
  for (const b of s.reliability) {
    if (b.count === 0) continue;
    text += `  ${`${Math.round(b.lower * 100)}-${Math.round(b.upper * 100)} %`.padEnd(10)} ${String(b.count).padStart(5)} forecasts, mean ${(b.meanForecast! * 100).toFixed(1)} %, danger came ${(b.observedFrequency! * 100).toFixed(0)} % of the time\n`;
  }
  return text;
}

export const scoreCommand: Command = {
  name: 'score',
  summary: 'Brier and log scores of a resolved problem, its dissents, and the lead time of each level',
  usage: `Usage: vigil score --problem ID [--from ISO] [--to ISO] [--every DURATION] [--json] [--data DIR]

Scores the official assessment of a problem whose outcome is recorded (vigil outcome) at
regular instants, each as the system knew it then (the as-of assessment from the store), and
each dissent over the instants it stood; prints the mean Brier score (over the hypotheses, and
of P(dangerous)), the mean log score (bits of surprise at what came true, -log2 p with p
clamped at 1e-6; lower is better), and how long before the outcome each level was first
reached (by the level timeline, and by the warnings sent).

  --from ISO         start (default: the first report's arrival)
  --to ISO           end (default: the outcome's instant)
  --every DURATION   step between instants: 15m, 1h, 6h, 1d, PT1H...; default the shortest of
                     1m, 5m, 15m, 30m, 1h, 2h, 6h, 12h, 1d, 1w giving at most 500 instants
                     (at most 5000 instants)
  --json             print the scores as JSON (what GET /api/v1/problems/{id}/scores answers)
${DATA_HELP}
`,
  async run(args) {
    const { values } = parseCommandArgs('score', args, { ...DATA_OPTION, problem: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, every: { type: 'string' }, json: { type: 'boolean' } });
    if (values.help === true) return out(this.usage), 0;
    const problem = requireString('score', values, 'problem');
    const from = optionalInstant('score', values, 'from');
    const to = optionalInstant('score', values, 'to');
    const every = typeof values.every === 'string' ? parseDuration(values.every) : undefined;
    if (typeof values.every === 'string' && every === undefined) throw usageError(`--every must be a duration such as 15m, 1h, 1d or PT1H (got "${values.every}")`, 'score');
    const store = await Store.open(storeOptions(values));
    try {
      let scores: ProblemScores;
      try {
        scores = await problemScores(store, problem, { from, to, every }, Date.now());
      } catch (error) {
        const field = isVigilError(error) ? error.details?.field : undefined;
        if (isVigilError(error) && typeof field === 'string') throw new CliError(`--${error.message}`);
        throw error;
      }
      if (values.json === true) out(JSON.stringify(scores, null, 2) + '\n');
      else {
        const names = new Map((await (await Accounts.open(store)).listUsers()).map((u) => [u.id, u.username]));
        out(renderScores(scores, names));
      }
    } finally {
      await store.close();
    }
    return 0;
  },
};
