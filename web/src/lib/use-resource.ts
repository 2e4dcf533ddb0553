/**
 * Loading what a page shows: `useResource(load, key)` runs `load` whenever `key` changes and on
 * `reload()`, keeps the last good value while a reload is in flight (a live screen does not
 * blank out on every update) and drops answers that arrive after a newer request.
 */
import { useCallback, useEffect, useRef, useState } from 'react';

export interface Resource<T> {
  readonly value: T | undefined;
  readonly error: Error | undefined;
  readonly loading: boolean;
  reload(): void;
}

export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, key: string): Resource<T> {
  const [value, setValue] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const latest = useRef(load);
  latest.current = load;
  const shownKey = useRef(key);

  useEffect(() => {
    const controller = new AbortController();
    if (shownKey.current !== key) {
      // A different thing: do not show the old one meanwhile.
      shownKey.current = key;
      setValue(undefined);
    }
    setLoading(true);
    latest
      .current(controller.signal)
      .then((answer) => {
        if (controller.signal.aborted) return;
        setValue(answer);
        setError(undefined);
        setLoading(false);
      })
      .catch((failure: unknown) => {
        if (controller.signal.aborted) return;
        setError(failure instanceof Error ? failure : new Error(String(failure)));
        setLoading(false);
      });
    return () => controller.abort();
  }, [key, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { value, error, loading, reload };
}

/** `fn` called at most once per `ms`, trailing: a burst of live events becomes one reload. */
export function useThrottled(fn: () => void, ms: number): () => void {
  const latest = useRef(fn);
  latest.current = fn;
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  return useCallback(() => {
    if (timer.current !== undefined) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      latest.current();
    }, ms);
  }, [ms]);
}
