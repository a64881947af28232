import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { ApiError, api } from '../api/client';
import { connection } from '../lib/connection';
import { humanMessage, isOffline } from '../lib/errors';
import { type LiveStatus, liveAvailable, openLive } from '../lib/live';
import { oneAtATime } from '../lib/oneAtATime';
import { ReactionFeed } from '../lib/reactions';
import { roomActions } from '../lib/roomActions';
import { RoomStore, fromFrame } from '../lib/roomStore';
import { toastStore } from '../lib/toasts';
import { tries } from '../lib/tries';

export type { RoomData } from '../lib/roomStore';

/** Polling, in a browser without WebSockets. */
const POLL_MS = 2500;
/** Catching up while the socket is down (a phone at the edge of the
 * Wi-Fi): light (the queue and what plays, one request), at once and then a
 * new try every second without waiting for the last (at most two at once,
 * each given 5 s), so the room shows again within a round trip or two of
 * the link's return. The tries
 * share the page's budget (lib/tries) with a vote's, which go first. */
const CATCH_UP_MS = 1000;
const CATCH_UP_AT_ONCE = 2;
const CATCH_UP_TIMEOUT_MS = 5000;
/** The guest's own side: asked again later rather than waited on longer. */
const MINE_TIMEOUT_MS = 4000;

/**
 * A room's state, live over the room's WebSocket (polling only when that is
 * unavailable), with the actions a member takes (`lib/roomActions`).
 */
export function useRoom(
  code: string,
  { enabled = true, onUnauthorized }: { enabled?: boolean; onUnauthorized?: () => void } = {},
) {
  const store = useMemo(() => new RoomStore(), []);
  const reactions = useMemo(() => new ReactionFeed(), []);
  const data = useSyncExternalStore(store.subscribe, store.snapshot);
  const [live, setLive] = useState<{ status: LiveStatus; failures: number }>({ status: 'connecting', failures: 0 });
  // The socket is open but has said nothing for a while (a lossy link).
  const [quiet, setQuiet] = useState(false);

  const failed = useCallback(
    (error: unknown) => {
      if (isOffline(error)) {
        connection.report(false);
        return;
      }
      connection.report(true);
      if (error instanceof ApiError && error.status === 404) {
        store.missing();
      } else if (error instanceof ApiError && error.status === 401 && onUnauthorized) {
        onUnauthorized();
      } else {
        toastStore.show(humanMessage(error), 'error');
      }
    },
    [store, onUnauthorized],
  );

  /** The guest's own side (role, votes, additions) and the room's name.
   * One at a time (once more if asked meanwhile): on a lossy link the
   * socket reconnects again and again, each time asking, and the answers
   * piled up on the browser's six connections to the box. */
  const refreshMine = useMemo(
    () =>
      oneAtATime(async () => {
        try {
          const [info, me] = await Promise.all([api.roomInfo(code, MINE_TIMEOUT_MS), api.me(code, MINE_TIMEOUT_MS)]);
          connection.report(true);
          store.set({ info });
          store.setMe(me);
          // Members only: a guest who is not in (yet) sees the join screen.
          if (me.role !== null) store.set({ settings: await api.settings(code, MINE_TIMEOUT_MS) });
        } catch (error) {
          failed(error);
        }
      }),
    [code, store, failed],
  );

  /** Everything over HTTP: the first paint, and the fallback to the socket. */
  const refresh = useCallback(async () => {
    try {
      const [queue, nowPlaying] = await Promise.all([api.queue(code), api.nowPlaying(code)]);
      await refreshMine();
      store.apply(Math.min(queue.version, nowPlaying.version), { queue: queue.body, nowPlaying: nowPlaying.body });
    } catch (error) {
      failed(error);
    }
  }, [code, store, refreshMine, failed]);

  // First paint over HTTP, whatever the socket does.
  useEffect(() => {
    if (!enabled) return;
    const first = setTimeout(() => void refresh(), 0);
    return () => clearTimeout(first);
  }, [enabled, refresh]);

  // The live socket.
  useEffect(() => {
    if (!enabled || !liveAvailable()) return;
    const socket = openLive(code, {
      onFrame: (frame) => {
        connection.report(true);
        store.apply(frame.version, fromFrame(frame));
      },
      onPersonal: (frame) => {
        if (frame.type === 'removed') {
          store.set({ removed: frame.message });
          return;
        }
        toastStore.show(frame.message);
        // A notice may change what is ours (a role, a removed song).
        void refreshMine();
      },
      onEvent: (frame) => reactions.emit(frame),
      onStatus: (status, failures) => {
        setLive({ status, failures });
        // (Re)connected: the guest's own side may have changed meanwhile.
        // (Dropped, the light catch-up below asks over HTTP: it tells the
        // offline banner the truth and shows what the socket missed.)
        if (status === 'live') void refreshMine();
      },
      onQuiet: setQuiet,
    });
    // The box answers again (any request: a vote, a catch-up): the socket
    // need not wait out its backoff.
    const unsubscribe = connection.subscribe(() => {
      if (connection.reachable()) socket.skipWait();
    });
    return () => {
      unsubscribe();
      socket.close();
    };
  }, [code, enabled, store, refreshMine, reactions]);

  /** The queue and what plays, in one request: the light catch-up. It asks
   * only what changed since the queue shown (one packet where the whole
   * room is several, each a chance to wait a retransmission out). */
  const catchUp = useCallback(async () => {
    try {
      let answer = await api.state(code, CATCH_UP_TIMEOUT_MS, store.queueVersion());
      connection.report(true);
      if ('type' in answer.body && store.applyChanges(answer.body)) return;
      if ('type' in answer.body) answer = await api.state(code, CATCH_UP_TIMEOUT_MS);
      if (!('type' in answer.body)) store.apply(answer.version, { queue: answer.body.queue, nowPlaying: answer.body.now_playing });
    } catch (error) {
      failed(error);
    }
  }, [code, store, failed]);

  // Polling while there is no socket: all of it without WebSockets, the
  // light catch-up while the socket is down.
  const noSocket = enabled && !liveAvailable();
  const socketDown = enabled && liveAvailable() && (live.status === 'reconnecting' || quiet);
  useEffect(() => {
    if (noSocket) {
      const timer = setInterval(() => void refresh(), POLL_MS);
      return () => clearInterval(timer);
    }
    if (!socketDown) return;
    let inFlight = 0;
    const tick = () => {
      // A vote under way brings the queue with its answer: it goes first.
      if (inFlight >= CATCH_UP_AT_ONCE || tries.delivering() || !tries.take()) return;
      inFlight += 1;
      void catchUp().finally(() => {
        inFlight -= 1;
        tries.release();
      });
    };
    tick();
    const timer = setInterval(tick, CATCH_UP_MS);
    return () => clearInterval(timer);
  }, [noSocket, socketDown, refresh, catchUp]);

  const actions = useMemo(() => roomActions(store, code, refreshMine), [store, code, refreshMine]);
  // Following the room as it happens: what is not urgent waits for this.
  const caughtUp = noSocket || (live.status === 'live' && !quiet);
  return { data, live: live.status, caughtUp, refresh, refreshMine, reactions, ...actions };
}
