// Two audio decks behind Web Audio gains: the host's page plays the room's
// track on one while the next loads (or fades in) on the other. The box
// decides what plays; the decks follow it (see ../components/Player.tsx)
// and say when a track is over or cannot be played.
import type { QueueItem } from '../api/types';
import { DRIFT_MS, PRELOAD_MS, START_SYNC_MS, STALL_MS, mediaErrorReason, needsSeek } from './player';

/** What the room wants this page to play now. */
export interface Wanted {
  item: QueueItem;
  src: string;
  /** The track's own gain (linear). */
  gain: number;
  /** Where the room is in it (ms). */
  positionMs: number;
  /** The crossfade for changing to it (ms; 0: a clean cut). */
  fadeMs: number;
  /** When to say it is over (ms into it), if not at the audio's own end. */
  reportEndAtMs: number | null;
}

export interface DeckEvents {
  /** The item played out (or its crossfade begins). */
  ended: (item: QueueItem) => void;
  /** The item cannot be played. */
  failed: (item: QueueItem, reason: string) => void;
  /** Whether the browser refuses sound until someone taps the page. */
  blocked: (blocked: boolean) => void;
}

interface Deck {
  el: HTMLAudioElement;
  gain: GainNode | null;
  /** The item it holds. */
  item: QueueItem | null;
  /** The held item's gain, when it was loaded ahead as the next. */
  nextGain: number;
  /** Its audio was put within START_SYNC_MS of the room since it started. */
  synced: boolean;
  /** Since when it should play but has no data. */
  starvedSince: number | null;
  fadeTimer: ReturnType<typeof setTimeout> | undefined;
}

export class Decks {
  private decks: [Deck, Deck];
  private current: 0 | 1 = 0;
  private ctx: AudioContext | null = null;
  private master: GainNode | null = null;
  private reported = new Set<string>();
  private wanted: Wanted | null = null;
  private isBlocked = false;

  constructor(
    a: HTMLAudioElement,
    b: HTMLAudioElement,
    private events: DeckEvents,
  ) {
    const deck = (el: HTMLAudioElement): Deck => ({
      el,
      gain: null,
      item: null,
      nextGain: 1,
      synced: false,
      starvedSince: null,
      fadeTimer: undefined,
    });
    this.decks = [deck(a), deck(b)];
    for (const i of [0, 1] as const) {
      const el = this.decks[i].el;
      el.addEventListener('ended', () => this.onEnded(i));
      el.addEventListener('error', () => this.onError(i));
      el.addEventListener('playing', () => this.onPlaying(i));
    }
  }

  /** Routes both decks through Web Audio (once): each its own gain for
   * loudness and fades, then the master volume. */
  private context(): AudioContext {
    if (this.ctx) return this.ctx;
    const ctx = new AudioContext();
    const master = ctx.createGain();
    master.connect(ctx.destination);
    for (const d of this.decks) {
      const gain = ctx.createGain();
      ctx.createMediaElementSource(d.el).connect(gain).connect(master);
      d.gain = gain;
    }
    this.ctx = ctx;
    this.master = master;
    return ctx;
  }

  /** The master volume (0 to 1: the host's volume within the quiet hours). */
  setMaster(volume: number) {
    if (this.master) this.master.gain.value = volume;
    for (const d of this.decks) d.el.dataset.master = String(volume);
  }

  /** Follows the room: plays `wanted` (or nothing), from its position. */
  follow(wanted: Wanted | null, paused: boolean) {
    this.wanted = wanted;
    const cur = this.decks[this.current];
    if (!wanted) {
      this.stop(cur, 0);
      return;
    }
    this.context();
    if (cur.item?.room_track_id !== wanted.item.room_track_id) {
      this.switchTo(wanted);
      return;
    }
    if (paused) {
      cur.el.pause();
      return;
    }
    this.setGain(cur, wanted.gain, 0);
    const tolerance = cur.synced ? DRIFT_MS : START_SYNC_MS;
    if (!cur.el.paused && cur.el.readyState >= 3 && needsSeek(cur.el.currentTime * 1000, wanted.positionMs, tolerance)) {
      cur.el.currentTime = Math.max(0, wanted.positionMs / 1000);
    } else if (!cur.el.paused && cur.el.readyState >= 3) {
      cur.synced = true;
    }
    if (cur.el.paused && !cur.el.ended && !this.isBlocked) void this.play(cur, wanted);
  }

  /** Checks a few times a second: the crossfade's start, the next track's
   * preload, a stall. `upNext`: what the room plays next, if known. */
  tick(now: number, upNext: { item: QueueItem; src: string; gain: number } | null) {
    const w = this.wanted;
    const cur = this.decks[this.current];
    if (!w || cur.item?.room_track_id !== w.item.room_track_id) return;
    const positionMs = cur.el.currentTime * 1000;
    if (w.reportEndAtMs !== null && positionMs >= w.reportEndAtMs && !cur.el.paused) this.report(w.item);
    const other = this.decks[flip(this.current)];
    const fading = other.fadeTimer !== undefined;
    if (upNext && !fading && w.item.duration_ms - positionMs < PRELOAD_MS && other.item?.room_track_id !== upNext.item.room_track_id) {
      other.item = upNext.item;
      other.nextGain = upNext.gain;
      other.synced = false;
      other.el.preload = 'auto';
      other.el.dataset.roomTrackId = upNext.item.room_track_id;
      other.el.src = upNext.src;
    }
    // Should play, has no data: a stalled load or a file gone.
    const starving = !this.isBlocked && (cur.el.paused || cur.el.readyState < 3) && !cur.el.ended;
    if (!starving) cur.starvedSince = null;
    else if (cur.starvedSince === null) cur.starvedSince = now;
    else if (now - cur.starvedSince > STALL_MS) {
      cur.starvedSince = null;
      this.fail(w.item, 'it stalled: no audio came for 10 seconds');
    }
  }

