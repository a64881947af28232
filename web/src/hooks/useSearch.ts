import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { Track } from '../api/types';
import { humanMessage } from '../lib/errors';

const DEBOUNCE_MS = 250;

export interface SearchState {
  results: Track[];
  /** The query the results answer (they lag what is typed). */
  answered: string;
  error: string | null;
}

/** Search as you type: debounced, and a newer query cancels the older one. */
export function useSearch(query: string): SearchState {
  const [state, setState] = useState<SearchState>({ results: [], answered: '', error: null });
  const trimmed = query.trim();

  useEffect(() => {
    if (!trimmed) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api
        .search(trimmed, controller.signal)
        .then((results) => setState({ results, answered: trimmed, error: null }))
        .catch((error: unknown) => {
          if (controller.signal.aborted) return;
          setState((s) => ({ ...s, error: humanMessage(error) }));
        });
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [trimmed]);

  return trimmed ? state : { results: [], answered: '', error: null };
}
