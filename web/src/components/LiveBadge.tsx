import { t } from '../i18n';
import type { LiveStatus } from '../lib/live';

/** A quiet word while the live connection comes back; nothing when live. */
export function LiveBadge({ status }: { status: LiveStatus }) {
  return (
    <span className="live-badge" role="status" aria-live="polite">
      {status === 'reconnecting' ? t('live.reconnecting') : ''}
    </span>
  );
}