  /** After a tap: sound is allowed now; start from where the room is. */
  async unlock(): Promise<boolean> {
    const ctx = this.context();
    await ctx.resume().catch(() => undefined);
    const w = this.wanted;
    if (w) {
      const cur = this.decks[this.current];
      cur.synced = false;
      const started = performance.now();
      // The room moved on while the page waited for the tap.
      cur.el.currentTime = Math.max(0, w.positionMs / 1000);
      await this.play(cur, w, started);
    }
    return !this.isBlocked;
  }

  private switchTo(w: Wanted) {
    const old = this.decks[this.current];
    const fade = !old.el.paused && old.item !== null ? w.fadeMs : 0;
    const nextIndex = flip(this.current);
    const next = this.decks[nextIndex];
    clearTimeout(next.fadeTimer);
    next.fadeTimer = undefined;
    this.stop(old, fade);
    if (next.item?.room_track_id !== w.item.room_track_id || next.el.getAttribute('src') !== w.src) {
      next.el.src = w.src;
    }
    next.item = w.item;
    next.synced = false;
    next.starvedSince = null;
    next.el.dataset.roomTrackId = w.item.room_track_id;
    next.el.currentTime = Math.max(0, w.positionMs / 1000);
    this.current = nextIndex;
    this.setGain(next, 0, 0);
    this.setGain(next, w.gain, fade);
    void this.play(next, w);
  }

  private async play(d: Deck, w: Wanted, asked = performance.now()) {
    try {
      await d.el.play();
      // Time spent starting counts: the room kept going meanwhile.
      const late = performance.now() - asked;
      if (needsSeek(d.el.currentTime * 1000, w.positionMs + late, START_SYNC_MS)) {
        d.el.currentTime = (w.positionMs + late) / 1000;
      }
      this.setBlocked(this.ctx?.state !== 'running');
    } catch (error) {
      // Browsers refuse sound until someone touches the page.
      if (error instanceof DOMException && error.name === 'NotAllowedError') this.setBlocked(true);
    }
  }

  private stop(d: Deck, fadeMs: number) {
    if (d.el.paused || fadeMs <= 0) {
      d.el.pause();
      return;
    }
    this.setGain(d, 0, fadeMs);
    d.fadeTimer = setTimeout(() => {
      d.el.pause();
      d.fadeTimer = undefined;
    }, fadeMs);
  }

  private setGain(d: Deck, value: number, overMs: number) {
    // The same target again (every tick asks): leave a running fade be.
    if (d.el.dataset.gain === String(value)) return;
    d.el.dataset.gain = String(value);
    if (!d.gain || !this.ctx) return;
    const at = this.ctx.currentTime;
    d.gain.gain.cancelScheduledValues(at);
    if (overMs > 0) {
      d.gain.gain.setValueAtTime(d.gain.gain.value, at);
      d.gain.gain.linearRampToValueAtTime(value, at + overMs / 1000);
    } else {
      d.gain.gain.setValueAtTime(value, at);
    }
  }

  private setBlocked(blocked: boolean) {
    if (blocked !== this.isBlocked) {
      this.isBlocked = blocked;
      this.events.blocked(blocked);
    }
  }

  private onPlaying(i: 0 | 1) {
    const d = this.decks[i];
    d.starvedSince = null;
  }

  private onEnded(i: 0 | 1) {
    const d = this.decks[i];
    if (i !== this.current || !d.item) return;
    const ended = d.item;
    // Gapless: the next track is loaded; start it now, before the box
    // answers (it will name the same one, or the decks switch again).
    const other = this.decks[flip(i)];
    if (other.item && other.item.room_track_id !== ended.room_track_id && other.el.readyState >= 2 && this.wanted) {
      this.current = flip(i);
      other.synced = false;
      this.setGain(other, other.nextGain, 0);
      void this.play(other, { ...this.wanted, item: other.item, gain: other.nextGain, positionMs: 0 });
    }
    this.report(ended);
  }

  private onError(i: 0 | 1) {
    const d = this.decks[i];
    if (i !== this.current || !d.item) return;
    this.fail(d.item, mediaErrorReason(d.el.error));
  }

  private report(item: QueueItem) {
    if (this.reported.has(item.room_track_id)) return;
    this.reported.add(item.room_track_id);
    this.events.ended(item);
  }

  private fail(item: QueueItem, reason: string) {
    if (this.reported.has(item.room_track_id)) return;
    this.reported.add(item.room_track_id);
    this.events.failed(item, reason);
  }

  close() {
    for (const d of this.decks) {
      clearTimeout(d.fadeTimer);
      d.el.pause();
    }
    void this.ctx?.close();
  }
}

/** The other deck. */
function flip(i: 0 | 1): 0 | 1 {
  return i === 0 ? 1 : 0;
}
