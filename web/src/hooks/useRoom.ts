import { useCallback, useEffect, useRef, useState } from 'react';
import type { Transport } from '../components/Player';
import { ApiError, api } from '../api/client';
import type { LiveFrame, Me, Presence, QueueItem, RoomInfo, Settings, SkipProgress, VoteValue } from '../api/types';
import { connection } from '../lib/connection';
import { humanMessage, isOffline } from '../lib/errors';
import { type LiveStatus, liveAvailable, openLive } from '../lib/live';
import { toastStore } from '../lib/toasts';
import { applyVote } from '../lib/votes';
import { t } from '../i18n';

/** Polling, only while the live socket is unavailable. */
const POLL_MS = 2500;
/** Failed socket attempts in a row before polling fills in. */
const POLL_AFTER_FAILURES = 2;

export interface RoomData {
  info: RoomInfo | null;
  queue: QueueItem[];
  nowPlaying: QueueItem | null;
  presence: Presence | null;
  me: Me | null;
  /** The room's rules (null until known). */
  settings: Settings | null;
  /** The room's vote to skip the playing track. */
  skip: SkipProgress | null;
  /** Set when the box put this person out of the room: what it said. */
  removed: string | null;
  /** The room version shown (-1 before the first). */
  version: number;
  /** False until the first answer, so panels can hold their shape. */
  loaded: boolean;
  /** The room code does not exist. */
  missing: boolean;
}

const empty: RoomData = {
  info: null,
  queue: [],
  nowPlaying: null,
  presence: null,
  me: null,
  settings: null,
  skip: null,
  removed: null,
  version: -1,
  loaded: false,
  missing: false,
};

type RoomState = Partial<Pick<RoomData, 'queue' | 'nowPlaying' | 'presence' | 'skip' | 'settings'>>;

/**
 * A room's state, live over the room's WebSocket (polling only when that is
 * unavailable), with the actions a member takes.
 */
