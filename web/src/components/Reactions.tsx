import { useEffect, useState } from 'react';
import { EMOJI, RISE_MS, type ReactionFeed, type Rising, rise } from '../lib/reactions';
import { t } from '../i18n';

/** The emoji a guest taps on the playing song. */
export function ReactionBar({ onReact }: { onReact: (emoji: string) => void }) {
  return (
    <div className="reaction-bar" role="group" aria-label={t('now.react')}>
      {EMOJI.map((emoji) => (
        <button key={emoji} type="button" className="reaction" onClick={() => onReact(emoji)}>
          {emoji}
        </button>
      ))}
    </div>
  );
}

/** The room's reactions rising across this layer for a moment, at most
 * `max` at once. Decoration: hidden from screen readers, and without
 * motion for those who asked for less (they fade in place). */
export function RisingReactions({ feed, max, className }: { feed: ReactionFeed; max: number; className: string }) {
  const [rising, setRising] = useState<Rising[]>([]);
  useEffect(
    () =>
      feed.subscribe((frame) => {
        setRising((current) => rise(current, frame.emoji, Date.now(), max));
      }),
    [feed, max],
  );
  // The last ones leave once they have risen.
  useEffect(() => {
    if (rising.length === 0) return;
    const timer = setTimeout(() => setRising((current) => current.filter((r) => Date.now() - r.born < RISE_MS)), RISE_MS);
    return () => clearTimeout(timer);
  }, [rising]);
  return (
    <div className={`rising ${className}`} aria-hidden="true">
      {rising.map((r) => (
        <span key={r.id} className="rising-emoji" style={{ left: `${r.x * 100}%`, animationDuration: `${RISE_MS}ms` }}>
          {r.emoji}
        </span>
      ))}
    </div>
  );
}
