/**
 * The live feed: one EventSource on GET /api/v1/stream for the whole UI, shared by every page
 * through a context. Pages subscribe to the events they care about; the connection state is
 * shown in the top bar, so a stale screen never passes for a live one.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useSession } from '../session.js';
import { api, ApiError } from './client.js';
import type { LiveEvent } from './types.js';

export type LiveState = 'connecting' | 'live' | 'reconnecting';

type Listener = (event: LiveEvent) => void;

interface LiveStatus {
  readonly state: LiveState;
  /** The instant the last event (or the connection) arrived, ms. */
  readonly lastEventAt: number | undefined;
  /** How many times the stream has connected: after a reconnection, pages load afresh what they may have missed. */
  readonly connections: number;
}

/** How long to wait before opening a stream the browser gave up on (ms). */
const RETRY_MS = 5000;

type Subscribe = (listener: Listener) => () => void;

const EVENT_TYPES = ['report', 'correction', 'withheld', 'assessment', 'problem', 'warning'] as const;

// Two contexts: the status changes with every event, the subscription never does, so a page
// that only listens is not re-rendered by the status.
const StatusContext = createContext<LiveStatus>({ state: 'connecting', lastEventAt: undefined, connections: 0 });
const SubscribeContext = createContext<Subscribe>(() => () => undefined);

/** Opens the stream while mounted (mount it only for a signed-in user). */
export function LiveProvider({ children }: { children: ReactNode }) {
  const listeners = useRef(new Set<Listener>());
  const [state, setState] = useState<LiveState>('connecting');
  const [lastEventAt, setLastEventAt] = useState<number | undefined>(undefined);
  const [connections, setConnections] = useState(0);
  const [attempt, setAttempt] = useState(0);
  const { signOut } = useSession();

  useEffect(() => {
    const source = new EventSource('/api/v1/stream');
    let retry: ReturnType<typeof setTimeout> | undefined;
    source.addEventListener('hello', () => {
      setState('live');
      setLastEventAt(Date.now());
      setConnections((n) => n + 1);
    });
    source.addEventListener('error', () => {
      setState('reconnecting');
      // After a dropped connection the browser reconnects by itself (the server asks for 3 s);
      // after an error answer it gives up: ask whether the session still holds, then reopen.
      if (source.readyState !== EventSource.CLOSED) return;
      retry = setTimeout(() => {
        api.get('/api/v1/session').then(
          () => setAttempt((n) => n + 1),
          (error: unknown) => {
            if (error instanceof ApiError && error.status === 401) void signOut();
            else setAttempt((n) => n + 1);
          },
        );
      }, RETRY_MS);
    });
    for (const type of EVENT_TYPES) {
      source.addEventListener(type, (message: MessageEvent<string>) => {
        let data: unknown;
        try {
          data = JSON.parse(message.data);
        } catch {
          return;
        }
        setLastEventAt(Date.now());
        const event = { type, data } as LiveEvent;
        for (const listener of listeners.current) listener(event);
      });
    }
    return () => {
      clearTimeout(retry);
      source.close();
    };
  }, [attempt, signOut]);

  const subscribe = useCallback((listener: Listener) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);
  const status = useMemo<LiveStatus>(() => ({ state, lastEventAt, connections }), [state, lastEventAt, connections]);
  return (
    <SubscribeContext.Provider value={subscribe}>
      <StatusContext.Provider value={status}>{children}</StatusContext.Provider>
    </SubscribeContext.Provider>
  );
}

export function useLiveStatus(): LiveStatus {
  return useContext(StatusContext);
}

/** Calls `listener` for every live event while mounted (the latest listener, without resubscribing). */
export function useLiveEvents(listener: Listener): void {
  const subscribe = useContext(SubscribeContext);
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => subscribe((event) => latest.current(event)), [subscribe]);
}
