import type { HourActivity, Wrapped } from '../api/types';
import { currentLanguage, t } from '../i18n';
import { formatDuration, formatVotes } from './format';

/** "9 PM" for the hour starting at `hourUtc`, in the viewer's time zone. */
export function formatHour(hourUtc: string, locale: string = currentLanguage()): string {
  return new Date(hourUtc).toLocaleTimeString(locale, { hour: 'numeric' });
}

/** The few lines that tell the night, for the page and the image alike. */
export function headlines(w: Wrapped): string[] {
  const lines = [
    [
      t('wrapped.summaryTracks', { n: w.tracks_played }),
      t('wrapped.summaryMusic', { time: formatDuration(w.played_ms) }),
      t('wrapped.summaryGuests', { n: w.guests }),
    ].join(' · '),
  ];
  const top = w.top_tracks[0];
  if (top) lines.push(t('wrapped.songOfNight', { title: top.title, artist: top.artist, votes: formatVotes(top.votes) }));
  if (w.most_divisive)
    lines.push(t('wrapped.divisive', { title: w.most_divisive.title, ups: w.most_divisive.ups, downs: w.most_divisive.downs }));
  if (w.best_backer)
    lines.push(t('wrapped.bestTaste', { name: w.best_backer.display_name, n: w.best_backer.winners }));
  const loved = w.most_loved;
  if (loved) lines.push(t('wrapped.mostLoved', { title: loved.title, artist: loved.artist, emoji: loved.emoji, n: loved.reactions }));
  const moment = w.loved_moment;
  if (moment)
    lines.push(
      t('wrapped.lovedMoment', {
        time: formatDuration(moment.position_ms),
        title: moment.title,
        n: moment.reactions,
        emoji: moment.emoji,
      }),
    );
  return lines;
}

/** Bars for the activity chart: one per hour, scaled to the busiest. */
export function activityBars(activity: HourActivity[]): { label: string; value: number; share: number }[] {
  const max = Math.max(1, ...activity.map((h) => h.adds + h.votes));
  return activity.map((h) => ({ label: formatHour(h.hour), value: h.adds + h.votes, share: (h.adds + h.votes) / max }));
}

/** Draws the night as a 1080×1350 card, for sharing as an image. */
export function drawWrappedCard(ctx: CanvasRenderingContext2D, w: Wrapped) {
  const W = 1080;
  const H = 1350;
  ctx.fillStyle = '#14111f';
  ctx.fillRect(0, 0, W, H);
  const text = (s: string, x: number, y: number, size: number, color = '#f4f1ff', weight = 400, maxWidth = W - 2 * x) => {
    ctx.font = `${weight} ${size}px system-ui, sans-serif`;
    ctx.fillStyle = color;
    let line = s;
    while (ctx.measureText(line).width > maxWidth && line.length > 1) line = line.slice(0, -2) + '…';
    ctx.fillText(line, x, y);
  };
  text(t('wrapped.title').toUpperCase(), 80, 130, 40, '#bdb6d3', 700);
  text(w.room_name, 80, 215, 76, '#ffb84d', 800);
  const stats: [string, string][] = [
    [String(w.tracks_played), t('wrapped.cardTracks')],
    [formatDuration(w.played_ms), t('wrapped.ofMusic')],
    [String(w.guests), t('wrapped.cardGuests')],
  ];
  stats.forEach(([value, label], i) => {
    text(value, 80 + i * 320, 350, 88, '#f4f1ff', 800, 300);
    text(label, 80 + i * 320, 400, 34, '#bdb6d3', 400, 300);
  });
  text(t('wrapped.topTracks'), 80, 500, 44, '#f4f1ff', 700);
  const maxVotes = Math.max(1, ...w.top_tracks.map((t) => t.votes));
  w.top_tracks.slice(0, 5).forEach((t, i) => {
    const y = 560 + i * 92;
    ctx.fillStyle = '#2a2440';
    ctx.fillRect(80, y, W - 160, 70);
    ctx.fillStyle = '#ffb84d';
    ctx.fillRect(80, y, ((W - 160) * t.votes) / maxVotes, 8);
    text(`${t.title} · ${t.artist}`, 100, y + 48, 34, '#f4f1ff', 600, W - 330);
    text(`${t.votes}`, W - 150, y + 48, 36, '#ffb84d', 800, 70);
  });
  // Four lines fit above the brand: the first highlights.
  const lines = headlines(w).slice(2);
  if (w.busiest_hour) lines.push(t('wrapped.busiest', { hour: formatHour(w.busiest_hour.hour) }));
  lines.slice(0, 4).forEach((line, i) => text(line, 80, 1060 + i * 60, 34, '#f4f1ff', 500));
  text(t('brand'), 80, H - 60, 30, '#bdb6d3', 600);
}
