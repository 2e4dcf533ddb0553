/**
 * The one way the watch floor talks to the server: JSON over fetch, same origin, the session
 * cookie sent by the browser and the CSRF token added to every change. An error answer becomes
 * an ApiError carrying the API's code, message and the pointers of the fields at fault.
 */
import type { ErrorAnswer, Issue } from './types.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The JSON Pointer of the one field at fault, when there is one. */
    readonly path: string | undefined,
    /** Every field at fault (with `path` alone when the answer named one field). */
    readonly issues: readonly Issue[],
  ) {
    super(message);
  }

  /** The messages for the field at `pointer` (exactly, e.g. "/indicator"). */
  at(pointer: string): string[] {
    return this.issues.filter((i) => i.path === pointer).map((i) => i.message);
  }
}

const SAFE = new Set(['GET', 'HEAD']);

/** Told when the server answers 401: the session ended (expired, signed out elsewhere). */
type SignedOutListener = () => void;

export class ApiClient {
  #csrf: string | undefined;
  #onSignedOut: SignedOutListener | undefined;

  /** Sets the CSRF token of the current session (from sign-in or GET /api/v1/session). */
  setCsrf(token: string | undefined): void {
    this.#csrf = token;
  }

  onSignedOut(listener: SignedOutListener | undefined): void {
    this.#onSignedOut = listener;
  }

  get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return this.request<T>('GET', path, undefined, signal);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  async request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (!SAFE.has(method) && this.#csrf !== undefined) headers['x-csrf-token'] = this.#csrf;
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers,
        credentials: 'same-origin',
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        ...(signal !== undefined ? { signal } : {}),
      });
    } catch (error) {
      if (signal?.aborted === true) throw error;
      throw new ApiError(0, 'NETWORK', 'the server cannot be reached', undefined, []);
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (response.ok) return parsed as T;
    const error = (parsed as Partial<ErrorAnswer> | undefined)?.error;
    const code = error?.code ?? `HTTP_${response.status}`;
    if (response.status === 401 && path !== '/api/v1/session') this.#onSignedOut?.();
    const issues = error?.issues ?? (error?.path !== undefined ? [{ path: error.path, message: error.message }] : []);
    throw new ApiError(response.status, code, error?.message ?? response.statusText, error?.path, issues);
  }
}

/** The client the whole UI shares. */
export const api = new ApiClient();

/** A path segment, escaped. */
export function seg(value: string): string {
  return encodeURIComponent(value);
}
