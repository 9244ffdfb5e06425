import { useCallback, useEffect, useState, type DependencyList } from 'react';

/** What {@link useApiLoad} gives: the latest data, the latest failure, and a way to load again. */
export interface ApiLoad<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/**
 * Load something from the API when `deps` change and on `reload()`. An answer that arrives
 * after a newer load started is dropped. The last data stays shown while reloading.
 */
export function useApiLoad<T>(load: () => Promise<T>, deps: DependencyList): ApiLoad<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const run = useCallback(load, deps);
  useEffect(() => {
    let current = true;
    setLoading(true);
    run().then(
      (value) => {
        if (!current) return;
        setData(value);
        setError(null);
        setLoading(false);
      },
      (e: unknown) => {
        if (!current) return;
        setError(e);
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, [run, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data, error, loading, reload };
}
