import { useEffect, useSyncExternalStore } from 'react';
import { api } from '../api/client';
import { connection } from '../lib/connection';
import { t } from '../i18n';

const PROBE_EVERY_MS = 3_000;

/** Shown while the box cannot be reached; it probes the box by itself (and at
 * once when the phone says it is back online), so it clears even when the
 * live socket survived the outage and has nothing new to say. */
export function OfflineBanner() {
  const reachable = useSyncExternalStore(connection.subscribe, connection.reachable);
  useEffect(() => {
    const offline = () => connection.report(false);
    window.addEventListener('offline', offline);
    return () => window.removeEventListener('offline', offline);
  }, []);
  useEffect(() => {
    if (reachable) return;
    const probe = () => {
      if (navigator.onLine === false) return;
      api.box().then(
        () => connection.report(true),
        () => undefined,
      );
    };
    const timer = setInterval(probe, PROBE_EVERY_MS);
    window.addEventListener('online', probe);
    return () => {
      clearInterval(timer);
      window.removeEventListener('online', probe);
    };
  }, [reachable]);
  if (reachable) return null;
  return (
    <div className="offline-banner" role="alert">
      {t('offline.banner')}
    </div>
  );
}
