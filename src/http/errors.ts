/**
 * Errors on the wire, in one place: every 4xx/5xx body is
 * `{"error": {"code", "message", "path"?}}` (spec api.md), VigilError codes map to statuses here
 * and nowhere else, and a 5xx never shows its cause to the client.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isVigilError, type ErrorCode } from '../core/errors.js';
import type { Issue } from '../core/issues.js';

/** Codes only the HTTP layer produces, besides the VigilError codes. */
export type HttpErrorCode = ErrorCode | 'BODY_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE' | 'METHOD_NOT_ALLOWED' | 'INTERNAL';

const STATUS: Readonly<Record<ErrorCode, number>> = {
  EVENT_INVALID: 400,
  DEDUPE_CONFLICT: 409,
  REPORT_ID_CONFLICT: 409,
  LOG_CORRUPT: 500,
  LOG_UNAVAILABLE: 503,
  SIGNING_KEY_INVALID: 500,
  PROBLEM_INVALID: 400,
  PROBLEM_NOT_FOUND: 404,
  REPORT_INVALID: 400,
  REPORT_NOT_FOUND: 404,
  REQUEST_INVALID: 400,
  AUTH_REQUIRED: 401,
  AUTH_FAILED: 401,
  SIGN_IN_LOCKED: 429,
  FORBIDDEN: 403,
  CSRF: 403,
  USER_EXISTS: 409,
  USER_NOT_FOUND: 404,
  TOKEN_NOT_FOUND: 404,
  PASSWORD_WEAK: 400,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  WARNING_STALE: 409,
};

/** The HTTP status of a VigilError code. */
export function statusOf(code: ErrorCode): number {
  return STATUS[code];
}

/** The body of an error answer. */
export interface ErrorBody {
  error: {
    code: HttpErrorCode;
    message: string;
    /** The JSON Pointer of the one field at fault, when there is one. */
    path?: string;
    /** Every field at fault, when there are several (each with its pointer). */
    issues?: readonly Issue[];
    /** For batches: every bad item, by index. */
    items?: readonly unknown[];
  };
}

export function errorBody(code: HttpErrorCode, message: string, extra: Omit<ErrorBody['error'], 'code' | 'message'> = {}): ErrorBody {
  return { error: { code, message, ...extra } };
}

/**
 * A request that fails its schema: thrown by the validator compiler with every issue; `part`
 * prefixes the pointers of everything but the body (`/query/at`, `/headers/x-csrf-token`).
 */
export class RequestInvalid extends Error {
  readonly statusCode = 400;
  constructor(readonly issues: readonly Issue[]) {
    super(issues.map((i) => (i.path === '' ? i.message : `${i.path}: ${i.message}`)).join('; '));
  }
}

/** The path of the one issue at fault, if there is exactly one distinct path. */
function singlePath(issues: readonly Issue[]): { path?: string } {
  const paths = new Set(issues.map((i) => i.path));
  const [only] = paths;
  return paths.size === 1 && only !== undefined ? { path: only } : {};
}

/** The error answer for any error a handler or a hook throws. */
export function errorAnswer(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof RequestInvalid) {
    return { status: 400, body: errorBody('REQUEST_INVALID', error.message, { ...singlePath(error.issues), issues: error.issues }) };
  }
  if (isVigilError(error)) {
    const details = error.details ?? {};
    const issues = Array.isArray(details.issues) ? (details.issues as Issue[]) : undefined;
    const items = Array.isArray(details.items) ? (details.items as unknown[]) : undefined;
    const path = typeof details.path === 'string' ? { path: details.path } : issues !== undefined ? singlePath(issues) : {};
    return {
      status: statusOf(error.code),
      body: errorBody(error.code, error.message, { ...path, ...(issues ? { issues } : {}), ...(items ? { items } : {}) }),
    };
  }
  const status = (error as Partial<FastifyError>).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code: HttpErrorCode =
      status === 413 ? 'BODY_TOO_LARGE' : status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : status === 429 ? 'RATE_LIMITED' : status === 404 ? 'NOT_FOUND' : 'REQUEST_INVALID';
    const message = (error as Error).message || 'bad request';
    return { status, body: errorBody(code, message) };
  }
  return { status: 500, body: errorBody('INTERNAL', 'internal error (the server has logged it)') };
}

/** Installs the one error handler and the not-found answer. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body } = errorAnswer(error);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    const retryAfter = isVigilError(error) ? error.details?.retryAfterSeconds : undefined;
    if (typeof retryAfter === 'number') void reply.header('retry-after', String(Math.ceil(retryAfter)));
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => reply.status(404).send(errorBody('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`)));
}
