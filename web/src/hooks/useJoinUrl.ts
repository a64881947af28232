import { useEffect, useState } from 'react';
import { api } from '../api/client';

/**
 * The link phones should open to join: the box's LAN address when it knows
 * one (the host may be looking at it through 127.0.0.1), else this page's.
 */
export function useJoinUrl(code: string): string {
  const [base, setBase] = useState(location.origin);
  useEffect(() => {
    api
      .box()
      .then((box) => box.join_url && setBase(box.join_url))
      .catch(() => undefined);
  }, []);
  return `${base}/r/${code}`;
}
