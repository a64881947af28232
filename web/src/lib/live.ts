// The room's WebSocket: connects, reconnects with backoff and jitter after
// Wi-Fi drops, and reports how it is doing.
import type { LiveDelta, LiveFrame, PersonalFrame, QueueItem, ReactionFrame, TicketFrame } from '../api/types';
import { api } from '../api/client';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

/** Wait before reconnect attempt `attempt` (1, 2, ...): doubling from half
 * a second up to ten, each randomised to between half and all of it, so a
 * room full of phones does not reconnect in lockstep after a Wi-Fi blip. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(10_000, 500 * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling * (0.5 + random() / 2));
}

/** How often an open socket asks the box for a pong, and how long a socket
 * may stay silent before it counts as dropped: on a Wi-Fi that loses
 * packets a dead socket can stay "open" for minutes, frames lost in it. */
export const HEARTBEAT_MS = 1000;
export const SILENT_FOR_MS = 3500;
/** Silent this long, a socket is only suspect: the page catches up over
 * HTTP meanwhile (cheap), and keeps the socket. */
export const QUIET_AFTER_MS = 1500;
/** A ticket for a new socket is asked again rather than waited on longer. */
const TICKET_TIMEOUT_MS = 4000;
/** A socket that has not opened by then is tried again: begun in a Wi-Fi
 * outage, it opens within two round trips of the link's return, a lost
 * packet or two later on a bad link. */
export const OPEN_TIMEOUT_MS = 8000;
/** How many sockets one spare ticket is tried for. */
const SPARE_TRIES = 2;
/** A spare ticket is used only this long before its end. */
const SPARE_MARGIN_MS = 10_000;

export interface LiveHandlers {
  onFrame: (frame: LiveFrame) => void;
  /** A message for this person only. */
  onPersonal: (frame: PersonalFrame) => void;
  /** Something that happened in the room (a reaction): shown, not kept. */
  onEvent?: (frame: ReactionFrame) => void;
  /** `failures` counts attempts since the socket was last open. */
  onStatus: (status: LiveStatus, failures: number) => void;
  /** The open socket went quiet (nothing heard for a while), or spoke again. */
  onQuiet?: (quiet: boolean) => void;
}

/** `queue` after a delta's queue changes, or null when they are not for
 * this queue (an item to place is nowhere). */
export function applyQueueDelta(queue: QueueItem[], changes: NonNullable<LiveDelta['queue']>): QueueItem[] | null {
  const removed = new Set(changes.remove);
  const aside = new Map<string, QueueItem>(changes.upsert.map((i) => [i.room_track_id, i]));
  const list = queue
    .filter((i) => !removed.has(i.room_track_id))
    .map((i) => {
      const changed = aside.get(i.room_track_id);
      aside.delete(i.room_track_id);
      return changed ?? i;
    });
  for (const [id, after] of changes.place) {
    const at = list.findIndex((i) => i.room_track_id === id);
    const item = at >= 0 ? list.splice(at, 1)[0] : aside.get(id);
    if (!item) return null;
    aside.delete(id);
    const to = after === null ? 0 : list.findIndex((i) => i.room_track_id === after) + 1;
    if (after !== null && to === 0) return null;
    list.splice(to, 0, item);
  }
  // A score is a place, counted from the end: the box does not resend
  // items that only moved.
  return list.map((item, i) => (item.score === list.length - i ? item : { ...item, score: list.length - i }));
}

/** The room after `delta`, or null when the delta is not for `state`
 * (then the socket starts over with a whole frame). */
export function applyDelta(state: LiveFrame, delta: LiveDelta): LiveFrame | null {
  if (delta.base !== state.version) return null;
  const queue = delta.queue ? applyQueueDelta(state.queue, delta.queue) : state.queue;
  if (!queue) return null;
  return {
    type: 'snapshot',
    version: delta.version,
    queue,
    now_playing: delta.now_playing === undefined ? state.now_playing : delta.now_playing,
    presence: delta.presence ?? state.presence,
    skip: delta.skip ?? state.skip,
    settings: delta.settings ?? state.settings,
  };
}

export function liveAvailable(): boolean {
  return typeof WebSocket !== 'undefined';
}

/** The room's live socket, as `openLive` opened it. */
export interface Live {
  /** Closes it for good. */
  close: () => void;
  /** While waiting to try again: tries at once instead (the box answered
   * over HTTP again). A socket still opening is left to open: begun in the
   * outage, it is often a round trip from open when the box answers (begun
   * anew then, half took longer, measured). */
  skipWait: () => void;
}

