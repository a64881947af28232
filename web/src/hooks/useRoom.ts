import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api } from '../api/client';
import type { Me, QueueItem, RoomInfo, VoteValue } from '../api/types';
import { connection } from '../lib/connection';
import { humanMessage, isOffline } from '../lib/errors';
import { toastStore } from '../lib/toasts';
import { applyVote } from '../lib/votes';

const POLL_MS = 2500;

export interface RoomData {
  info: RoomInfo | null;
  queue: QueueItem[];
  nowPlaying: QueueItem | null;
  me: Me | null;
  /** False until the first answer, so panels can hold their shape. */
  loaded: boolean;
  /** The room code does not exist. */
  missing: boolean;
}

const empty: RoomData = { info: null, queue: [], nowPlaying: null, me: null, loaded: false, missing: false };

/** A room's state, kept fresh by polling, with the actions a member takes. */
export function useRoom(
  code: string,
  { enabled = true, onUnauthorized }: { enabled?: boolean; onUnauthorized?: () => void } = {},
) {
  const [data, setData] = useState<RoomData>(empty);
  // Votes in flight: a poll that lands meanwhile must not undo them.
  const pendingVotes = useRef(0);

  const refresh = useCallback(async () => {
    try {
      const [info, queue, nowPlaying, me] = await Promise.all([
        api.roomInfo(code),
        api.queue(code),
        api.nowPlaying(code),
        api.me(code),
      ]);
      connection.report(true);
      if (pendingVotes.current > 0) return;
      setData({ info, queue, nowPlaying, me, loaded: true, missing: false });
    } catch (error) {
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
    }
  }, [code, onUnauthorized]);

  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const tick = async () => {
      await refresh();
      if (!stopped) timer = setTimeout(tick, POLL_MS);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [refresh, enabled]);

  const vote = useCallback(
    async (roomTrackId: string, value: VoteValue) => {
      const before = data;
      const myVotes = before.me?.votes ?? {};
      const next = applyVote({ queue: before.queue, myVotes }, roomTrackId, value);
      if (!next || !before.me) return;
      setData({ ...before, queue: next.queue, me: { ...before.me, votes: next.myVotes } });
      pendingVotes.current += 1;
      try {
        const queue = await api.vote(code, roomTrackId, value);
        setData((d) => ({ ...d, queue }));
      } catch (error) {
        // Roll back only this vote: the box said no.
        setData((d) => ({
          ...d,
          queue: before.queue,
          me: d.me ? { ...d.me, votes: myVotes } : d.me,
        }));
        toastStore.show(humanMessage(error), 'error');
      } finally {
        pendingVotes.current -= 1;
      }
    },
    [code, data],
  );

  const add = useCallback(
    async (trackId: string, title: string) => {
      try {
        const queue = await api.addTrack(code, trackId);
        setData((d) => ({ ...d, queue }));
        toastStore.show(`Added “${title}” to the queue.`);
        void refresh();
      } catch (error) {
        toastStore.show(humanMessage(error), 'error');
      }
    },
    [code, refresh],
  );

  const advance = useCallback(async () => {
    try {
      const { now_playing, queue } = await api.advance(code);
      setData((d) => ({ ...d, nowPlaying: now_playing, queue }));
    } catch (error) {
      toastStore.show(humanMessage(error), 'error');
    }
  }, [code]);

  return { data, refresh, vote, add, advance };
}
