import { useEffect, useRef, useState } from 'react';
import { api, media } from '../api/client';
import type { Output, QueueItem, Settings, Transport } from '../api/types';
import { humanMessage } from '../lib/errors';
import { toastStore } from '../lib/toasts';
import { useNow } from '../hooks/useNow';
import { boxNow } from '../lib/clock';
import { Decks, type Wanted } from '../lib/decks';
import { formatDuration } from '../lib/format';
import { crossfadeMs, reportEndAtMs, roomPosition, trackGain, volumeCeiling } from '../lib/player';
import { storage } from '../lib/storage';
import { t } from '../i18n';


interface Props {
  /** The party's code: the box's volume is a setting of it. */
  code: string;
  nowPlaying: QueueItem | null;
  /** What the room plays next (loaded ahead, so it follows without a gap). */
  upNext: QueueItem | null;
  settings: Settings | null;
  /** This item played out (the box moves on once, whoever reports). */
  onEnded: (roomTrackId: string) => void;
  /** This item cannot be played here (the box moves on, and logs why). */
  onFailed: (item: QueueItem, reason: string) => void;
  onTransport: (t: Transport) => void;
}

/** The host's page as the party's player: plays the room's track from the
 * box at the room's position and loudness (Web Audio), crossfades or
 * follows gaplessly, reports its end or why it cannot play it, and pauses,
 * resumes and seeks for the whole room. The box's clock keeps a song
 * without audio going. Fixed height. */
