import { useState } from 'react';
import { t } from '../i18n';
import { formatDuration, playbackProgress } from '../lib/format';
import { useNow } from '../hooks/useNow';

export function ProgressBar({
  startedAt,
  durationMs,
  pausedMs = null,
}: {
  startedAt: string | null;
  durationMs: number;
  pausedMs?: number | null;
}) {
  const now = useNow(1000);
  const { elapsedMs, fraction } = playbackProgress(startedAt, durationMs, now, pausedMs);
  // The bar glides from second to second; a seek, a new song or the page
  // learning the box's clock jumps at once (a new bar, nothing to glide from).
  const [seen, setSeen] = useState({ fraction, jumps: 0 });
  if (seen.fraction !== fraction) {
    const jumped = fraction < seen.fraction || fraction - seen.fraction > 0.05;
    setSeen({ fraction, jumps: seen.jumps + (jumped ? 1 : 0) });
  }
  return (
    <div className="progress">
      <div
        className="progress-track"
        role="progressbar"
        aria-label={t('progress.label')}
        aria-valuemin={0}
        aria-valuemax={Math.round(durationMs / 1000)}
        aria-valuenow={Math.round(elapsedMs / 1000)}
        aria-valuetext={`${formatDuration(elapsedMs)} of ${formatDuration(durationMs)}`}
      >
        <div key={seen.jumps} className="progress-fill" style={{ transform: `scaleX(${fraction})` }} />
      </div>
      <div className="progress-times" aria-hidden="true">
        <span>{formatDuration(elapsedMs)}</span>
        <span>{formatDuration(durationMs)}</span>
      </div>
    </div>
  );
}
