import { useEffect, useState } from 'react';
import { api } from '../api/client';

const BOX_NAME_RECHECK_MS = 30_000;

/**
 * The link phones should open to join: the box's LAN address when it knows
 * one (the host may be looking at it through 127.0.0.1), else this page's.
 * With `token` (the party screen's current join code), the link proves the
 * guest scanned it at the party.
 */
export function useJoinUrl(code: string, token: string | null = null): string {
  const [base, setBase] = useState(location.origin);
  useEffect(() => {
    // Asked again now and then: another box on the LAN with the same name
    // renames this one (party-2.local), and the QR code must follow.
    const load = () =>
      api
        .box()
        .then((box) => box.join_url && setBase(box.join_url))
        .catch(() => undefined);
    void load();
    const timer = setInterval(() => void load(), BOX_NAME_RECHECK_MS);
    return () => clearInterval(timer);
  }, []);
  return `${base}/r/${code}${token ? `?t=${encodeURIComponent(token)}` : ''}`;
}

/** The room's join code as it changes every minute (host and co-hosts only;
 * null for others, or until known). */
export function useJoinToken(code: string, enabled: boolean): string | null {
  const [token, setToken] = useState<string | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const load = () => {
      api
        .joinToken(code)
        .then((t) => {
          if (stopped) return;
          setToken(t.token);
          timer = setTimeout(load, Math.max(1, t.expires_in) * 1000 + 250);
        })
        .catch(() => {
          if (!stopped) timer = setTimeout(load, 10_000);
        });
    };
    load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [code, enabled]);
  return token;
}
