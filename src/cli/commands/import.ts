import { stat } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import { Store, type IncomingReport } from '../../app/store.js';
import { isVigilError } from '../../core/errors.js';
import { reportFormatOf } from '../../core/report-file.js';
import { parseCommandArgs, requireString } from '../args.js';
import { CliError } from '../cli-error.js';
import { out, type Command } from '../command.js';
import { readReportLines, RepeatedIds, type ByteCounter } from '../report-stream.js';
import { DATA_HELP, DATA_OPTION, storeOptions } from '../store-options.js';

/** Reports appended per atomic batch. */
const BATCH = 5_000;
/** Bad lines printed in full; the rest are counted. */
const SHOWN_ERRORS = 100;

export const importCommand: Command = {
  name: 'import',
  summary: 'load a report file into the store, keeping its received times (history)',
  usage: `Usage: vigil import --problem ID --reports FILE [--strict] [--data DIR]

Streams a report file (JSON Lines, or CSV with a header row) into the store in constant memory,
in atomic batches of ${BATCH.toLocaleString('en-US')}. The file's "received" times are kept (this loads history)
and the events are marked backfilled. Reports already stored with identical content are
skipped as duplicates, so an interrupted import can simply be run again.

  --problem ID     the stored problem the reports belong to (see 'vigil problem put')
  --reports FILE   the reports (.jsonl, or .csv)
  --strict         refuse the whole file if any line is bad (checked before anything is written,
                   repeated ids included; an id stored with other content is found while
                   writing, and stops the import at that batch)
${DATA_HELP}

Bad lines are reported by number and skipped (or, with --strict, refuse the file): lines that
are not valid UTF-8, and a report id the file or the store already has with different content,
too. A file that cannot be read past some line (a CSV header that cannot be read, a CSV record
longer than 1 MiB) is refused there; the good lines before it are imported unless --strict.
On a terminal a progress bar shows the rate and the time left; otherwise one summary line is
printed.
Exit status: 0 ok (even with skipped lines, which are listed), 1 bad input, 2 wrong usage.
`,
  async run(args) {
    const { values } = parseCommandArgs('import', args, { ...DATA_OPTION, problem: { type: 'string' }, reports: { type: 'string' }, strict: { type: 'boolean' } });
    if (values.help === true) return out(this.usage), 0;
    const problemId = requireString('import', values, 'problem');
    const path = requireString('import', values, 'reports');
    const info = await stat(path).catch(() => undefined);
    if (info === undefined) throw new CliError(`${path}: no such file`);
    if (info.isDirectory()) throw new CliError(`${path}: is a directory`);
    const size = info.size;
    const format = reportFormatOf(path);
    const store = await Store.open(storeOptions(values));
    try {
      const model = await store.problem(problemId);
      if (model === undefined) throw new CliError(`no problem "${problemId}" in the store (store it first: vigil problem put FILE)`);
      const badLines: { line: number; message: string }[] = [];
      let bad = 0;
      const noteBad = (line: number, message: string) => {
        bad++;
        if (badLines.length < SHOWN_ERRORS) badLines.push({ line, message });
      };

      if (values.strict === true) {
        // Everything the file itself can be refused for is found before anything is written.
        const repeats = new RepeatedIds();
        try {
          for await (const item of readReportLines(path, format, model.problem)) {
            if (item.ok) repeats.add(item.line, item.report);
            else noteBad(item.line, item.message);
          }
          for (const repeat of repeats.conflicts()) noteBad(repeat.line, repeatMessage(repeat.id, repeat.first));
        } finally {
          repeats.close();
        }
        if (bad > 0) throw new CliError(`${formatBad(path, badLines, bad)}\n${path}: ${bad} bad line${bad === 1 ? '' : 's'}; nothing was imported (--strict)`);
      }

      const counter: ByteCounter = { bytes: 0 };
      const started = process.hrtime.bigint();
      const progress = process.stderr.isTTY
        ? new cliProgress.SingleBar(
            { format: 'importing |{bar}| {percentage}% | {reports} reports | {rate}/s | ETA {eta_formatted}', hideCursor: true, etaBuffer: 20 },
            cliProgress.Presets.shades_classic,
          )
        : undefined;
      progress?.start(size, 0, { reports: 0, rate: 0 });
      let accepted = 0;
      let duplicates = 0;
      let batch: { line: number; item: IncomingReport }[] = [];
      const flush = async () => {
        while (batch.length > 0) {
          try {
            const result = await store.recordReports(problemId, batch.map((b) => b.item), { actor: 'system', backfill: true });
            accepted += result.accepted;
            duplicates += result.duplicates;
            batch = [];
          } catch (error) {
            if (!isVigilError(error, 'REPORT_ID_CONFLICT')) throw error;
            const conflicting = new Set(((error.details?.items ?? []) as { index: number }[]).map((i) => i.index));
            for (const index of conflicting) {
              const { line, item } = batch[index]!;
              // The id's first line may be in this very batch (not stored yet): name it then.
              const first = batch.find((b) => b.item.report.id === item.report.id);
              noteBad(line, first !== undefined && first.line < line ? repeatMessage(item.report.id, first.line) : `report id "${item.report.id}" is already stored with different content`);
            }
            if (values.strict === true) throw new CliError(`${formatBad(path, badLines, bad)}\n${path}: stopped (--strict); batches before this one were imported`);
            batch = batch.filter((_, index) => !conflicting.has(index));
          }
        }
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        progress?.update(counter.bytes, { reports: accepted + duplicates, rate: Math.round((accepted + duplicates) / Math.max(seconds, 1e-3)) });
      };
      let stoppedAt: number | undefined;
      for await (const item of readReportLines(path, format, model.problem, counter)) {
        if (!item.ok) {
          noteBad(item.line, item.message);
          if (item.fatal) stoppedAt = item.line;
          continue;
        }
        batch.push({ line: item.line, item: { report: item.report } });
        if (batch.length >= BATCH) await flush();
      }
      await flush();
      progress?.update(size);
      progress?.stop();
      if (stoppedAt !== undefined) {
        const imported =
          accepted + duplicates === 0
            ? 'nothing was imported'
            : `the good lines before it were imported (${summary(accepted, duplicates)})`;
        throw new CliError(`${formatBad(path, badLines, bad)}\n${path}: not read past line ${stoppedAt}; ${imported}`);
      }
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (bad > 0) process.stderr.write(formatBad(path, badLines, bad) + '\n');
      out(
        `${path}: imported ${accepted.toLocaleString('en-US')} report${accepted === 1 ? '' : 's'} into "${problemId}"` +
          (duplicates > 0 ? `, ${duplicates.toLocaleString('en-US')} already there` : '') +
          (bad > 0 ? `, ${bad.toLocaleString('en-US')} bad line${bad === 1 ? '' : 's'} skipped` : '') +
          ` in ${seconds.toFixed(1)} s (${Math.round((accepted + duplicates) / Math.max(seconds, 1e-3)).toLocaleString('en-US')} reports/s)\n`,
      );
      return 0;
    } finally {
      await store.close();
    }
  },
};

/** `N reports`, and `M already there` when some were. */
function summary(accepted: number, duplicates: number): string {
  return `${accepted.toLocaleString('en-US')} report${accepted === 1 ? '' : 's'}` + (duplicates > 0 ? `, ${duplicates.toLocaleString('en-US')} already there` : '');
}

function repeatMessage(id: string, first: number): string {
  return `report id "${id}" repeats line ${first} with different content`;
}

function formatBad(path: string, shown: readonly { line: number; message: string }[], total: number): string {
  const lines = [...shown].sort((a, b) => a.line - b.line).map((b) => `${path}: line ${b.line}: ${b.message}`);
  if (total > shown.length) lines.push(`${path}: ... and ${total - shown.length} more bad lines`);
  return lines.join('\n');
}
