/**
 * How many open warnings addressed to me await my acknowledgment: the badge on the inbox's
 * link in the top bar. Asked of GET /api/v1/warnings?state=open&mine=true, and asked again
 * after every `warning` event of the stream and after a reconnection.
 */
import { createContext, useContext, useEffect, useMemo, type ReactNode } from 'react';
import { api } from '../../api/client.js';
import { useLiveEvents, useLiveStatus } from '../../api/live.js';
import type { Warning } from '../../api/types.js';
import { useResource, useThrottled } from '../../lib/use-resource.js';

interface InboxCount {
  /** Undefined until first known (or when it cannot be asked). */
  readonly count: number | undefined;
  /** Asks again now (after an acknowledgment, say). */
  reload(): void;
}

/** How long a burst of warning events is gathered before the count is asked again (ms). */
const REFRESH_MS = 300;

const InboxCountContext = createContext<InboxCount>({ count: undefined, reload: () => undefined });

/** Keeps the count while mounted (mount it under the live feed, for a signed-in user). */
export function InboxCountProvider({ children }: { children: ReactNode }) {
  const resource = useResource((signal) => api.get<{ warnings: Warning[] }>('/api/v1/warnings?state=open&mine=true', signal), 'inbox-count');
  const reload = useThrottled(resource.reload, REFRESH_MS);
  useLiveEvents((event) => {
    if (event.type === 'warning') reload();
  });
  const { connections } = useLiveStatus();
  useEffect(() => {
    if (connections > 1) reload();
  }, [connections, reload]);
  const count = resource.value?.warnings.length;
  const value = useMemo(() => ({ count, reload: resource.reload }), [count, resource.reload]);
  return <InboxCountContext.Provider value={value}>{children}</InboxCountContext.Provider>;
}

export function useInboxCount(): InboxCount {
  return useContext(InboxCountContext);
}
