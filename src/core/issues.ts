/**
 * Validation outcomes. Expected failures are values, not exceptions: a validator never throws
 * for bad input, it returns every issue it found, each naming the JSON Pointer of the bad field.
 */

/** One thing wrong with an input, at a JSON Pointer path ("" for the whole input). */
export interface Issue {
  readonly path: string;
  readonly message: string;
}

export type Validated<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: readonly Issue[] };

/** Escapes one JSON Pointer reference token (RFC 6901). */
function escapeToken(token: string | number): string {
  return String(token).replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Builds a JSON Pointer from path segments: `['indicators', 3, 'likelihood']` -> `/indicators/3/likelihood`. */
export function pointer(segments: readonly (string | number)[]): string {
  return segments.map((s) => '/' + escapeToken(s)).join('');
}

/** Formats an issue as `path: message` (or just the message when the path is the root). */
export function formatIssue(issue: Issue): string {
  return issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`;
}
