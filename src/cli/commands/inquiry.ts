import { writeFile } from 'node:fs/promises';
import { Accounts } from '../../app/accounts.js';
import { Store } from '../../app/store.js';
import { isVigilError } from '../../core/errors.js';
import { buildInquiry } from '../../inquiry/inquiry.js';
import { renderInquiryHtml } from '../../inquiry/inquiry-html.js';
import { htmlToPdf } from '../../inquiry/pdf.js';
import { optionalInstant, parseCommandArgs, requireString } from '../args.js';
import { CliError, usageError } from '../cli-error.js';
import { out, type Command } from '../command.js';
import { DATA_HELP, DATA_OPTION, storeOptions } from '../store-options.js';

const FORMATS = ['html', 'pdf', 'json'] as const;
type Format = (typeof FORMATS)[number];

export const inquiryCommand: Command = {
  name: 'inquiry',
  summary: 'the inquiry report of a problem over a window: who knew what, when, and what they did (HTML, PDF or JSON)',
  usage: `Usage: vigil inquiry --problem ID [--from ISO] [--to ISO] [--format html|pdf|json] --out FILE [--data DIR]

Draws the inquiry report of a problem from the event log: every report of the window (observed,
received, first counted, what it did to P(dangerous)); every level change with the evidence and
collection advice of its instant; every warning version, who was told through which channel,
deliveries, acknowledgments and how long each took; absences and delegations; escalation
errors; dissents and what became of them; model changes and who made them; what each person
was told and when; the key intervals (first indicator, first warning, first acknowledgment,
first decision recorded: an acknowledgment with a note); the outcome and the scores; and the
verification of the whole log (chain and signed checkpoints) with its head hash, so the report
can be checked against the log. The command reads the store directly and shows every report.

  --problem ID     the problem
  --from ISO       start of the window (default: the problem's first event)
  --to ISO         end of the window (default: now)
  --format F       html (default; one self-contained page, no script), pdf (the same page
                   printed by Chromium: /usr/bin/chromium, or VIGIL_CHROMIUM), or json
  --out FILE       where to write it
${DATA_HELP}

Exit status 0 when written and the log verifies; 1 when the log does not verify (the report
is written and says where verification failed), or on bad input.
`,
  async run(args) {
    const { values } = parseCommandArgs('inquiry', args, { ...DATA_OPTION, problem: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } });
    if (values.help === true) return out(this.usage), 0;
    const problem = requireString('inquiry', values, 'problem');
    const from = optionalInstant('inquiry', values, 'from');
    const to = optionalInstant('inquiry', values, 'to');
    if (from !== undefined && to !== undefined && !(from < to)) throw usageError('--from must be before --to', 'inquiry');
    const file = requireString('inquiry', values, 'out');
    const format = (values.format ?? 'html') as Format;
    if (!FORMATS.includes(format)) throw usageError(`--format must be html, pdf or json (got "${String(values.format)}")`, 'inquiry');
    const store = await Store.open(storeOptions(values));
    try {
      const accounts = await Accounts.open(store);
      const actorNames = new Map((await accounts.listUsers()).map((u) => [u.id, u.username]));
      let report;
      try {
        report = await buildInquiry(store, problem, { from, to, now: Date.now(), actorNames });
      } catch (error) {
        if (isVigilError(error) && error.details?.field !== undefined) throw new CliError(`--${error.message}`);
        throw error;
      }
      let bytes: string | Buffer;
      try {
        bytes = format === 'json' ? JSON.stringify(report, null, 2) + '\n' : format === 'html' ? renderInquiryHtml(report) : await htmlToPdf(renderInquiryHtml(report));
      } catch (error) {
        if (isVigilError(error)) throw new CliError(`--${error.message}`);
        throw error;
      }
      try {
        await writeFile(file, bytes);
      } catch (error) {
        throw new CliError(`${file}: cannot be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      }
      const v = report.verification;
      const official = report.warnings.filter((w) => w.kind === 'official');
      out(
        `${file}: inquiry of "${problem}" from ${report.window.from} to ${report.window.to}: ${report.reports.length} reports, ${report.levelChanges.length} level changes, ` +
          `${official.length} warnings (${official.reduce((n, w) => n + w.versions.length, 0)} versions), ${report.people.length} people told, ${report.escalationErrors.length} escalation errors, ${report.dissents.length} dissents\n`,
      );
      if (!v.ok) {
        process.stderr.write(`the log does NOT verify: first failure at seq ${v.failure?.seq ?? '?'}: ${v.failure?.reason ?? ''}\n`);
        return 1;
      }
      out(`log verified: ${v.eventsVerified} events; head ${v.head?.seq ?? 0}:${v.head?.hash ?? ''}\n`);
    } finally {
      await store.close();
    }
    return 0;
  },
};
