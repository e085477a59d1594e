import { useCallback, useEffect, useState } from 'preact/hooks';
import { api } from './api.js';

/** GET a control path; reload() after a change; refreshMs polls. */
export function useApi(path, refreshMs) {
  const [state, setState] = useState({ data: null, error: null });
  const reload = useCallback(() => {
    if (!path) return Promise.resolve();
    return api('GET', path).then(
      (data) => setState({ data, error: null }),
      (error) => setState((s) => ({ data: s.data, error })),
    );
  }, [path]);
  useEffect(() => {
    reload();
    if (!refreshMs) return undefined;
    const timer = setInterval(reload, refreshMs);
    return () => clearInterval(timer);
  }, [reload, refreshMs]);
  return { ...state, reload };
}

/** Runs a control call, showing what it did (or why it failed) and its equivalent curl. */
export function useAction() {
  const [result, setResult] = useState(null);
  const run = useCallback(async (label, fn, curl) => {
    try {
      const value = await fn();
      setResult({ ok: true, label, value, curl });
      return value;
    } catch (e) {
      setResult({ ok: false, label, value: e.body ?? e.message, curl });
      return undefined;
    }
  }, []);
  return { result, run, clear: () => setResult(null) };
}
