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
        <div className="progress-fill" style={{ transform: `scaleX(${fraction})` }} />
      </div>
      <div className="progress-times" aria-hidden="true">
        <span>{formatDuration(elapsedMs)}</span>
        <span>{formatDuration(durationMs)}</span>
      </div>
    </div>
  );
}
