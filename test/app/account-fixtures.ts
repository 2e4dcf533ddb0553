/** What the account tests share: the account events of a store, as type, actor and data. */
import { CHECKPOINT_TYPE } from '../../src/log/event.js';
import type { Store } from '../../src/app/store.js';

export interface SeenEvent {
  readonly type: string;
  readonly actor: string;
  readonly data: Record<string, unknown>;
}

/** Every event of the `system` stream but checkpoints, in seq order. */
export async function accountEvents(store: Store): Promise<SeenEvent[]> {
  const events: SeenEvent[] = [];
  for await (const e of store.log.read({ stream: 'system' })) {
    if (e.type !== CHECKPOINT_TYPE) events.push({ type: e.type, actor: e.actor, data: e.data as Record<string, unknown> });
  }
  return events;
}
