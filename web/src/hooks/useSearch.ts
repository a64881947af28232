import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { SearchHit } from '../api/types';
import { humanMessage } from '../lib/errors';

const DEBOUNCE_MS = 250;
/** Hits the box answers a page. */
export const PAGE_SIZE = 50;
/** Pages the box answers at most. */
const MAX_PAGES = 20;

export interface SearchState {
  results: SearchHit[];
  /** The query the results answer (they lag what is typed). */
  answered: string;
  error: string | null;
  /** The box may have more: `more()` asks for the next page. */
  hasMore: boolean;
  more: () => void;
}

/** Search as you type: debounced, and a newer query cancels the older one.
 * With `roomCode`, each hit says where it stands in that party; `version`
 * (anything that changes when the party moves on) asks again, for every
 * page shown. */
export function useSearch(query: string, roomCode?: string, version = ''): SearchState {
  const [state, setState] = useState({ results: [] as SearchHit[], answered: '', error: null as string | null, full: false });
  const trimmed = query.trim();
  // Pages shown, for the query they were asked for (a new query shows one).
  const [paged, setPaged] = useState({ query: '', pages: 1 });
  const pages = paged.query === trimmed ? paged.pages : 1;

  useEffect(() => {
    if (!trimmed) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      const asked = Array.from({ length: pages }, (_, page) => api.search(trimmed, roomCode, controller.signal, page));
      Promise.all(asked)
        .then((answers) => {
          const seen = new Set<string>();
          const results = answers.flat().filter((hit) => !seen.has(hit.id) && seen.add(hit.id));
          setState({ results, answered: trimmed, error: null, full: (answers[answers.length - 1]?.length ?? 0) >= PAGE_SIZE });
        })
        .catch((error: unknown) => {
          if (controller.signal.aborted) return;
          setState((s) => ({ ...s, error: humanMessage(error) }));
        });
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [trimmed, roomCode, version, pages]);

  const more = () => setPaged({ query: trimmed, pages: Math.min(pages + 1, MAX_PAGES) });
  if (!trimmed) return { results: [], answered: '', error: null, hasMore: false, more };
  return {
    results: state.results,
    answered: state.answered,
    error: state.error,
    hasMore: state.full && state.answered === trimmed && pages < MAX_PAGES,
    more,
  };
}
