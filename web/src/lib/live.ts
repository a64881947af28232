// The room's WebSocket: connects, reconnects with backoff and jitter after
// Wi-Fi drops, and reports how it is doing.
import type { LiveFrame, PersonalFrame } from '../api/types';
import { storage } from './storage';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

/** Wait before reconnect attempt `attempt` (1, 2, ...): doubling from half
 * a second up to ten, each randomised to between half and all of it, so a
 * room full of phones does not reconnect in lockstep after a Wi-Fi blip. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(10_000, 500 * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling * (0.5 + random() / 2));
}

export interface LiveHandlers {
  onFrame: (frame: LiveFrame) => void;
  /** A message for this person only. */
  onPersonal: (frame: PersonalFrame) => void;
  /** `failures` counts attempts since the socket was last open. */
  onStatus: (status: LiveStatus, failures: number) => void;
}

export function liveAvailable(): boolean {
  return typeof WebSocket !== 'undefined';
}

/** Opens the room's live socket; the returned function closes it for good. */
export function openLive(code: string, { onFrame, onPersonal, onStatus }: LiveHandlers): () => void {
  let socket: WebSocket | null = null;
  let failures = 0;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const url = () => {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    // Same origin sends the cookie; the uid is the seed-style fallback.
    const uid = storage.userId();
    const query = uid ? `?uid=${encodeURIComponent(uid)}` : '';
    return `${scheme}://${location.host}/rooms/${encodeURIComponent(code)}/ws${query}`;
  };

  const connect = () => {
    clearTimeout(timer);
    if (stopped) return;
    onStatus(failures === 0 ? 'connecting' : 'reconnecting', failures);
    const ws = new WebSocket(url());
    socket = ws;
    ws.onopen = () => {
      failures = 0;
      onStatus('live', 0);
    };
    ws.onmessage = (event) => {
      try {
        const frame = JSON.parse(String(event.data)) as LiveFrame | PersonalFrame;
        if (frame.type === 'snapshot') onFrame(frame);
        else if (frame.type === 'notice' || frame.type === 'removed') onPersonal(frame);
      } catch {
        // Not a frame we know: ignore it.
      }
    };
    ws.onclose = (event) => {
      if (stopped || socket !== ws) return;
      // 1008 (policy): the box put this person out of the room; no retry.
      if (event.code === 1008) return;
      failures += 1;
      onStatus('reconnecting', failures);
      timer = setTimeout(connect, backoffMs(failures));
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

  return () => {
    stopped = true;
    clearTimeout(timer);
    window.removeEventListener('online', retryNow);
    document.removeEventListener('visibilitychange', onVisible);
    socket?.close();
  };
}
