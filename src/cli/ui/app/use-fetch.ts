import { useEffect, useState } from 'preact/hooks';

/**
 * Loads `load()` whenever `key` changes and, with `pollMs`, again on that
 * period while the view is shown: live lists without a reload. A poll that
 * fails keeps what was shown and says so. `pollMs` may depend on the last answer.
 */
export interface Loaded<T> {
  data?: T;
  error?: Error;
  loading: boolean;
}

export function useFetch<T>(key: string, load: () => Promise<T>, pollMs?: number | ((last: T | undefined) => number)): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ loading: true });
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setState((s) => ({ data: s.data, loading: true }));
    let last: T | undefined;
    const run = (): void => {
      load().then(
        (data) => {
          last = data;
          if (live) setState({ data, loading: false });
        },
        (error: Error) => live && setState((s) => ({ data: pollMs ? s.data : undefined, error, loading: false })),
      ).finally(() => {
        if (live && pollMs) timer = setTimeout(run, typeof pollMs === 'function' ? pollMs(last) : pollMs);
      });
    };
    run();
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [key]);
  return state;
}