export function useRoom(
  code: string,
  { enabled = true, onUnauthorized }: { enabled?: boolean; onUnauthorized?: () => void } = {},
) {
  const [data, setData] = useState<RoomData>(empty);
  const [live, setLive] = useState<{ status: LiveStatus; failures: number }>({ status: 'connecting', failures: 0 });
  // The newest room version shown: older answers and frames are dropped.
  const version = useRef(-1);
  // While a vote is in flight its optimistic state stays; frames wait.
  const pendingVotes = useRef(0);
  const heldFrame = useRef<LiveFrame | null>(null);

  const applyRoom = useCallback((v: number, state: RoomState) => {
    if (v < version.current) return;
    version.current = v;
    setData((d) => ({ ...d, ...state, version: v, loaded: true, missing: false }));
  }, []);

  const failed = useCallback(
    (error: unknown) => {
      if (isOffline(error)) {
        connection.report(false);
        return;
      }
      connection.report(true);
      if (error instanceof ApiError && error.status === 404) {
        setData({ ...empty, loaded: true, missing: true });
      } else if (error instanceof ApiError && error.status === 401 && onUnauthorized) {
        onUnauthorized();
      } else {
        toastStore.show(humanMessage(error), 'error');
      }
    },
    [onUnauthorized],
  );

  /** The guest's own side (role, votes, additions) and the room's name. */
  const refreshMine = useCallback(async () => {
    try {
      const [info, me] = await Promise.all([api.roomInfo(code), api.me(code)]);
      connection.report(true);
      setData((d) => ({ ...d, info, me }));
      // Members only: a guest who is not in (yet) sees the join screen.
      if (me.role !== null) {
        const settings = await api.settings(code);
        setData((d) => ({ ...d, settings }));
      }
    } catch (error) {
      failed(error);
    }
  }, [code, failed]);

  /** Everything over HTTP: the first paint, and the fallback to the socket. */
  const refresh = useCallback(async () => {
    try {
      const [queue, nowPlaying] = await Promise.all([api.queue(code), api.nowPlaying(code)]);
      await refreshMine();
      if (pendingVotes.current > 0) return;
      applyRoom(Math.min(queue.version, nowPlaying.version), { queue: queue.body, nowPlaying: nowPlaying.body });
    } catch (error) {
      failed(error);
    }
  }, [code, applyRoom, refreshMine, failed]);

  // First paint over HTTP, whatever the socket does.
  useEffect(() => {
    if (!enabled) return;
    const first = setTimeout(() => void refresh(), 0);
    return () => clearTimeout(first);
  }, [enabled, refresh]);

  // The live socket.
  useEffect(() => {
    if (!enabled || !liveAvailable()) return;
    return openLive(code, {
      onFrame: (frame) => {
        connection.report(true);
        if (pendingVotes.current > 0) {
          heldFrame.current = frame;
          return;
        }
        applyRoom(frame.version, fromFrame(frame));
      },
      onPersonal: (frame) => {
        if (frame.type === 'removed') {
          setData((d) => ({ ...d, removed: frame.message }));
          return;
        }
        toastStore.show(frame.message);
        // A notice may change what is ours (a role, a removed song).
        void refreshMine();
      },
      onStatus: (status, failures) => {
        setLive({ status, failures });
        // (Re)connected: the guest's own side may have changed meanwhile.
        if (status === 'live') void refreshMine();
        // Dropped: ask over HTTP, which tells the offline banner the truth
        // and catches up on what the socket missed.
        if (status === 'reconnecting') void refresh();
      },
    });
  }, [code, enabled, applyRoom, refresh, refreshMine]);

  // Polling, only while there is no socket.
  const polling =
    enabled && (!liveAvailable() || (live.status !== 'live' && live.failures >= POLL_AFTER_FAILURES));
  useEffect(() => {
    if (!polling) return;
    const timer = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(timer);
  }, [polling, refresh]);

  // The latest state, for a vote pressed again before the page re-rendered
  // (a second tap must see the first one's vote, not the render's).
  const latest = useRef(data);
  useEffect(() => {
    latest.current = data;
  }, [data]);

  const vote = useCallback(
    async (roomTrackId: string, value: VoteValue) => {
      const before = latest.current;
      const myVotes = before.me?.votes ?? {};
      const next = applyVote({ queue: before.queue, myVotes }, roomTrackId, value);
      if (!next || !before.me) return;
      const optimistic = { ...before, queue: next.queue, me: { ...before.me, votes: next.myVotes } };
      latest.current = optimistic;
      setData(optimistic);
      pendingVotes.current += 1;
      try {
        const queue = await api.vote(code, roomTrackId, value);
        pendingVotes.current -= 1;
        applyRoom(queue.version, { queue: queue.body });
        // Whether it counts (or waits, and why) is the guest's own side;
        // only that is taken, so votes still in flight keep their look.
        void api
          .me(code)
          .then((me) =>
            setData((d) =>
              d.me ? { ...d, me: { ...d.me, waiting_votes: me.waiting_votes, votes_count_at: me.votes_count_at } } : d,
            ),
          )
          .catch(() => undefined);
      } catch (error) {
        pendingVotes.current -= 1;
        // Roll back only this vote: the box said no.
        setData((d) => ({ ...d, queue: before.queue, me: d.me ? { ...d.me, votes: myVotes } : d.me }));
        toastStore.show(humanMessage(error), 'error');
      }
      const held = heldFrame.current;
      if (pendingVotes.current === 0 && held) {
        heldFrame.current = null;
        applyRoom(held.version, fromFrame(held));
      }
    },
    [code, applyRoom],
  );

  const add = useCallback(
    async (trackId: string, title: string) => {
      try {
        const queue = await api.addTrack(code, trackId);
        applyRoom(queue.version, { queue: queue.body });
        // Not in the queue: the room was quiet and it started at once.
        const waiting = queue.body.some((i) => i.track_id === trackId);
        toastStore.show(t(waiting ? 'now.added' : 'now.startedAtOnce', { title }));
        void refreshMine();
      } catch (error) {
        toastStore.show(humanMessage(error), 'error');
      }
    },
    [code, applyRoom, refreshMine],
  );

  const advance = useCallback(async () => {
    try {
      const { body, version: v } = await api.advance(code);
      applyRoom(v, { queue: body.queue, nowPlaying: body.now_playing });
    } catch (error) {
      toastStore.show(humanMessage(error), 'error');
    }
  }, [code, applyRoom]);

  const ended = useCallback(
    async (roomTrackId: string) => {
      try {
        const { body, version: v } = await api.ended(code, roomTrackId);
        applyRoom(v, { queue: body.queue, nowPlaying: body.now_playing });
      } catch (error) {
        toastStore.show(humanMessage(error), 'error');
      }
    },
    [code, applyRoom],
  );

  const unplayable = useCallback(
    async (item: QueueItem, reason: string) => {
      try {
        const { body, version: v } = await api.failed(code, item.room_track_id, reason);
        applyRoom(v, { queue: body.queue, nowPlaying: body.now_playing });
        toastStore.show(t('now.couldNotPlay', { title: item.title, reason }), 'error');
      } catch (error) {
        toastStore.show(humanMessage(error), 'error');
      }
    },
    [code, applyRoom],
  );

  const transport = useCallback(
    async (tr: Transport) => {
      try {
        const { body, version: v } =
          tr.action === 'seek'
            ? await api.seek(code, tr.positionMs)
            : tr.action === 'pause'
              ? await api.pause(code)
              : await api.resume(code);
        applyRoom(v, { nowPlaying: body });
      } catch (error) {
        toastStore.show(humanMessage(error), 'error');
      }
    },
    [code, applyRoom],
  );

  const remove = useCallback(
    async (roomTrackId: string, reason?: string) => {
      try {
        const queue = await api.removeItem(code, roomTrackId, reason);
        applyRoom(queue.version, { queue: queue.body });
        void refreshMine();
      } catch (error) {
        toastStore.show(humanMessage(error), 'error');
      }
    },
    [code, applyRoom, refreshMine],
  );

  const askToSkip = useCallback(async () => {
    try {
      const status = await api.askToSkip(code);
      if (status.skipped) toastStore.show(t('now.skipped'));
      setData((d) => ({ ...d, skip: status.skipped ? { votes: 0, needed: status.needed } : status }));
      return true;
    } catch (error) {
      toastStore.show(humanMessage(error), 'error');
      return false;
    }
  }, [code]);

  return {
    data,
    live: live.status,
    refresh,
    refreshMine,
    vote,
    add,
    advance,
    remove,
    askToSkip,
    ended,
    unplayable,
    transport,
  };
}

function fromFrame(frame: LiveFrame): RoomState {
  return {
    queue: frame.queue,
    nowPlaying: frame.now_playing,
    presence: frame.presence,
    skip: frame.skip,
    settings: frame.settings,
  };
}
