/**
 * Who is signed in. On load the UI asks GET /api/v1/session (the cookie survives a reload, the
 * CSRF token comes back with it); sign-in answers the user and the token; a 401 anywhere means
 * the session ended and the sign-in page returns.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError } from './api/client.js';
import type { Role, SessionAnswer, User } from './api/types.js';

export type SessionState = { status: 'loading' } | { status: 'signed-out'; reason?: string } | { status: 'signed-in'; user: User };

interface SessionApi {
  readonly session: SessionState;
  signIn(username: string, password: string): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionApi | undefined>(undefined);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<SessionState>({ status: 'loading' });

  useEffect(() => {
    api.onSignedOut(() => {
      api.setCsrf(undefined);
      setSession({ status: 'signed-out', reason: 'Your session ended. Sign in again.' });
    });
    let cancelled = false;
    api
      .get<SessionAnswer>('/api/v1/session')
      .then((answer) => {
        if (cancelled) return;
        api.setCsrf(answer.csrfToken);
        setSession({ status: 'signed-in', user: answer.user });
      })
      .catch((error: unknown) => {
        if (cancelled) return;
        const reason = error instanceof ApiError && error.status === 401 ? undefined : 'The server cannot be reached. Try again in a moment.';
        setSession({ status: 'signed-out', ...(reason !== undefined ? { reason } : {}) });
      });
    return () => {
      cancelled = true;
      api.onSignedOut(undefined);
    };
  }, []);

  const signIn = useCallback(async (username: string, password: string) => {
    const answer = await api.post<SessionAnswer>('/api/v1/session', { username, password });
    api.setCsrf(answer.csrfToken);
    setSession({ status: 'signed-in', user: answer.user });
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api.delete('/api/v1/session');
    } finally {
      api.setCsrf(undefined);
      setSession({ status: 'signed-out' });
    }
  }, []);

  const value = useMemo(() => ({ session, signIn, signOut }), [session, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionApi {
  const value = useContext(SessionContext);
  if (value === undefined) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The signed-in user (only under a signed-in page). */
export function useUser(): User {
  const { session } = useSession();
  if (session.status !== 'signed-in') throw new Error('useUser without a signed-in user');
  return session.user;
}

/** What the permission matrix (README "Who may do what") lets this user do in the UI. */
export function abilities(user: User): { postReports: boolean; editModels: boolean; recordOutcomes: boolean; fileDissents: boolean; acknowledgeAny: boolean } {
  const has = (...roles: Role[]) => roles.some((r) => user.roles.includes(r));
  return {
    postReports: has('analyst', 'senior-analyst', 'admin'),
    editModels: has('senior-analyst', 'admin'),
    recordOutcomes: has('senior-analyst', 'admin'),
    fileDissents: has('analyst', 'senior-analyst'),
    // Besides these roles, anyone a warning was sent to may acknowledge it.
    acknowledgeAny: has('duty-officer', 'decision-maker'),
  };
}
