/** Reading problem and report files for the CLI, with errors that name the file. */
import { readFile } from 'node:fs/promises';
import { formatIssue } from '../core/issues.js';
import type { Problem, Report } from '../core/model.js';
import { parseProblemText, problemFormatOf } from '../core/problem-file.js';
import { parseReportsText, reportFormatOf, type LineError } from '../core/report-file.js';
import { CliError } from './cli-error.js';

/** Reads a file as UTF-8, or fails with a message naming it (missing, a directory, unreadable). */
export async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new CliError(`${path}: ${why}`);
  }
}

/** Formats a report file's bad lines, one per line, each naming the file and line. */
export function formatLineErrors(path: string, errors: readonly LineError[]): string {
  return errors.map((e) => `${path}: line ${e.line}: ${e.message}`).join('\n');
}

/** Loads and validates a problem file; fails listing every error. */
export async function loadProblem(path: string): Promise<Problem> {
  const result = parseProblemText(await readText(path), problemFormatOf(path));
  if (!result.ok) throw new CliError(result.issues.map((i) => `${path}: ${formatIssue(i)}`).join('\n'));
  return result.value;
}

/**
 * Loads a report file for a problem; refuses the whole file when any line is bad, listing them
 * all (it never silently drops a line).
 */
export async function loadReports(path: string, problem: Problem): Promise<Report[]> {
  const parsed = parseReportsText(await readText(path), reportFormatOf(path), problem);
  if (parsed.errors.length > 0) {
    const n = parsed.errors.length;
    throw new CliError(`${formatLineErrors(path, parsed.errors)}\n${path}: ${n} bad line${n === 1 ? '' : 's'}; nothing was assessed`);
  }
  return parsed.reports;
}
