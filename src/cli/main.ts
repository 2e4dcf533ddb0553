/**
 * The `vigil` command line: dispatches to a command, maps failures to exit statuses (0 ok,
 * 1 bad input, 2 wrong usage) and never shows a stack trace for bad input.
 */
import { readFileSync } from 'node:fs';
import { CliError, EXIT_BAD_INPUT, EXIT_USAGE } from './cli-error.js';
import type { Command } from './command.js';
import { assessCommand } from './commands/assess.js';
import { replayCommand } from './commands/replay.js';
import { validateCommand } from './commands/validate.js';
import { importCommand } from './commands/import.js';
import { exportCommand, keysCommand, verifyCommand } from './commands/log-commands.js';
import { problemCommand } from './commands/problem.js';
import { reportCommand } from './commands/report.js';
import { serveCommand } from './commands/serve.js';
import { orgCommand } from './commands/org.js';
import { userCommand } from './commands/user.js';
import { outcomeCommand } from './commands/outcome.js';
import { scoreCommand } from './commands/score.js';
import { inquiryCommand } from './commands/inquiry.js';
import { counterfactualCommand } from './commands/counterfactual.js';
import { isVigilError } from '../core/errors.js';

const COMMANDS: readonly Command[] = [
  serveCommand,
  assessCommand,
  replayCommand,
  validateCommand,
  problemCommand,
  importCommand,
  reportCommand,
  exportCommand,
  verifyCommand,
  keysCommand,
  userCommand,
  orgCommand,
  outcomeCommand,
  scoreCommand,
  inquiryCommand,
  counterfactualCommand,
];

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: vigil <command> [options]',
    '',
    'Vigil: indications and warning. Competing hypotheses, graded reports, calibrated warnings.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'vigil <command> --help' for a command's options.",
    '',
  ].join('\n');
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      const topic = name === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
      process.stdout.write(topic?.usage ?? help());
      return name === undefined ? EXIT_USAGE : 0;
    }
    if (name === '--version' || name === '-v') {
      process.stdout.write(version() + '\n');
      return 0;
    }
    const command = COMMANDS.find((c) => c.name === name);
    if (command === undefined) throw new CliError(`unknown command "${name}"\nSee 'vigil --help'.`, EXIT_USAGE);
    return await command.run(rest);
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`vigil: ${error.message}\n`);
      return error.exitCode;
    }
    if (isVigilError(error)) {
      process.stderr.write(`vigil: ${error.message}\n`);
      return EXIT_BAD_INPUT;
    }
    const code = (error as NodeJS.ErrnoException).code;
    const environment = ['ECONNREFUSED', 'ENOTFOUND', 'EACCES', 'ENOSPC', '28P01', '3D000', 'ENOENT', 'ENOTDIR', 'EISDIR', 'EROFS', 'EPERM'];
    if (code !== undefined && environment.includes(code)) {
      // The environment, not a bug: a database that does not answer, a disk that is full, a
      // path that names no usable file or directory (the message names it).
      process.stderr.write(`vigil: ${(error as Error).message}\n`);
      return EXIT_BAD_INPUT;
    }
    // A bug, not bad input: say so plainly, with the detail needed to report it.
    process.stderr.write(`vigil: internal error (please report): ${(error as Error).stack ?? String(error)}\n`);
    return 70;
  }
}
