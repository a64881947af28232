import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { SearchHit } from '../api/types';
import { humanMessage } from '../lib/errors';

const DEBOUNCE_MS = 250;

export interface SearchState {
  results: SearchHit[];
  /** The query the results answer (they lag what is typed). */
  answered: string;
  error: string | null;
}

/** Search as you type: debounced, and a newer query cancels the older one.
 * With `roomCode`, each hit says where it stands in that party; `version`
 * (anything that changes when the party moves on) asks again. */
export function useSearch(query: string, roomCode?: string, version = ''): SearchState {
  const [state, setState] = useState<SearchState>({ results: [], answered: '', error: null });
  const trimmed = query.trim();

  useEffect(() => {
    if (!trimmed) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api
        .search(trimmed, roomCode, controller.signal)
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
  }, [trimmed, roomCode, version]);

  return trimmed ? state : { results: [], answered: '', error: null };
}
