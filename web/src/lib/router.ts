import { useEffect, useState } from 'react';

export type Route =
  | { page: 'start' }
  | { page: 'room'; code: string }
  | { page: 'tv'; code: string }
  | { page: 'wrapped'; code: string };

/** A typed room code as the box reads it: letters and digits, upper case;
 * the spaces and dashes people type between groups go. */
export function cleanCode(typed: string): string {
  return typed.replace(/[\s\-‐–·._]/g, '').toUpperCase();
}

/** `/`, `/r/{CODE}`, `/r/{CODE}/tv`, `/r/{CODE}/wrapped`; anything else is the start page. */
export function parseRoute(pathname: string): Route {
  const match = /^\/r\/([A-Za-z0-9-]{1,24})(?:\/(tv|wrapped))?\/?$/.exec(pathname);
  const code = match?.[1] ? cleanCode(match[1]) : '';
  if (!code || code.length > 16) return { page: 'start' };
  if (match?.[2] === 'tv') return { page: 'tv', code };
  if (match?.[2] === 'wrapped') return { page: 'wrapped', code };
  return { page: 'room', code };
}

export function navigate(path: string) {
  history.pushState(null, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.pathname));
    window.addEventListener('popstate', update);
    return () => window.removeEventListener('popstate', update);
  }, []);
  return route;
}