export function Player({ code, nowPlaying, upNext, settings, onEnded, onFailed, onTransport }: Props) {
  const deckA = useRef<HTMLAudioElement>(null);
  const deckB = useRef<HTMLAudioElement>(null);
  const decks = useRef<Decks | null>(null);
  const [playsHere, setPlaysHere] = useState(storage.playsHere);
  const [volume, setVolume] = useState(storage.volume);
  const [blocked, setBlocked] = useState(false);
  const [demo, setDemo] = useState(false);
  // Dragging the seek bar: its value until let go.
  const [dragging, setDragging] = useState<number | null>(null);
  const now = useNow(250);
  const item = nowPlaying;
  // The page plays the box's files; the MPD server plays its own songs.
  const audible = item !== null && item.source === 'file' && playsHere;
  const outputs = useOutputs();
  const callbacks = useRef({ onEnded, onFailed });
  useEffect(() => {
    callbacks.current = { onEnded, onFailed };
  });

  useEffect(() => {
    api
      .box()
      .then((box) => setDemo(box.demo))
      .catch(() => undefined);
  }, []);

  useEffect(() => {
    if (!deckA.current || !deckB.current) return;
    const d = new Decks(deckA.current, deckB.current, {
      ended: (i) => callbacks.current.onEnded(i.room_track_id),
      failed: (i, reason) => callbacks.current.onFailed(i, reason),
      blocked: setBlocked,
    });
    decks.current = d;
    return () => {
      d.close();
      decks.current = null;
    };
  }, []);

  const wanted = (at: number): Wanted | null =>
    audible && item
      ? {
          item,
          src: media.audio(item.track_id),
          gain: trackGain(item, settings),
          positionMs: roomPosition(item, at),
          fadeMs: crossfadeMs(item, settings),
          reportEndAtMs: reportEndAtMs(item, settings),
        }
      : null;

  // The decks follow the room: its track, its position, paused or not.
  const followKey = `${audible}|${item?.room_track_id}|${item?.started_at}|${item?.paused_ms}|${item?.gain_db}|${settings?.normalize_loudness}|${settings?.crossfade_seconds}`;
  useEffect(() => {
    decks.current?.follow(wanted(boxNow()), item?.paused_ms != null);
    // `followKey` names what changes the wanted state.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [followKey]);

  // A few times a second: drift, crossfade start, preload, stalls, quiet hours.
  useEffect(() => {
    const d = decks.current;
    if (!d) return;
    d.setMaster(Math.min(volume, volumeCeiling(settings, new Date(now))));
    if (!audible || !item) return;
    d.follow(wanted(now), item.paused_ms !== null);
    const next =
      upNext?.source === 'file' ? { item: upNext, src: media.audio(upNext.track_id), gain: trackGain(upNext, settings) } : null;
    d.tick(now, next);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [now]);

  const durationMs = item?.duration_ms ?? 0;
  const position = item ? Math.min(Math.max(0, roomPosition(item, now)), durationMs) : 0;
  const shown = dragging ?? position;
  const ceiling = volumeCeiling(settings, new Date(now));
  const commitSeek = () => {
    // The bar counts whole seconds; the track may end before the last one.
    if (dragging !== null) onTransport({ action: 'seek', positionMs: Math.min(Math.round(dragging), durationMs) });
    setDragging(null);
  };
  const togglePlaysHere = (on: boolean) => {
    storage.setPlaysHere(on);
    setPlaysHere(on);
  };
  const changeVolume = (v: number) => {
    storage.setVolume(v);
    setVolume(v);
  };
  const waitingForTap = blocked && audible;

  return (
    <section className="panel player" aria-labelledby="player-heading">
      <div className="panel-head">
        <h2 id="player-heading">{t('player.heading')}</h2>
        <label className="row">
          <input type="checkbox" checked={playsHere} onChange={(e) => togglePlaysHere(e.target.checked)} />
          {t('player.playsHere')}
        </label>
      </div>
      {demo && (
        <p className="demo-note" role="note">
          {t('player.demo')} <code>--music ~/Music</code>
        </p>
      )}
      {/* Music has no words to caption; the page shows what plays. */}
      {/* eslint-disable-next-line jsx-a11y/media-has-caption */}
      <audio ref={deckA} preload="auto" aria-hidden="true" />
      {/* eslint-disable-next-line jsx-a11y/media-has-caption */}
      <audio ref={deckB} preload="auto" aria-hidden="true" />
      <div className="player-controls">
        {waitingForTap ? (
          <button
            type="button"
            className="button tap-to-start"
            onClick={() => void decks.current?.unlock().then((ok) => setBlocked(!ok))}
          >
            {t('player.tap')}
          </button>
        ) : (
          <button
            type="button"
            className="button button-small"
            disabled={!item}
            onClick={() => onTransport({ action: item?.paused_ms !== null ? 'resume' : 'pause' })}
          >
            {t(item && item.paused_ms !== null ? 'now.resume' : 'now.pause')}
          </button>
        )}
        <input
          type="range"
          aria-label={t('player.seek')}
          min={0}
          max={Math.max(1, Math.round(durationMs / 1000))}
          step={1}
          disabled={!item}
          value={Math.round(shown / 1000)}
          aria-valuetext={t('player.seekText', { at: formatDuration(shown), total: formatDuration(durationMs) })}
          onChange={(e) => setDragging(Number(e.target.value) * 1000)}
          onPointerUp={commitSeek}
          onKeyUp={commitSeek}
          onBlur={commitSeek}
        />
        <span className="muted player-times" aria-hidden="true">
          {formatDuration(shown)} / {formatDuration(durationMs)}
        </span>
      </div>
      <div className="player-volume">
        <Percent label={t('player.volume')} value={Math.round(volume * 100)} onChange={(v) => changeVolume(v / 100)} />
        {ceiling < 1 && (
          <span className="badge" title={t('player.quietTitle')}>
            {t('player.quietCap', { n: Math.round(ceiling * 100) })}
          </span>
        )}
      </div>
      {outputs.length > 0 && <Outputs code={code} outputs={outputs} settings={settings} />}
      <p className="muted player-note" role="status">
        {waitingForTap
          ? t('player.noteTap')
          : !item
            ? t('now.addOne')
            : item.source === 'mpd'
              ? t('player.noteMpd')
              : !item.playable
                ? t('player.noteSilent')
                : playsHere
                ? t('player.notePlaying')
                : t('player.noteElsewhere')}
      </p>
    </section>
  );
}

/** The box's own outputs (`GET /box`), looked at every few seconds: a
 * lost MPD server or Snapcast source shows here while the box retries. */
function useOutputs(): Output[] {
  const [outputs, setOutputs] = useState<Output[]>([]);
  useEffect(() => {
    let live = true;
    const look = () =>
      api
        .box()
        .then((box) => live && setOutputs(box.outputs))
        .catch(() => undefined);
    void look();
    const timer = window.setInterval(look, OUTPUTS_EVERY_MS);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
  }, []);
  return outputs;
}

const OUTPUTS_EVERY_MS = 3000;

/** Where the party's sound goes besides this page, each with how it
 * stands, and the box's volume for them. */
function Outputs({ code, outputs, settings }: { code: string; outputs: Output[]; settings: Settings | null }) {
  const [volume, setVolume] = useState<number | null>(null);
  const shown = volume ?? settings?.volume_percent ?? 100;
  const commit = () => {
    if (volume === null) return;
    api
      .updateSettings(code, { volume_percent: volume })
      .catch((error: unknown) => toastStore.show(humanMessage(error), 'error'))
      .finally(() => setVolume(null));
  };
  return (
    <div className="outputs">
      <ul className="output-list" aria-label={t('player.outputs')}>
        {outputs.map((o) => (
          <li key={o.kind} className={o.connected ? 'output' : 'output output-down'}>
            <span className="output-kind">{t(`player.output.${o.kind}` as 'player.output.mpd')}</span>{' '}
            <span className="muted output-name">{o.name}</span>{' '}
            <span className={o.playing ? 'badge badge-live' : 'badge'}>
              {o.playing ? t('player.outputPlaying') : o.connected ? t('player.outputReady') : t('player.outputDown')}
            </span>
            {!o.connected && o.error && (
              <p className="output-error" role="alert">
                {t('player.outputRetrying', { error: o.error })}
              </p>
            )}
          </li>
        ))}
      </ul>
      <Percent label={t('player.boxVolume')} value={shown} onChange={setVolume} onCommit={commit} />
    </div>
  );
}

/** A volume slider, 0 to 100 % in steps of 5; `onCommit` when let go. */
function Percent({
  label,
  value,
  onChange,
  onCommit,
}: {
  label: string;
  value: number;
  onChange: (percent: number) => void;
  onCommit?: () => void;
}) {
  return (
    <label className="row">
      {label}
      <input
        type="range"
        min={0}
        max={100}
        step={5}
        value={value}
        onChange={(e) => onChange(Number(e.target.value))}
        onPointerUp={onCommit}
        onKeyUp={onCommit}
        onBlur={onCommit}
      />
    </label>
  );
}