/** Opens the room's live socket. */
export function openLive(code: string, { onFrame, onPersonal, onEvent, onStatus, onQuiet }: LiveHandlers): Live {
  let socket: WebSocket | null = null;
  let failures = 0;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  // A single-use ticket stands for the guest (the cookie may be blocked,
  // and an id in a URL ends up in logs); deltas after the first frame, so a
  // 500-song queue is not resent per vote.
  const url = (ticket: string) => {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const query = `?frames=delta&spare=1&ticket=${encodeURIComponent(ticket)}`;
    return `${scheme}://${location.host}/rooms/${encodeURIComponent(code)}/ws${query}`;
  };

  // Between a failed try and the next one.
  let waiting = false;
  const retryLater = () => {
    failures += 1;
    onStatus('reconnecting', failures);
    waiting = true;
    timer = setTimeout(connect, backoffMs(failures));
  };

  // The spare ticket the open socket handed over, for the next one: a
  // phone back from an outage opens its socket at once, without first
  // asking for a ticket over HTTP (a request that waits behind the others
  // on a bad link). The box takes it when a socket opens with it; a socket
  // given up before it opened may not have reached the box, so it is tried
  // twice, then the page asks for a ticket.
  let spare: { ticket: string; until: number; tries: number } | null = null;

  // Each attempt's number: a ticket that arrives after a newer attempt
  // began opens nothing.
  let attempt = 0;
  const connect = () => {
    clearTimeout(timer);
    waiting = false;
    if (stopped) return;
    const mine = ++attempt;
    onStatus(failures === 0 ? 'connecting' : 'reconnecting', failures);
    if (spare && spare.tries < SPARE_TRIES && Date.now() < spare.until) {
      spare.tries += 1;
      open(spare.ticket);
      return;
    }
    spare = null;
    api
      .liveTicket(code, TICKET_TIMEOUT_MS)
      .then(({ ticket }) => {
        if (mine === attempt) open(ticket);
      })
      .catch(() => {
        if (!stopped && mine === attempt) retryLater();
      });
  };

  const open = (ticket: string) => {
    if (stopped) return;
    socket?.close();
    const ws = new WebSocket(url(ticket));
    socket = ws;
    // The room as this socket was last told it: what deltas apply to.
    let room: LiveFrame | null = null;
    let heard = Date.now();
    let quiet = false;
    const setQuiet = (now: boolean) => {
      if (now !== quiet) {
        quiet = now;
        onQuiet?.(now);
      }
    };
    const heartbeat = setInterval(() => {
      if (socket !== ws) {
        clearInterval(heartbeat);
        return;
      }
      if (ws.readyState !== WebSocket.OPEN) return;
      const silent = Date.now() - heard;
      if (silent > SILENT_FOR_MS) {
        // Dropped, though the browser does not know it yet.
        clearInterval(heartbeat);
        setQuiet(false);
        socket = null;
        ws.close();
        retryLater();
        return;
      }
      setQuiet(silent > QUIET_AFTER_MS);
      ws.send('ping');
    }, HEARTBEAT_MS);
    // A socket begun in an outage can wait for minutes to open: it is
    // given up for a new try (which the box's answering again hurries).
    const opening = setTimeout(() => {
      if (socket !== ws || ws.readyState !== WebSocket.CONNECTING) return;
      socket = null;
      ws.close();
      retryLater();
    }, OPEN_TIMEOUT_MS);
    ws.onopen = () => {
      clearTimeout(opening);
      spare = null;
      heard = Date.now();
      failures = 0;
      onStatus('live', 0);
    };
    ws.onmessage = (event) => {
      heard = Date.now();
      setQuiet(false);
      try {
        const frame = JSON.parse(String(event.data)) as LiveFrame | LiveDelta | PersonalFrame | ReactionFrame | TicketFrame;
        if (frame.type === 'ticket') {
          // Kept a little short of its end: the way to the box takes time.
          spare = { ticket: frame.ticket, until: Date.now() + frame.expires_in_ms - SPARE_MARGIN_MS, tries: 0 };
        } else if (frame.type === 'snapshot') {
          room = frame;
          onFrame(frame);
        } else if (frame.type === 'delta') {
          const next = room && applyDelta(room, frame);
          // Out of step (it should never be): start over with a whole frame.
          if (!next) {
            ws.close();
            return;
          }
          room = next;
          onFrame(next);
        } else if (frame.type === 'notice' || frame.type === 'removed') onPersonal(frame);
        else if (frame.type === 'reaction') onEvent?.(frame);
      } catch {
        // Not a frame we know: ignore it.
      }
    };
    ws.onclose = (event) => {
      clearTimeout(opening);
      clearInterval(heartbeat);
      setQuiet(false);
      if (stopped || socket !== ws) return;
      // 1008 (policy): the box put this person out of the room; no retry.
      if (event.code === 1008) return;
      // 1001 (going away): the box is restarting, and forgets its tickets.
      if (event.code === 1001) spare = null;
      retryLater();
    };
  };

  // Back on the network, or back in the foreground: try at once. A socket
  // opened while offline can hang in CONNECTING, so it is dropped, not awaited.
  const retryNow = () => {
    if (stopped || socket?.readyState === WebSocket.OPEN) return;
    const stale = socket;
    socket = null;
    stale?.close();
    connect();
  };
  const onVisible = () => document.visibilityState === 'visible' && retryNow();
  window.addEventListener('online', retryNow);
  document.addEventListener('visibilitychange', onVisible);
  connect();

  return {
    close: () => {
      stopped = true;
      clearTimeout(timer);
      window.removeEventListener('online', retryNow);
      document.removeEventListener('visibilitychange', onVisible);
      socket?.close();
    },
    skipWait: () => {
      if (waiting) connect();
    },
  };
}
