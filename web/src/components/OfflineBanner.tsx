import { useEffect, useSyncExternalStore } from 'react';
import { connection } from '../lib/connection';

/** Shown while the box cannot be reached; polling keeps trying and clears it. */
export function OfflineBanner() {
  const reachable = useSyncExternalStore(connection.subscribe, connection.reachable);
  useEffect(() => {
    const offline = () => connection.report(false);
    window.addEventListener('offline', offline);
    return () => window.removeEventListener('offline', offline);
  }, []);
  if (reachable) return null;
  return (
    <div className="offline-banner" role="alert">
      Can’t reach the box. Check you’re on the party Wi-Fi; we’ll reconnect by ourselves.
    </div>
  );
}
