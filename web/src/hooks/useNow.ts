import { useEffect, useState } from 'react';
import { boxNow } from '../lib/clock';

/** The current time by the box's clock (`lib/clock`), ticking every `intervalMs`. */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => boxNow());
  useEffect(() => {
    const timer = setInterval(() => setNow(boxNow()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
