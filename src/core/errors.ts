/**
 * Vigil's error hierarchy: one class with a stable string code. Code decides what went wrong
 * (`error.code === 'REPORT_ID_CONFLICT'`); the message is for people and may change. HTTP
 * statuses and CLI exit codes are mapped from codes in one place each, never here.
 */

/** The stable codes. Add a code here when a new kind of expected failure appears. */
export type ErrorCode =
  /** A new event is malformed: bad type, stream or actor, or data that is not plain JSON. */
  | 'EVENT_INVALID'
  /** An append reused a dedupe key with a different fingerprint (content). */
  | 'DEDUPE_CONFLICT'
  /** A report id exists with different content. */
  | 'REPORT_ID_CONFLICT'
  /** The stored log or an export is not what the log wrote (verification failed, bad header). */
  | 'LOG_CORRUPT'
  /** The store cannot be used: closed, unreadable, or written by a newer schema version. */
  | 'LOG_UNAVAILABLE'
  /** The signing key file exists but cannot be read as an Ed25519 private key. */
  | 'SIGNING_KEY_INVALID'
  /** A problem model fails validation (details: issues). */
  | 'PROBLEM_INVALID'
  /** No problem with that id. */
  | 'PROBLEM_NOT_FOUND'
  /** Reports fail validation (details: items, each with its index and issues). */
  | 'REPORT_INVALID'
  /** The report named by a correction does not exist. */
  | 'REPORT_NOT_FOUND'
  /** A request is malformed: bad JSON, a wrong or unknown field, a bad query or header. */
  | 'REQUEST_INVALID'
  /** The request needs a signed-in user or an API token. */
  | 'AUTH_REQUIRED'
  /** Sign-in refused: unknown user, wrong password or disabled account (one answer for all). */
  | 'AUTH_FAILED'
  /** Too many failed sign-ins for this user name: refused until the lockout ends. */
  | 'SIGN_IN_LOCKED'
  /** The principal's roles do not allow this action. */
  | 'FORBIDDEN'
  /** A cookie-authenticated change without the session's `X-CSRF-Token`. */
  | 'CSRF'
  /** A user name that is already taken. */
  | 'USER_EXISTS'
  /** No user with that name. */
  | 'USER_NOT_FOUND'
  /** No API token with that id. */
  | 'TOKEN_NOT_FOUND'
  /** A password that does not meet the rules (length). */
  | 'PASSWORD_WEAK'
  /** No such route or resource. */
  | 'NOT_FOUND'
  /** Too many requests from this client: try again later. */
  | 'RATE_LIMITED'
  /** An acknowledgment of a warning version that is no longer the current one. */
  | 'WARNING_STALE';

/** An expected failure with a stable `code` and optional machine-readable `details`. */
export class VigilError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'VigilError';
  }
}

/** True when `error` is a VigilError, optionally with the given code. Never throws. */
export function isVigilError(error: unknown, code?: ErrorCode): error is VigilError {
  return error instanceof VigilError && (code === undefined || error.code === code);
}
