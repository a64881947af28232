// What a member does in a room, as plain functions over the room's store:
// each asks the box, applies its answer, and says what happened. Every
// failure takes the same path: the box's words in a toast.
import { api } from '../api/client';
import type { QueueItem, Transport, VoteValue } from '../api/types';
import { t } from '../i18n';
import { connection } from './connection';
import { humanMessage, isOffline } from './errors';
import type { RoomStore } from './roomStore';
import { toastStore } from './toasts';

/** Per try, when a vote is retried on a flaky link: short, since the next
 * try follows, and a try that did reach the box changes nothing twice. */
export const RETRY_TIMEOUT_MS = 3000;
/** Between tries of a vote the box could not be reached for (jittered). */
export const RETRY_EVERY_MS = 1000;
/** How long a vote keeps trying before it is given up, and said so. */
export const RETRY_FOR_MS = 60_000;

/**
 * Runs `work` until the box answers: while it cannot be reached, tries again
 * every second or so (for a minute), as long as `wanted()` says the result
 * still matters. Only what is safe to repeat goes through here: a vote is,
 * as the box keeps one vote per guest and item. Answers `undefined` on a
 * refusal (shown) or when given up (shown) or no longer wanted (not shown).
 */
export async function deliver<T>(
  work: () => Promise<T>,
  wanted: () => boolean,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((done) => setTimeout(done, ms)),
  now: () => number = Date.now,
): Promise<T | undefined> {
  const start = now();
  for (;;) {
    try {
      const answer = await work();
      connection.report(true);
      return answer;
    } catch (error) {
      if (!wanted()) return undefined;
      if (!isOffline(error) || now() - start >= RETRY_FOR_MS) {
        toastStore.show(humanMessage(error), 'error');
        return undefined;
      }
      connection.report(false);
      await sleep(RETRY_EVERY_MS * (0.75 + Math.random() / 2));
      if (!wanted()) return undefined;
    }
  }
}

/** Runs `work`; a failure is shown, and answered as `undefined`. */
export async function attempt<T>(work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    toastStore.show(humanMessage(error), 'error');
    return undefined;
  }
}

export function roomActions(store: RoomStore, code: string, refreshMine: () => Promise<void>) {
  /** After an answer that moved the room on. */
  const moved = ({ body, version }: Awaited<ReturnType<typeof api.advance>>) =>
    store.apply(version, { queue: body.queue, nowPlaying: body.now_playing });

  return {
    async vote(roomTrackId: string, value: VoteValue) {
      const press = store.press(roomTrackId, value);
      if (press === null) return;
      // Tried again while the box cannot be reached (a phone at the edge of
      // the Wi-Fi), until a later press on the same item replaces it.
      const answer = await deliver(
        () => api.vote(code, roomTrackId, value, RETRY_TIMEOUT_MS),
        () => store.stillPressed(roomTrackId, press),
      );
      store.settle(roomTrackId, press, value, answer !== undefined);
      if (!answer) return;
      store.apply(answer.version, { queue: answer.body });
      // Whether it counts (or waits, and why) is the guest's own side.
      void api
        .me(code)
        .then((me) => store.setMe(me))
        .catch(() => undefined);
    },

    async add(trackId: string, title: string) {
      const queue = await attempt(() => api.addTrack(code, trackId));
      if (!queue) return;
      store.apply(queue.version, { queue: queue.body });
      // Not in the queue: the room was quiet and it started at once.
      const waiting = queue.body.some((i) => i.track_id === trackId);
      toastStore.show(t(waiting ? 'now.added' : 'now.startedAtOnce', { title }));
      void refreshMine();
    },

    async remove(roomTrackId: string, reason?: string) {
      const queue = await attempt(() => api.removeItem(code, roomTrackId, reason));
      if (!queue) return;
      store.apply(queue.version, { queue: queue.body });
      void refreshMine();
    },

    async advance() {
      const answer = await attempt(() => api.advance(code));
      if (answer) moved(answer);
    },

    async ended(roomTrackId: string) {
      const answer = await attempt(() => api.ended(code, roomTrackId));
      if (answer) moved(answer);
    },

    async unplayable(item: QueueItem, reason: string) {
      const answer = await attempt(() => api.failed(code, item.room_track_id, reason));
      if (!answer) return;
      moved(answer);
      toastStore.show(t('now.couldNotPlay', { title: item.title, reason }), 'error');
    },

    async transport(tr: Transport) {
      const answer = await attempt(() =>
        tr.action === 'seek' ? api.seek(code, tr.positionMs) : tr.action === 'pause' ? api.pause(code) : api.resume(code),
      );
      if (answer) store.apply(answer.version, { nowPlaying: answer.body });
    },

    /** Answers whether the ask went through. */
    async askToSkip() {
      const status = await attempt(() => api.askToSkip(code));
      if (!status) return false;
      if (status.skipped) toastStore.show(t('now.skipped'));
      store.set({ skip: status.skipped ? { votes: 0, needed: status.needed } : status });
      return true;
    },
  };
}

export type RoomActions = ReturnType<typeof roomActions>;
