/** Reading problem and report files for the CLI, with errors that name the file. */
import { isUtf8 } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { formatIssue } from '../core/issues.js';
import type { Problem, Report } from '../core/model.js';
import { parseProblemText, problemFormatOf } from '../core/problem-file.js';
import { firstNonUtf8Byte, notUtf8Message, parseReportsText, reportFormatOf, type LineError } from '../core/report-file.js';
import { CliError } from './cli-error.js';

/**
 * Reads a file as UTF-8, or fails with a message naming it (missing, a directory, unreadable)
 * and, for a file that is not UTF-8, the line and byte where it stops being UTF-8.
 */
export async function readText(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new CliError(`${path}: ${why}`);
  }
  if (!isUtf8(bytes)) {
    const offset = firstNonUtf8Byte(bytes);
    const lineStart = bytes.lastIndexOf(10, offset) + 1;
    let line = 1;
    for (let at = bytes.indexOf(10); at !== -1 && at < lineStart; at = bytes.indexOf(10, at + 1)) line++;
    throw new CliError(`${path}: line ${line}: ${notUtf8Message(bytes.subarray(lineStart), offset - lineStart)}`);
  }
  return bytes.toString('utf8');
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
